"""DP410: a PostgreSQL login role whose password never expires (VALID UNTIL 'infinity', or none)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import ADMIN_OPTION, GRANT_SOURCES, is_admin, role_finding
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel
from scanner.rule import Example, Option, RuleContext, SchemaRule


class LoginWithoutExpiry(SchemaRule):
    """A login role's password is set never to expire.

    VALID UNTIL 'infinity' says outright that the password never expires. Where policy asks
    every login role's password to expire (option require_password_expiry, off unless
    configured), a login role with a password and no VALID UNTIL at all is reported too.
    Administrator roles (option admin_roles) are not reported.
    """

    id = "DP410"
    name = "login-without-expiry"
    clauses = ("3.3.5",)
    kinds = GRANT_SOURCES
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    remediation = (
        "Set an expiry and rotate before it: `ALTER ROLE app_rw VALID UNTIL '2026-12-31';` "
        "(better: authenticate applications by certificate or a secrets manager that rotates)."
    )
    references = ("CWE-262", "CWE-521", "CIS PostgreSQL Benchmark")
    options = {
        **ADMIN_OPTION,
        "require_password_expiry": Option(False, "also report login roles with a password and no VALID UNTIL"),
    }

    bad = (
        Example("CREATE ROLE app_rw WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:x' VALID UNTIL 'infinity';\n",
                path="x.sql", expect=1),
    )
    good = (
        Example("CREATE ROLE app_rw WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:x' VALID UNTIL '2026-12-31';\n",
                path="x.sql"),
        Example("CREATE ROLE app_ro WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:x';\n", path="x.sql"),
    )

    def check(self, model: SchemaModel, ctx: RuleContext) -> Iterator[Finding]:
        strict = self.settings["require_password_expiry"]
        for role in model.roles.values():
            attrs = role.attributes
            if "LOGIN" not in attrs or role.host is not None or is_admin(self, role.name):
                continue
            if "VALID_UNTIL_INFINITY" in attrs:
                why, why_zh = "VALID UNTIL 'infinity'", "设置了 VALID UNTIL 'infinity'"
            elif strict and "PASSWORD" in attrs and "VALID_UNTIL" not in attrs:
                why, why_zh = "no VALID UNTIL", "未设置 VALID UNTIL"
            else:
                continue
            yield role_finding(self, ctx, role,
                               message=f"login role {role.name} has {why}: "
                                       f"its password never expires",
                               message_zh=f"登录角色 {role.name} {why_zh}：其口令永不过期")
