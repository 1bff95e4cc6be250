"""DP242: a MySQL/MariaDB server on the network does not require TLS (clause 3.3.3)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.config_mycnf import flag, groups, is_server_group, value
from scanner.rule import ConfigRule, Example, RuleContext



class MysqlSecureTransportNotRequired(ConfigRule):
    """A MySQL or MariaDB server bound to a network address still accepts plaintext clients.

    A server option group (``[mysqld]``, ``[server]``, ``[mariadb]``...) binds ``bind-address``
    to an address other than loopback while ``require_secure_transport`` is OFF or not set; its
    default is OFF. TLS is then each client's choice, and clients that do not ask for it (or an
    attacker who strips it) send queries and customer data in plaintext. Clause 3.3.3 asks that
    data in transit be encrypted. Only files that bind to the network themselves are reported:
    a fragment without ``bind-address`` (the server default is all interfaces) is left alone,
    and so is a server with ``skip-networking``.
    """

    id = "DP242"
    name = "mysql-secure-transport-not-required"
    clauses = ("3.3.3",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "In the server group: require_secure_transport = ON, with ssl_cert/ssl_key (MySQL 8 "
        "generates them at start-up) and tls_version = TLSv1.2,TLSv1.3; clients then connect "
        "with ssl-mode=VERIFY_IDENTITY."
    )
    references = ("CWE-319", "MySQL: Configuring MySQL to Use Encrypted Connections",
                  "MariaDB: require_secure_transport", "CIS Oracle MySQL Benchmark: TLS")
    kinds = frozenset({"mysql-cnf"})

    bad = (
        Example("[mysqld]\nbind-address = 0.0.0.0\n", path="my.cnf", expect=1),
        Example("[mariadb]\nbind_address = 10.0.0.5\nrequire-secure-transport = OFF\n",
                path="my.cnf", expect=1),
    )
    good = (
        Example("[mysqld]\nbind-address = 0.0.0.0\nrequire_secure_transport = ON\n",
                path="my.cnf"),
        Example("[mysqld]\nbind-address = 127.0.0.1\n", path="my.cnf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        options = [o for g in groups(doc) if is_server_group(g) for o in g.children]
        binds = [o for o in options if o.key == "bind_address" and value(o)]
        if not binds:
            return
        bind = binds[-1]
        exposed = _exposed(value(bind) or "")
        networking = flag(options, "networking")
        if not exposed or (networking is not None and networking[1] is False):
            return
        where = ", ".join(exposed)
        group = bind.context[0] if bind.context else "[mysqld]"
        fix = f"set require_secure_transport = ON in {group} (MySQL 5.7+, MariaDB 10.5.2+)"
        fix_zh = f"请在 {group} 中设置 require_secure_transport = ON（MySQL 5.7+、MariaDB 10.5.2+）"
        required = flag(options, "require_secure_transport")
        if required is None:
            yield self.directive_finding(
                ctx, bind,
                message=(
                    f"the server binds to {where} but require_secure_transport is not set "
                    f"(default OFF): clients may connect without TLS, against clause 3.3.3 "
                    f"(encrypt data in transit); {fix}"
                ),
                message_zh=(
                    f"服务器绑定到 {where}，但未设置 require_secure_transport（默认值 OFF）："
                    f"客户端可以不使用 TLS 连接，违反条款 3.3.3（传输中的数据须加密）；{fix_zh}"
                ),
            )
        elif required[1] is False:
            option: Directive = required[0]
            yield self.directive_finding(
                ctx, option,
                message=(
                    f"{option.name}{_shown(option)} while the server binds to {where} (line "
                    f"{bind.line}): clients may connect without TLS, against clause 3.3.3 "
                    f"(encrypt data in transit); {fix}"
                ),
                message_zh=(
                    f"{option.name}{_shown(option)}，而服务器绑定到 {where}（第 {bind.line} 行）："
                    f"客户端可以不使用 TLS 连接，违反条款 3.3.3（传输中的数据须加密）；{fix_zh}"
                ),
            )


def _shown(option: Directive) -> str:
    given = value(option)
    return "" if given is None else f" = {given}"


def _exposed(bind: str) -> list[str]:
    """bind-address entries reachable from other hosts; MySQL 8.0.13+ takes a comma list and
    8.0.22+ a /network-namespace suffix."""
    out = []
    for entry in (e.strip() for e in bind.split(",")):
        address = entry.split("/", 1)[0].strip("[]")
        if address.lower() == "localhost":
            continue
        try:
            if ipaddress.ip_address(address).is_loopback:
                continue
        except ValueError:
            pass  # '*', '::', a host name: reachable
        out.append(entry)
    return out
