"""DP404: an application login role holds SUPERUSER, CREATEROLE, BYPASSRLS or REPLICATION."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import ADMIN_OPTION, GRANT_SOURCES, is_admin, role_finding
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel
from scanner.rule import Example, RuleContext, SchemaRule

_POWERS = ("SUPERUSER", "CREATEROLE", "BYPASSRLS", "REPLICATION")


class SuperuserAppRole(SchemaRule):
    """A login role that is not an administrator holds SUPERUSER, CREATEROLE, BYPASSRLS or REPLICATION.

    SUPERUSER skips every permission check and can run programs on the server; CREATEROLE can
    make itself any non-superuser role; BYPASSRLS ignores every row-level security policy;
    REPLICATION streams a copy of every table. An application account that logs in with one of
    them turns any SQL injection into full access to customer data (clause 3.3.5, least
    privilege). Roles named in the admin_roles option (postgres, replicator, ...) are not
    reported. The finding is located at the role's CREATE statement, with the attributes the
    whole dump gave it (ALTER ROLE included).
    """

    id = "DP404"
    name = "superuser-app-role"
    clauses = ("3.3.5",)
    kinds = GRANT_SOURCES
    severity = Severity.HIGH  # SUPERUSER; the other attributes: medium
    confidence = Confidence.MEDIUM
    remediation = (
        "Take the attribute away and grant the application only object privileges: "
        "`ALTER ROLE app_rw NOSUPERUSER NOCREATEROLE NOBYPASSRLS NOREPLICATION;`. Keep these "
        "attributes for the DBA and replication roles, which should not be used by applications."
    )
    references = ("CWE-250", "CWE-269", "CIS PostgreSQL Benchmark (superuser and role attributes)")
    options = dict(ADMIN_OPTION)

    bad = (
        Example("CREATE ROLE app_rw WITH LOGIN SUPERUSER PASSWORD 'SCRAM-SHA-256$4096:x';\n",
                path="x.sql", expect=1),
        Example("CREATE ROLE app;\nALTER ROLE app WITH LOGIN BYPASSRLS;\n", path="x.sql", expect=1),
    )
    good = (
        Example("CREATE ROLE postgres WITH SUPERUSER LOGIN;\nCREATE ROLE replicator WITH REPLICATION LOGIN;\n",
                path="x.sql"),
        Example("CREATE ROLE app_rw WITH LOGIN NOSUPERUSER NOCREATEROLE;\n", path="x.sql"),
        Example("CREATE ROLE admins WITH NOLOGIN CREATEROLE;\n", path="x.sql"),
    )

    def check(self, model: SchemaModel, ctx: RuleContext) -> Iterator[Finding]:
        for role in model.roles.values():
            held = [p for p in _POWERS if p in role.attributes]
            if not held or "LOGIN" not in role.attributes or role.host is not None or is_admin(self, role.name):
                continue
            severity = Severity.HIGH if "SUPERUSER" in held else Severity.MEDIUM
            yield role_finding(self, ctx, role, severity=severity,
                               message=f"login role {role.name} holds {', '.join(held)}",
                               message_zh=f"登录角色 {role.name} 拥有 {'、'.join(held)} 属性")
