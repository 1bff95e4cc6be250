"""DP506: a PostgreSQL or MySQL/MariaDB server listens on every network interface (info)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_mycnf import groups, is_server_group
from scanner.parsers.config_postgresql import settings
from scanner.rule import ConfigRule, Example, RuleContext

_WILDCARDS = frozenset({"*", "0.0.0.0", "::", "[::]"})


class DbListensAllInterfaces(ConfigRule):
    """The database server binds to every interface (``listen_addresses = '*'``, ``bind-address = 0.0.0.0``).

    A server bound to all interfaces answers on whatever network its host is attached to,
    public addresses included; only the firewall and the server's own authentication then stand
    between the internet and the data. Clause 3.3.1 asks for layered defence, so binding to the
    one private interface the clients use is the cheap first layer. dpscan reads one input at a
    time: how far this reaches is decided by pg_hba.conf (PostgreSQL) or the accounts' host
    parts (MySQL), checked by DP423 (pg-hba-wide-address) and DP407 (mysql-user-any-host) on
    those inputs; this rule joins nothing and reports information only. MySQL's default (no bind-address, which is ``*``) is
    not reported.
    """

    id = "DP506"
    name = "db-listens-all-interfaces"
    clauses = ("3.3.1",)
    severity = Severity.INFO
    confidence = Confidence.HIGH
    remediation = (
        "Bind to the private interface the application uses: listen_addresses = 'localhost, "
        "10.0.1.5' (postgresql.conf) or bind-address = 10.0.1.5 (my.cnf); keep pg_hba.conf and "
        "account host patterns as narrow as the application subnet, and firewall the port."
    )
    references = ("CWE-284", "CWE-1327 (binding to an unrestricted IP address)",
                  "CIS PostgreSQL Benchmark (listen_addresses)",
                  "CIS Oracle MySQL Benchmark (bind_address)")
    kinds = frozenset({"postgresql-conf", "mysql-cnf"})
    tokens = ("*", "0.0.0.0", "::")

    bad = (
        Example("listen_addresses = '*'\n", path="postgresql.conf", expect=1),
        Example("[mysqld]\nbind-address = 0.0.0.0\n", path="my.cnf", expect=1),
    )
    good = (
        Example("listen_addresses = 'localhost, 10.0.1.5'\n", path="postgresql.conf"),
        Example("[mysqld]\nbind-address = 10.0.1.5\n[client]\nbind-address = 0.0.0.0\n",
                path="my.cnf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        if ctx.kind == "postgresql-conf":
            found = settings(doc).get("listen_addresses")
            candidates = [found] if found is not None else []
            advice = "pg_hba.conf decides who may connect"
            advice_zh = "谁可以连接由 pg_hba.conf 决定"
        else:
            candidates = [o for g in groups(doc) if is_server_group(g)
                          for o in g.children if o.key == "bind_address"][-1:]
            advice = "the accounts' host parts (user@'%') decide who may connect"
            advice_zh = "谁可以连接由账号的主机部分（user@'%'）决定"
        for directive in candidates:
            wild = [e for e in (x.strip() for x in directive.value.split(",")) if e in _WILDCARDS]
            if not wild:
                continue
            yield self.directive_finding(
                ctx, directive,
                message=(f"{directive.name} = {directive.value}: the server listens on every "
                         f"interface, so only the firewall and authentication keep the network "
                         f"out; {advice}, and together with an entry that admits any address "
                         "the database is exposed (clause 3.3.1); bind to the private interface "
                         "instead"),
                message_zh=(f"{directive.name} = {directive.value}：服务器在所有网络接口上监听，"
                            f"只剩防火墙和身份认证在阻挡网络访问；{advice_zh}，若再有一条放行"
                            "任意地址的规则，数据库即暴露在外（条款 3.3.1）；请改为绑定到私有网络"
                            "接口"),
            )
