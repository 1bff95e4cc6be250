"""DP406: MySQL administrative or global privileges (ALL, SUPER, FILE, PROCESS, ...) ON *.*."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import ADMIN_OPTION, GRANT_SOURCES, grant_finding, is_admin
from scanner.enrich.access import effective_grants
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel
from scanner.rule import Example, RuleContext, SchemaRule

_HIGH = frozenset({"ALL", "SUPER", "FILE", "GRANT OPTION", "CREATE USER", "SHUTDOWN",
                   "SYSTEM_USER", "SYSTEM_VARIABLES_ADMIN", "CONNECTION_ADMIN"})
_MEDIUM = frozenset({"PROCESS", "RELOAD", "REPLICATION SLAVE", "REPLICATION CLIENT",
                     "SHOW DATABASES", "BINLOG_ADMIN", "ROLE_ADMIN", "REPLICATION_SLAVE_ADMIN"})


class MysqlGlobalPrivileges(SchemaRule):
    """An account holds server-wide administrative privileges ON *.*.

    ALL ON *.* reads and changes every database; SUPER and CONNECTION_ADMIN bypass
    read_only and max_connections; FILE reads and writes files on the server host
    (LOAD_FILE, SELECT ... INTO OUTFILE); PROCESS shows every session's statements, with the
    values in them; GRANT OPTION and CREATE USER create new access. Application accounts need
    none of them (clause 3.3.5). Built-in and administrator accounts (option admin_roles) are not
    reported; role membership passes these on and is reported at the GRANT role TO user line.
    """

    id = "DP406"
    name = "mysql-global-privileges"
    clauses = ("3.3.5",)
    kinds = GRANT_SOURCES
    severity = Severity.HIGH  # ALL, SUPER, FILE, GRANT OPTION; PROCESS, RELOAD and the like: medium
    confidence = Confidence.HIGH
    remediation = (
        "Revoke the global privileges and grant database-level ones: "
        "`REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'app'@'10.0.0.5'; "
        "GRANT SELECT, INSERT, UPDATE ON shop.* TO 'app'@'10.0.0.5';`. Keep SUPER, FILE and "
        "PROCESS for DBA accounts at localhost."
    )
    references = ("CWE-250", "CWE-269", "CIS MySQL Benchmark (SUPER, FILE, PROCESS, *.* privileges)")
    options = dict(ADMIN_OPTION)

    bad = (
        Example("GRANT ALL PRIVILEGES ON *.* TO 'app'@'%';\n", path="x.sql", expect=1),
        Example("GRANT FILE, PROCESS ON *.* TO `etl`@`10.0.0.7`;\n", path="x.sql", expect=1),
    )
    good = (
        Example("GRANT SELECT ON shop.customer TO 'reporting'@'10.0.0.8';\n", path="x.sql"),
        Example("GRANT ALL PRIVILEGES ON *.* TO 'root'@'localhost' WITH GRANT OPTION;\n", path="x.sql"),
        Example("GRANT USAGE ON *.* TO 'app'@'10.0.0.5';\n", path="x.sql"),
    )

    def check(self, model: SchemaModel, ctx: RuleContext) -> Iterator[Finding]:
        for grant in effective_grants(model):
            if grant.object_type != "global" or grant.object_name != "*.*" or is_admin(self, grant.grantee):
                continue
            held = set(grant.privileges) | ({"GRANT OPTION"} if grant.with_grant_option else set())
            risky = sorted(held & (_HIGH | _MEDIUM))
            if not risky:
                continue
            severity = Severity.HIGH if held & _HIGH else Severity.MEDIUM
            via = f" (through role {grant.via[0]})" if grant.via else ""
            via_zh = f"（通过角色 {grant.via[0]} 获得）" if grant.via else ""
            yield grant_finding(self, ctx, grant.located_for(set(risky)), severity=severity,
                                message=f"{grant.grantee} holds {', '.join(risky)} ON *.*{via}",
                                message_zh=f"{grant.grantee} 拥有 {'、'.join(risky)} ON *.* "
                                           f"全局权限{via_zh}")
