"""DP423: a pg_hba.conf record admits clients from any address (clause 3.3.5)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._hba import REFERENCES, admitting, describe
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_pg_hba import HbaRecord
from scanner.rule import ConfigRule, Example, RuleContext


class PgHbaWideAddress(ConfigRule):
    """pg_hba.conf admits connections from every address (0.0.0.0/0, ::/0 or all).

    A record whose address matches the whole Internet leaves the password as the only barrier
    between any host that reaches the port and the customer data: brute force, leaked passwords
    and authentication bugs all become remote. Clause 3.3.5 asks that access be limited to who
    needs it; application and administration networks are known ranges. Records that reject
    are not reported (``hostnossl all all 0.0.0.0/0 reject`` is the way to force TLS).
    """

    id = "DP423"
    name = "pg-hba-wide-address"
    clauses = ("3.3.5",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Name the application and administration networks instead (for example "
        "hostssl orders app 10.0.0.0/16 scram-sha-256), and keep the port behind a firewall."
    )
    references = ("CWE-284", *REFERENCES)
    kinds = frozenset({"pg-hba"})

    bad = (
        Example("hostssl orders app 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n",
                path="pg_hba.conf", expect=2),
    )
    good = (
        Example("hostssl orders app 10.0.0.0/16 scram-sha-256\n"
                "hostnossl all all 0.0.0.0/0 reject\n", path="pg_hba.conf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        for record in admitting(doc):
            if _matches_everything(record):
                yield self.directive_finding(
                    ctx, record,
                    message=(f"{describe(record)} admits clients from every address; limit it "
                             f"to the networks that need access"),
                    message_zh=(f"{describe(record)} 允许来自任意地址的客户端连接；"
                                f"请将其限制为确需访问的网络"),
                )


def _matches_everything(record: HbaRecord) -> bool:
    if record.address is None:
        return False
    if record.address.is_keyword("all"):
        return True
    network = record.network()
    return network is not None and network.prefixlen == 0
