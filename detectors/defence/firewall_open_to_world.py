"""DP505: a cloud firewall opens database, cache or remote-admin ports to the whole internet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.defence._common import (
    DATA_PORTS,
    describe,
    gcp_ports,
    nested_blocks,
    ports_in_range,
    world_cidrs,
)
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_SG = "aws_security_group"
_SG_RULE = "aws_security_group_rule"
_VPC_RULE = "aws_vpc_security_group_ingress_rule"
_GCP = "google_compute_firewall"


class FirewallOpenToWorld(Rule):
    """A security group or firewall rule admits 0.0.0.0/0 or ::/0 to a database, cache or admin port.

    Reads ``aws_security_group`` ingress blocks, ``aws_security_group_rule`` (type ingress),
    ``aws_vpc_security_group_ingress_rule`` and ``google_compute_firewall`` (ingress): when the
    source is the whole internet and the ports cover PostgreSQL 5432, MySQL 3306, SQL Server
    1433, Oracle 1521, MongoDB 27017, Redis 6379 or Elasticsearch 9200 (high), or SSH 22 / RDP
    3389 (medium). A port range that covers one counts, and so does protocol ``-1``/``all``.
    The firewall is the layer that should keep scanners and password-guessers away from the data
    stores; clause 3.3.1 asks for that layer. Ports given as variables are not judged.
    """

    id = "DP505"
    name = "firewall-open-to-world"
    clauses = ("3.3.1",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Restrict the source to the VPC or the application tier: cidr_blocks = "
        "[aws_vpc.main.cidr_block] or source_security_group_id = aws_security_group.app.id "
        "(GCP: source_ranges = [\"10.0.0.0/8\"] or source_tags); reach SSH/RDP through a "
        "bastion, VPN or AWS Systems Manager Session Manager / IAP instead of the internet."
    )
    references = ("CWE-284", ("CIS AWS Foundations Benchmark 5.2 and 5.3 (no security group "
                  "allows ingress from 0.0.0.0/0 or ::/0 to remote administration ports)"),
                  "CIS Google Cloud Platform Foundation Benchmark 3.6 and 3.7")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("0.0.0.0/0", "::/0")
    bad = (
        Example('resource "aws_security_group" "db" {\n  ingress {\n    from_port = 5432\n'
                '    to_port = 5432\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n'
                '  }\n}\n', path="main.tf", expect=1),
        Example('resource "aws_vpc_security_group_ingress_rule" "ssh" {\n'
                '  cidr_ipv4 = "0.0.0.0/0"\n  from_port = 22\n  to_port = 22\n'
                '  ip_protocol = "tcp"\n}\n', path="main.tf", expect=1),
    )
    good = (
        Example('resource "aws_security_group" "web" {\n  ingress {\n    from_port = 443\n'
                '    to_port = 443\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n'
                '  }\n  ingress {\n    from_port = 5432\n    to_port = 5432\n'
                '    protocol = "tcp"\n    cidr_blocks = ["10.0.0.0/16"]\n  }\n}\n',
                path="main.tf"),
    )

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for block in model.of_type(_SG, _SG_RULE, _VPC_RULE, _GCP):
            yield from self._check_block(block, ctx)

    def _check_block(self, block: Any, ctx: RuleContext) -> Iterator[Finding]:
        attrs = block.attributes
        if block.type == _SG:
            for index, (rule, line) in enumerate(nested_blocks(block, "ingress", ctx.text)):
                sources = world_cidrs(rule.get("cidr_blocks"), rule.get("ipv6_cidr_blocks"))
                ports = ports_in_range(rule.get("protocol"), rule.get("from_port"),
                                       rule.get("to_port"))
                yield from self._report(ctx, block, line, sources, ports, f"ingress[{index}]")
        elif block.type == _SG_RULE:
            if str(attrs.get("type", "")).lower() != "ingress":
                return
            sources = world_cidrs(attrs.get("cidr_blocks"), attrs.get("ipv6_cidr_blocks"))
            ports = ports_in_range(attrs.get("protocol"), attrs.get("from_port"),
                                   attrs.get("to_port"))
            yield from self._report(ctx, block, _line(block, "cidr_blocks", "ipv6_cidr_blocks"),
                                    sources, ports)
        elif block.type == _VPC_RULE:
            sources = world_cidrs(attrs.get("cidr_ipv4"), attrs.get("cidr_ipv6"))
            ports = ports_in_range(attrs.get("ip_protocol"), attrs.get("from_port"),
                                   attrs.get("to_port"))
            yield from self._report(ctx, block, _line(block, "cidr_ipv4", "cidr_ipv6"),
                                    sources, ports)
        else:  # google_compute_firewall
            if str(attrs.get("direction", "INGRESS")).upper() != "INGRESS":
                return
            sources = world_cidrs(attrs.get("source_ranges"))
            ports = sorted({p for allow, _ in nested_blocks(block, "allow", ctx.text)
                            for p in gcp_ports(allow)})
            yield from self._report(ctx, block, block.attr_line("source_ranges"), sources, ports)

    def _report(self, ctx: RuleContext, block: Any, line: int | None, sources: list[str],
                ports: list[int], part: str = "") -> Iterator[Finding]:
        if not sources or not ports:
            return
        data = any(p in DATA_PORTS for p in ports)
        where = f"{block.address}.{part}" if part else block.address
        yield self.finding(
            ctx, line=line, object=block.address, key=f"{where}:{','.join(map(str, ports))}",
            severity=Severity.HIGH if data else Severity.MEDIUM,
            message=(f"{where} admits {' and '.join(dict.fromkeys(sources))} (the whole "
                     f"internet) to {describe(ports)}: the firewall layer of defence in depth "
                     "is open (clause 3.3.1); restrict the source to the VPC or the application "
                     "security group" + ("" if data else ", and reach admin ports via a bastion "
                                         "or Session Manager")),
            message_zh=(f"{where} 向 {' 和 '.join(dict.fromkeys(sources))}（整个互联网）开放 "
                        f"{describe(ports)}：纵深防御中的防火墙这一层已失守（条款 3.3.1）；请将来源"
                        "限制为 VPC 或应用的安全组" + ("" if data else "，并通过堡垒机或 "
                                                       "Session Manager 访问管理端口")),
        )


def _line(block: Any, *names: str) -> int | None:
    for name in names:
        if name in block.attr_lines and world_cidrs(block.attributes.get(name)):
            return block.attr_lines[name]
    return block.line
