"""DP408: a MySQL/MariaDB account with an empty password, or created with no IDENTIFIED clause."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import GRANT_SOURCES, role_finding
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel
from scanner.rule import Example, RuleContext, SchemaRule

# Plugins that authenticate without a password: the OS user, Kerberos, LDAP, PAM, certificates.
_NO_PASSWORD_PLUGINS = ("PLUGIN_AUTH_SOCKET", "PLUGIN_UNIX_SOCKET", "PLUGIN_AUTHENTICATION_LDAP_SASL",
                        "PLUGIN_AUTHENTICATION_KERBEROS", "PLUGIN_AUTH_PAM", "PLUGIN_PAM",
                        "PLUGIN_GSSAPI", "PLUGIN_AUTHENTICATION_PAM", "PLUGIN_AUTHENTICATION_LDAP_SIMPLE")


class EmptyPasswordUser(SchemaRule):
    """A MySQL/MariaDB account can log in without a password.

    `CREATE USER 'u'@'h'` with no IDENTIFIED clause, `IDENTIFIED BY ''` or an empty
    authentication string creates an account anyone who can reach the server may use. Accounts
    authenticated by the operating system or a directory (auth_socket, unix_socket, PAM, LDAP,
    Kerberos) are not reported. PostgreSQL roles are not reported: there an empty password
    never matches and the role's login is decided by pg_hba.conf (see the pg_hba rules).
    """

    id = "DP408"
    name = "empty-password-user"
    clauses = ("3.3.5",)
    kinds = GRANT_SOURCES
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Give the account a strong password (or socket/certificate authentication): "
        "`ALTER USER 'app'@'10.0.1.%' IDENTIFIED WITH caching_sha2_password BY '<generated>';` "
        "and enable the validate_password component."
    )
    references = ("CWE-521", "CWE-287", "CIS MySQL Benchmark (no blank passwords)")

    bad = (
        Example("CREATE USER 'app'@'10.0.1.%' IDENTIFIED BY '';\n", path="x.sql", expect=1),
        Example("CREATE USER 'app'@'localhost';\n", path="x.sql", expect=1),
    )
    good = (
        Example("CREATE USER 'app'@'10.0.1.%' IDENTIFIED BY 'x';\n"
                "CREATE USER 'ops'@'localhost' IDENTIFIED WITH auth_socket;\nCREATE ROLE 'r_read';\n",
                path="x.sql"),
        Example("CREATE ROLE app LOGIN;\n", path="x.sql"),
    )

    def check(self, model: SchemaModel, ctx: RuleContext) -> Iterator[Finding]:
        for role in model.roles.values():
            attrs = role.attributes
            if role.host is None or "LOGIN" not in attrs or any(p in attrs for p in _NO_PASSWORD_PLUGINS):
                continue
            if "PASSWORD_EMPTY" in attrs:
                why, why_zh = "an empty password", "口令为空"
            elif not any(a.startswith(("PASSWORD", "PLUGIN_", "IDENTIFIED_")) for a in attrs):
                why, why_zh = "no IDENTIFIED clause (no password)", "没有 IDENTIFIED 子句（未设置口令）"
            else:
                continue
            yield role_finding(self, ctx, role,
                               message=f"account '{role.name}'@'{role.host}' has {why}",
                               message_zh=f"账户 '{role.name}'@'{role.host}' {why_zh}")
