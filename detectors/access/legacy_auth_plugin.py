"""DP409: a MySQL account uses mysql_native_password or mysql_old_password."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import GRANT_SOURCES, role_finding
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel
from scanner.rule import Example, RuleContext, SchemaRule


class LegacyAuthPlugin(SchemaRule):
    """A MySQL account authenticates with a legacy plugin (mysql_native_password, mysql_old_password).

    mysql_native_password stores an unsalted double SHA-1 of the password, so equal passwords
    have equal hashes and a stolen mysql.user row is cracked at GPU speed; it is deprecated in
    MySQL 8.0 and off by default in 8.4. mysql_old_password (pre-4.1 hashing) is broken outright.
    caching_sha2_password (MySQL 8) and ed25519 (MariaDB) are the replacements. An account whose
    stored hash is a '*' + 40 hex digits string is a native-password account.
    """

    id = "DP409"
    name = "legacy-auth-plugin"
    clauses = ("3.3.5",)
    kinds = GRANT_SOURCES
    severity = Severity.LOW  # mysql_native_password; mysql_old_password: medium
    confidence = Confidence.HIGH
    remediation = (
        "Move the account to a salted plugin: `ALTER USER 'app'@'10.0.1.%' IDENTIFIED WITH "
        "caching_sha2_password BY '<new password>';` (MariaDB: `ALTER USER ... IDENTIFIED VIA "
        "ed25519 USING PASSWORD('<new password>');`), and set default_authentication_plugin "
        "(authentication_policy in 8.0.27+) accordingly."
    )
    references = ("CWE-916", "CWE-287", "CIS MySQL Benchmark (authentication plugins)")

    bad = (
        Example("CREATE USER 'app'@'localhost' IDENTIFIED WITH mysql_native_password BY 'x';\n",
                path="x.sql", expect=1),
        Example("CREATE USER `app`@`localhost` IDENTIFIED WITH 'mysql_native_password' AS "
                "'*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19';\n", path="x.sql", expect=1),
    )
    good = (
        Example("CREATE USER 'app'@'localhost' IDENTIFIED WITH caching_sha2_password BY 'x';\n",
                path="x.sql"),
        Example("CREATE USER 'app'@'localhost' IDENTIFIED VIA ed25519 USING PASSWORD('x');\n", path="x.sql"),
    )

    def check(self, model: SchemaModel, ctx: RuleContext) -> Iterator[Finding]:
        for role in model.roles.values():
            attrs = role.attributes
            if role.host is None:
                continue
            if "PLUGIN_MYSQL_OLD_PASSWORD" in attrs:
                plugin, severity = "mysql_old_password", Severity.MEDIUM
            elif "PLUGIN_MYSQL_NATIVE_PASSWORD" in attrs or "PASSWORD_MYSQL_HASH" in attrs:
                plugin, severity = "mysql_native_password", Severity.LOW
            else:
                continue
            yield role_finding(self, ctx, role, severity=severity,
                               message=f"account '{role.name}'@'{role.host}' "
                                       f"authenticates with {plugin}",
                               message_zh=f"账户 '{role.name}'@'{role.host}' 使用 {plugin} 进行认证")
