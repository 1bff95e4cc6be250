"""DP241: pg_hba.conf lets network clients in without TLS (clause 3.3.3)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_pg_hba import HbaRecord, HbaToken
from scanner.rule import ConfigRule, Example, RuleContext

# pg_hba.conf record types (PostgreSQL "The pg_hba.conf File"): host matches TCP connections with
# or without TLS, hostnossl only those without; hostnogssenc only those without GSSAPI
# encryption, so TLS stays optional there too. hostssl and hostgssenc require encryption.
_SEVERITY = {"hostnossl": Severity.HIGH, "host": Severity.MEDIUM, "hostnogssenc": Severity.MEDIUM}
_EFFECT = {
    "hostnossl": "accepts only plaintext (non-TLS) TCP connections",
    "host": "accepts TCP connections with or without TLS, so a client with sslmode=disable, "
            "allow or prefer (libpq's default) can connect in plaintext",
    "hostnogssenc": "accepts TCP connections without GSSAPI encryption, with or without TLS",
}
_EFFECT_ZH = {
    "hostnossl": "只接受明文（非 TLS）TCP 连接",
    "host": "接受使用或不使用 TLS 的 TCP 连接，因此 sslmode 为 disable、allow 或 prefer"
            "（libpq 的默认值）的客户端可以明文连接",
    "hostnogssenc": "接受未使用 GSSAPI 加密的 TCP 连接，无论是否使用 TLS",
}
_LOOPBACK_NAMES = frozenset({"samehost", "localhost"})
# Methods that make a record refuse rather than admit; cert is only valid on hostssl records
# (the server refuses to load the file otherwise), so such a record admits nobody.
_NOT_ADMITTING = frozenset({"reject", "cert"})
_WEAK_METHODS = frozenset({"trust", "password", "md5"})  # the suggested fix uses scram instead


class PgHbaNonSslHost(ConfigRule):
    """pg_hba.conf accepts connections from the network without TLS.

    A ``host`` record (or ``hostnogssenc``) for an address other than localhost matches TCP
    connections whether or not they use TLS, so whether data travels encrypted is left to each
    client's sslmode, whose libpq default ``prefer`` silently falls back to plaintext. A
    ``hostnossl`` record for such an address admits only plaintext connections. Either way,
    queries and customer data can cross the network unencrypted, against clause 3.3.3.
    Records that reject, records for 127.0.0.0/8, ::1 or samehost, and ``host`` records already
    shadowed by an earlier ``hostnossl ... reject`` covering them (the usual way to force TLS)
    are not reported. Authentication methods (trust, md5, password) are an access-control
    question and are left to other rules.
    """

    id = "DP241"
    name = "pg-hba-non-ssl-host"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM  # HIGH for hostnossl
    confidence = Confidence.HIGH
    remediation = (
        "Replace host/hostnossl records for remote addresses by hostssl records, for example "
        "hostssl all all 0.0.0.0/0 scram-sha-256, with ssl = on in postgresql.conf; or put "
        "hostnossl all all 0.0.0.0/0 reject (and ::/0) before the host records."
    )
    references = ("CWE-319", "PostgreSQL docs: The pg_hba.conf File",
                  "CIS PostgreSQL Benchmark: hostssl for remote connections")
    kinds = frozenset({"pg-hba"})

    bad = (
        Example("host all all 0.0.0.0/0 scram-sha-256\n", path="pg_hba.conf", expect=1),
        Example("hostnossl orders app 10.1.0.0/16 scram-sha-256\n", path="pg_hba.conf",
                expect=1),
    )
    good = (
        Example("hostssl all all 0.0.0.0/0 scram-sha-256\nhost all all 127.0.0.1/32 "
                "scram-sha-256\n", path="pg_hba.conf"),
        Example("hostnossl all all 0.0.0.0/0 reject\nhost all all 0.0.0.0/0 scram-sha-256\n",
                path="pg_hba.conf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        barriers: list[HbaRecord] = []  # earlier "hostnossl ... reject" records
        for record in doc.directives:
            if not isinstance(record, HbaRecord) or record.address is None:
                continue
            kind, method = record.key, record.method.lower()
            if kind == "hostnossl" and method == "reject":
                barriers.append(record)
            if kind not in _SEVERITY or method in _NOT_ADMITTING or _is_loopback(record):
                continue
            if any(_covers(barrier, record) for barrier in barriers):
                continue  # plaintext attempts hit the earlier reject first
            db, user, address = record.args[0], record.args[1], record.args[2]
            fix_method = "scram-sha-256" if method in _WEAK_METHODS else record.method
            yield self.directive_finding(
                ctx, record,
                severity=_SEVERITY[kind],
                message=(
                    f"{kind} record for {address} (database {db}, user {user}) {_EFFECT[kind]}; "
                    f"clause 3.3.3 asks that data in transit be encrypted: use "
                    f"hostssl {db} {user} {address} {fix_method} (with ssl = on)"
                ),
                message_zh=(
                    f"针对 {address}（数据库 {db}，用户 {user}）的 {kind} 记录"
                    f"{_EFFECT_ZH[kind]}；条款 3.3.3 要求传输中的数据须加密：请使用 "
                    f"hostssl {db} {user} {address} {fix_method}（并设置 ssl = on）"
                ),
            )


def _is_loopback(record: HbaRecord) -> bool:
    if record.address is None:  # local: a Unix socket
        return True
    if not record.address.quoted and record.address.text.lower() in _LOOPBACK_NAMES:
        return True
    network = record.network()
    if network is None:
        return False  # a host name, a .domain suffix, all, samenet
    if network.version == 6 and network.network_address.ipv4_mapped is not None:
        return ipaddress.ip_address(network.network_address.ipv4_mapped).is_loopback
    return network.network_address.is_loopback and network.broadcast_address.is_loopback


def _covers(barrier: HbaRecord, record: HbaRecord) -> bool:
    if not (_names_cover(barrier.databases, record.databases)
            and _names_cover(barrier.users, record.users)):
        return False
    if barrier.address is None or record.address is None:
        return False
    if barrier.address.is_keyword("all"):
        return True
    outer, inner = barrier.network(), record.network()
    if outer is not None and inner is not None:
        return outer.version == inner.version and inner.subnet_of(outer)
    return barrier.args[2].lower() == record.args[2].lower()


def _names_cover(outer: tuple[HbaToken, ...], inner: tuple[HbaToken, ...]) -> bool:
    if any(token.is_keyword("all") for token in outer):
        return True
    return {(t.text, t.quoted) for t in inner} <= {(t.text, t.quoted) for t in outer}
