"""DP425: postgresql.conf stores new passwords as MD5 hashes (clause 3.3.5)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.parsers.config_postgresql import settings
from scanner.rule import ConfigRule, Example, RuleContext

# md5, and the boolean spellings that meant md5 before PostgreSQL 14 removed them.
_MD5_VALUES = frozenset({"md5", "on", "true", "yes", "1"})


class PgPasswordEncryptionMd5(ConfigRule):
    """postgresql.conf sets password_encryption = md5.

    With md5, every password set or changed is stored as MD5(password || user name): a hash
    that is itself enough to log in with the md5 method and that is fast to brute-force. The
    default is scram-sha-256 since PostgreSQL 14, and md5 is deprecated; writing md5 keeps (or
    brings back) the weak verifiers, against clause 3.3.5.
    """

    id = "DP425"
    name = "pg-password-encryption-md5"
    clauses = ("3.3.5",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Set password_encryption = 'scram-sha-256' (or remove the line on PostgreSQL 14+), "
        "reset every password, then switch md5 records in pg_hba.conf to scram-sha-256."
    )
    references = ("CWE-916", "CWE-328", "PostgreSQL docs: password_encryption",
                  "CIS PostgreSQL Benchmark: password_encryption")
    kinds = frozenset({"postgresql-conf"})

    bad = (Example("password_encryption = md5\n", path="postgresql.conf", expect=1),)
    good = (Example("password_encryption = 'scram-sha-256'\n", path="postgresql.conf"),)

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        setting = settings(doc).get("password_encryption")
        if setting is not None and setting.value.strip().lower() in _MD5_VALUES:
            yield self.directive_finding(
                ctx, setting,
                message=(f"password_encryption = {setting.value}: new passwords are stored as "
                         f"MD5 hashes; use scram-sha-256"),
                message_zh=(f"password_encryption = {setting.value}：新设置的口令将以 MD5 哈希"
                            f"存储；请改用 scram-sha-256"),
            )
