"""DP422: pg_hba.conf uses md5 where scram-sha-256 is available (clause 3.3.5)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._hba import REFERENCES, admitting, describe
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.rule import ConfigRule, Example, Option, RuleContext


class PgHbaMd5(ConfigRule):
    """pg_hba.conf uses md5 authentication although scram-sha-256 is available.

    The md5 method keeps an unsalted-by-secret MD5 of password and user name on the server; that
    hash is itself enough to log in (pass-the-hash), and the challenge is weak against an
    eavesdropper. scram-sha-256 exists since PostgreSQL 10 and is the default since 14; md5 is
    deprecated (PostgreSQL 18). Records are reported unless ``server_version`` says the server
    is older than 10.
    """

    id = "DP422"
    name = "pg-hba-md5"
    clauses = ("3.3.5",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Set password_encryption = scram-sha-256, reset every password, then change md5 to "
        "scram-sha-256 in pg_hba.conf."
    )
    references = ("CWE-328", *REFERENCES)
    kinds = frozenset({"pg-hba"})
    options = {
        "server_version": Option(0, "PostgreSQL major version of the server (0: unknown, "
                                    "assumed >= 10); md5 is not reported below 10"),
    }

    bad = (Example("hostssl orders app 10.0.0.0/16 md5\n", path="pg_hba.conf", expect=1),)
    good = (Example("hostssl orders app 10.0.0.0/16 scram-sha-256\n", path="pg_hba.conf"),)

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        version = self.settings["server_version"]
        if 0 < version < 10:
            return
        for record in admitting(doc):
            if record.method.lower() == "md5":
                yield self.directive_finding(
                    ctx, record,
                    message=(f"{describe(record)} uses md5: the stored MD5 hash is as good as "
                             f"the password and the method is deprecated; use scram-sha-256"),
                    message_zh=(f"{describe(record)} 使用 md5 认证方式：服务器存储的 MD5 哈希"
                                f"与口令本身同样可用于登录，且该方式已被弃用；请改用 scram-sha-256"),
                )
