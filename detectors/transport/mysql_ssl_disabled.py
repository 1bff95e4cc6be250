"""DP243: my.cnf turns TLS off for a MySQL/MariaDB server or its clients (clause 3.3.3)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.config_mycnf import flag, group_name, groups, is_server_group, value
from scanner.rule import ConfigRule, Example, RuleContext

# Groups that are neither the server nor a client program: wrappers and service managers.
_NOT_CLIENTS = frozenset({"mysqld_safe", "mysqld_multi", "mysql.server", "mariadb-safe",
                          "safe_mysqld", "mysql_upgrade", "mariadb-upgrade"})


class MysqlSslDisabled(ConfigRule):
    """TLS is switched off for a MySQL/MariaDB server or client.

    In a server group, ``skip-ssl``, ``disable-ssl``, ``ssl = 0``/``OFF`` or (MySQL 8)
    ``tls_version = ''`` leave the server unable to encrypt any connection: every client sends
    queries, results and credentials in plaintext. In a client group (``[client]``, ``[mysql]``,
    ``[mysqldump]``, ``[client-server]``...) the same switches make those programs connect
    without TLS. Clause 3.3.3 asks that data in transit be encrypted. A server that binds only
    to loopback or has ``skip-networking``, and a client group whose ``host`` is local, are not
    reported. ``ssl-mode = DISABLED``/``PREFERRED`` in client groups is reported by DP202
    (db-url-insecure-sslmode), which reads every ssl-mode setting, so not here.
    """

    id = "DP243"
    name = "mysql-ssl-disabled"
    clauses = ("3.3.3",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Remove skip-ssl / disable-ssl / ssl = 0 and tls_version = ''. Servers: keep TLS on "
        "(ssl_cert, ssl_key, tls_version = TLSv1.2,TLSv1.3) and set require_secure_transport "
        "= ON. Clients: ssl-mode = VERIFY_IDENTITY with ssl-ca (MariaDB: ssl-verify-server-cert)."
    )
    references = ("CWE-319", "MySQL: Configuring MySQL to Use Encrypted Connections",
                  "MariaDB: Securing Connections for Client and Server")
    kinds = frozenset({"mysql-cnf"})

    bad = (
        Example("[mysqld]\nbind-address = 0.0.0.0\nskip-ssl\n", path="my.cnf", expect=1),
        Example("[client]\nhost = db.example.com\nssl = 0\n", path="my.cnf", expect=1),
    )
    good = (
        Example("[mysqld]\nssl\nrequire_secure_transport = ON\n", path="my.cnf"),
        Example("[mysqld]\nbind-address = 127.0.0.1\nskip-ssl\n", path="my.cnf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        server = [o for g in groups(doc) if is_server_group(g) for o in g.children]
        if server and _server_is_exposed(server):
            yield from self._report(ctx, server, "the server", Confidence.HIGH)
            tls = [o for o in server if o.key == "tls_version"]
            if tls and not (value(tls[-1]) or "").strip(" ,"):
                yield self.directive_finding(
                    ctx, tls[-1],
                    message=(
                        "tls_version is empty: the server accepts no TLS protocol, so every "
                        "connection is plaintext, against clause 3.3.3 (encrypt data in "
                        "transit); set tls_version = TLSv1.2,TLSv1.3"
                    ),
                    message_zh=(
                        "tls_version 为空：服务器不接受任何 TLS 协议版本，因此所有连接均为明文，"
                        "违反条款 3.3.3（传输中的数据须加密）；请设置 "
                        "tls_version = TLSv1.2,TLSv1.3"
                    ),
                )
        for group in groups(doc):
            name = group_name(group)
            if is_server_group(group) or name in _NOT_CLIENTS:
                continue
            host = [o for o in group.children if o.key == "host" and value(o)]
            if host and _is_local(value(host[-1]) or ""):
                continue
            confidence = Confidence.HIGH if host else Confidence.MEDIUM
            yield from self._report(ctx, group.children, f"[{name}] clients", confidence)

    def _report(self, ctx: RuleContext, options: list[Directive], who: str,
                confidence: Confidence) -> Iterator[Finding]:
        state = flag(options, "ssl")
        if state is None or state[1] is not False:
            return
        option = state[0]
        written = option.name + ("" if value(option) is None else f" = {value(option)}")
        who_zh = "服务器" if who == "the server" else who.replace(" clients", " 客户端")
        yield self.directive_finding(
            ctx, option, confidence=confidence,
            severity=self.severity if who == "the server" else Severity.MEDIUM,
            message=(
                f"{written} turns TLS off for {who}: connections carry queries, results and "
                f"credentials in plaintext, against clause 3.3.3 (encrypt data in transit); "
                + ("remove it and set require_secure_transport = ON" if who == "the server"
                   else "remove it and use ssl-mode = VERIFY_IDENTITY")
            ),
            message_zh=(
                f"{written} 为{who_zh}关闭了 TLS：连接中的查询、结果和凭据均以明文传输，"
                f"违反条款 3.3.3（传输中的数据须加密）；"
                + ("请删除该项并设置 require_secure_transport = ON" if who == "the server"
                   else "请删除该项并使用 ssl-mode = VERIFY_IDENTITY")
            ),
        )


def _server_is_exposed(options: list[Directive]) -> bool:
    networking = flag(options, "networking")
    if networking is not None and networking[1] is False:
        return False
    binds = [o for o in options if o.key == "bind_address" and value(o)]
    if not binds:
        return True  # the server default binds to every interface
    entries = [e.split("/", 1)[0].strip() for e in (value(binds[-1]) or "").split(",")]
    return not all(_is_local(e) for e in entries)


def _is_local(host: str) -> bool:
    host = host.strip().strip("[]").lower()
    if host in ("localhost", "") or host.startswith("/"):
        return True  # a Unix socket path or the client default
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
