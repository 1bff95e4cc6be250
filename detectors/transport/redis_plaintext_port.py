"""DP244: Redis serves network clients on its plaintext port (clause 3.3.3)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_redis import last
from scanner.rule import ConfigRule, Example, RuleContext

# redis.conf defaults (the annotated redis.conf shipped with Redis 6/7): port 6379, tls-port 0
# (TLS off); with no bind directive at all Redis listens on every interface.
_DEFAULT_PORT = "6379"
_FIX = "serve clients on tls-port (with tls-cert-file/tls-key-file) and set port 0"
_FIX_ZH = "请通过 tls-port（配合 tls-cert-file/tls-key-file）为客户端提供服务，并设置 port 0"


class RedisPlaintextPort(ConfigRule):
    """Redis accepts clients from the network on a plaintext port.

    redis.conf leaves ``port`` non-zero (6379 by default) on a ``bind`` address other than
    loopback, either with no ``tls-port`` at all (every client speaks plaintext) or next to a
    ``tls-port`` (TLS is offered, but plaintext is still accepted on the other port). Redis
    traffic carries cached customer records, session data and the AUTH password. Clause 3.3.3
    asks that data in transit be encrypted. A file that states neither ``bind`` nor ``port`` is
    not reported: nothing in it speaks about the network. Missing ``bind`` counts as every
    interface, the server's default.
    """

    id = "DP244"
    name = "redis-plaintext-port"
    clauses = ("3.3.3",)
    severity = Severity.HIGH  # MEDIUM when a tls-port is also open
    confidence = Confidence.HIGH
    remediation = (
        "port 0, tls-port 6379, tls-cert-file/tls-key-file/tls-ca-cert-file, and "
        "tls-replication yes / tls-cluster yes where replicas or cluster peers talk over the "
        "network; clients then connect with rediss://."
    )
    references = ("CWE-319", "Redis docs: TLS", "CIS Redis Benchmark: TLS")
    kinds = frozenset({"redis-conf"})

    bad = (
        Example("bind 0.0.0.0\nport 6379\n", path="redis.conf", expect=1),
        Example("bind 10.0.0.5\ntls-port 6380\ntls-cert-file /etc/redis/tls.crt\n",
                path="redis.conf", expect=1),
    )
    good = (
        Example("bind 0.0.0.0\nport 0\ntls-port 6379\n", path="redis.conf"),
        Example("bind 127.0.0.1 -::1\nport 6379\n", path="redis.conf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        bind, port, tls_port = last(doc, "bind"), last(doc, "port"), last(doc, "tls-port")
        if bind is None and port is None:
            return
        exposed = _exposed(bind.args) if bind is not None else ["* (default: every interface)"]
        plain = port.value if port is not None else _DEFAULT_PORT
        if not exposed or plain.strip() == "0":
            return
        where = ", ".join(e.removeprefix("-") for e in exposed)
        has_tls = tls_port is not None and tls_port.value.strip() not in ("", "0")
        if has_tls:
            at = port if port is not None else tls_port
            detail = (f"port {plain} stays open in plaintext next to tls-port {tls_port.value}"
                      + ("" if port is not None else f" (port is not set: default {plain})"))
            detail_zh = (f"除 tls-port {tls_port.value} 外，端口 {plain} 仍以明文开放"
                         + ("" if port is not None else f"（未设置 port：默认值 {plain}）"))
            severity = Severity.MEDIUM
        else:
            at = bind if bind is not None else port
            detail = (f"clients reach port {plain} in plaintext with no tls-port set "
                      f"(default 0: TLS off)")
            detail_zh = f"客户端以明文访问端口 {plain}，且未设置 tls-port（默认值 0：TLS 关闭）"
            severity = self.severity
        yield self.directive_finding(
            ctx, at, severity=severity,
            message=(f"Redis listens on {where} and {detail}, against clause 3.3.3 (encrypt data "
                     f"in transit); {_FIX}"),
            message_zh=(f"Redis 监听 {where}，{detail_zh}，违反条款 3.3.3（传输中的数据须加密）；"
                        f"{_FIX_ZH}"),
        )


def _exposed(addresses: tuple[str, ...]) -> list[str]:
    """bind addresses reachable from other hosts; a leading '-' marks an optional address."""
    out = []
    for entry in addresses:
        address = entry.removeprefix("-").strip("[]").lower()
        if address == "localhost":
            continue
        try:
            if ipaddress.ip_address(address).is_loopback:
                continue
        except ValueError:
            pass  # '*', a host name: reachable
        out.append(entry)
    return out
