"""DP240: a PostgreSQL server listening beyond localhost has TLS off (clause 3.3.3)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_postgresql import INCLUDE_DIRECTIVES, parse_bool, settings
from scanner.rule import ConfigRule, Example, RuleContext

# listen_addresses defaults to 'localhost'; '' means Unix-domain sockets only. TLS on loopback
# protects nothing, so only a server that listens on another address needs ssl = on.
_LOCAL_NAMES = frozenset({"", "localhost"})
_FIX = "set ssl = on with ssl_cert_file/ssl_key_file, and use hostssl records in pg_hba.conf"
_FIX_ZH = ("请设置 ssl = on 并配置 ssl_cert_file/ssl_key_file，同时在 pg_hba.conf 中使用 "
           "hostssl 记录")


class PgSslDisabled(ConfigRule):
    """PostgreSQL accepts network connections with TLS turned off.

    postgresql.conf sets ``listen_addresses`` to something other than localhost (``'*'``, an
    interface address, a host name) while ``ssl`` is ``off`` or not set; ``ssl`` defaults to off.
    Every client then talks to the server in plaintext: queries, result rows with customer data,
    and with ``password`` authentication the password itself. Clause 3.3.3 asks that data in
    transit be encrypted with TLS/SSL. A server that only listens on localhost or on Unix sockets
    is not reported. When ``ssl`` is absent but the file includes other files, the include may
    turn it on, so confidence drops.
    """

    id = "DP240"
    name = "pg-ssl-disabled"
    clauses = ("3.3.3",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "In postgresql.conf: ssl = on, ssl_cert_file = 'server.crt', ssl_key_file = "
        "'server.key', ssl_min_protocol_version = 'TLSv1.2'; then make pg_hba.conf accept "
        "network clients only through hostssl records (hostssl all all 0.0.0.0/0 "
        "scram-sha-256) and have clients connect with sslmode=verify-full."
    )
    references = ("CWE-319", "PostgreSQL docs: Secure TCP/IP Connections with SSL",
                  "CIS PostgreSQL Benchmark: SSL enabled")
    kinds = frozenset({"postgresql-conf"})

    bad = (
        Example("listen_addresses = '*'\nssl = off\n", path="postgresql.conf", expect=1),
        Example("listen_addresses = '10.0.0.5'\nport = 5432\n", path="postgresql.conf",
                expect=1),
    )
    good = (
        Example("listen_addresses = '*'\nssl = on\nssl_min_protocol_version = 'TLSv1.2'\n",
                path="postgresql.conf"),
        Example("listen_addresses = 'localhost'\nssl = off\n", path="postgresql.conf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        current = settings(doc)
        listen = current.get("listen_addresses")
        exposed = _exposed(listen.value) if listen is not None else []
        if not exposed:
            return
        where = ", ".join(exposed)
        ssl = current.get("ssl")
        if ssl is None:
            included = any(d.key in INCLUDE_DIRECTIVES for d in doc.directives)
            yield self.directive_finding(
                ctx, listen,
                confidence=Confidence.LOW if included else Confidence.MEDIUM,
                message=(
                    f"PostgreSQL listens on {where} but ssl is not set, and ssl defaults to off: "
                    f"network clients connect in plaintext, against clause 3.3.3 (encrypt data "
                    f"in transit); {_FIX}"
                    + (" (an included file may set it)" if included else "")
                ),
                message_zh=(
                    f"PostgreSQL 监听 {where}，但未设置 ssl，而 ssl 的默认值为 off：网络客户端以"
                    f"明文连接，违反条款 3.3.3（传输中的数据须加密）；{_FIX_ZH}"
                    + ("（被包含的文件可能设置了该项）" if included else "")
                ),
            )
        elif parse_bool(ssl.value) is False:
            yield self.directive_finding(
                ctx, ssl,
                message=(
                    f"ssl = {ssl.value} while PostgreSQL listens on {where} (line "
                    f"{listen.line}): network clients connect in plaintext, against clause "
                    f"3.3.3 (encrypt data in transit); {_FIX}"
                ),
                message_zh=(
                    f"ssl = {ssl.value}，而 PostgreSQL 监听 {where}（第 {listen.line} 行）："
                    f"网络客户端以明文连接，违反条款 3.3.3（传输中的数据须加密）；{_FIX_ZH}"
                ),
            )


def _exposed(value: str) -> list[str]:
    """The entries of listen_addresses that are reachable from other hosts."""
    return [entry for entry in (e.strip() for e in value.split(",")) if not _is_local(entry)]


def _is_local(entry: str) -> bool:
    if entry.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(entry.strip("[]")).is_loopback
    except ValueError:
        return False  # '*', a host name or an interface name: reachable from the network
