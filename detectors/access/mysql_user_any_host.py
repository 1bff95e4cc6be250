"""DP407: a MySQL/MariaDB account may connect from any host ('user'@'%')."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import GRANT_SOURCES, role_finding
from scanner.enrich.access import account_host
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel
from scanner.rule import Example, RuleContext, SchemaRule

_ANY = ("%", "")


class MysqlUserAnyHost(SchemaRule):
    """A MySQL/MariaDB account accepts connections from any host ('%').

    'user'@'%' matches every client address, so the password is all that stands between the
    internet (or any compromised host in the network) and the data. Accounts should name the
    application's host or subnet ('app'@'10.0.1.%'). Reported at the CREATE USER statement, or at
    the first GRANT to an account the dump never creates (clause 3.3.5;
    every account is reported, administrators too).
    """

    id = "DP407"
    name = "mysql-user-any-host"
    clauses = ("3.3.5",)
    kinds = GRANT_SOURCES
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Re-create the account for the hosts that need it and drop the wildcard one: "
        "`CREATE USER 'app'@'10.0.1.%' IDENTIFIED BY '...'; GRANT ... TO 'app'@'10.0.1.%'; "
        "DROP USER 'app'@'%';` (MySQL 8: `RENAME USER 'app'@'%' TO 'app'@'10.0.1.%';`)."
    )
    references = ("CWE-284", "CIS MySQL Benchmark (wildcard hostnames)")
    options = {}

    bad = (
        Example("CREATE USER 'app'@'%' IDENTIFIED BY 'x';\n", path="x.sql", expect=1),
        Example("GRANT SELECT ON shop.* TO 'rep'@'%';\n", path="x.sql", expect=1),
    )
    good = (
        Example("CREATE USER 'app'@'10.0.1.%' IDENTIFIED BY 'x';\nCREATE USER 'ops'@'localhost';\n",
                path="x.sql"),
    )

    def check(self, model: SchemaModel, ctx: RuleContext) -> Iterator[Finding]:
        seen = set()
        for role in model.roles.values():
            if role.host in _ANY:
                seen.add(f"'{role.name}'@'{role.host}'".lower())
                yield role_finding(self, ctx, role, message=f"account '{role.name}'@'{role.host}' may "
                                                            "connect from any host",
                                   message_zh=f"账户 '{role.name}'@'{role.host}' 可从任意主机连接")
        for grant in model.grants:
            if grant.revoked or account_host(grant.grantee) not in _ANY or grant.grantee.lower() in seen:
                continue
            seen.add(grant.grantee.lower())
            loc = grant.location
            yield self.finding(ctx, line=loc.line, column=loc.column, object=f"user:{grant.grantee}",
                               key=f"user:{grant.grantee}".lower(),
                               message=f"account {grant.grantee} may connect from any host",
                               message_zh=f"账户 {grant.grantee} 可从任意主机连接")
