"""DP421: pg_hba.conf asks clients for their password in cleartext (clause 3.3.5)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._hba import REFERENCES, admitting, describe, is_local
from scanner.finding import Confidence, Finding, Severity
from scanner.model.config import ConfigDocument
from scanner.rule import ConfigRule, Example, RuleContext


class PgHbaPasswordCleartext(ConfigRule):
    """pg_hba.conf uses the password method, which sends the password in cleartext.

    With ``password`` the client sends its password as is: on a ``host`` or ``hostnossl``
    record anyone on the path reads it, and on any record the server (and whatever sits in
    front of it, such as a pooler or proxy) sees the plaintext. A stolen database password opens
    the customer data behind it (clause 3.3.5). Severity is high for TCP records that may run
    without TLS, medium for ``hostssl`` and ``local`` records, where transit is protected.
    """

    id = "DP421"
    name = "pg-hba-password-cleartext"
    clauses = ("3.3.5",)
    severity = Severity.HIGH  # MEDIUM on hostssl and local records
    confidence = Confidence.HIGH
    remediation = (
        "Use scram-sha-256 instead of password (set password_encryption = scram-sha-256 and "
        "reset the passwords so that SCRAM verifiers are stored)."
    )
    references = ("CWE-523", "CWE-319", *REFERENCES)
    kinds = frozenset({"pg-hba"})

    bad = (
        Example("host orders app 10.0.0.0/16 password\n", path="pg_hba.conf", expect=1),
    )
    good = (
        Example("hostssl orders app 10.0.0.0/16 scram-sha-256\n", path="pg_hba.conf"),
    )

    def check(self, doc: ConfigDocument, ctx: RuleContext) -> Iterator[Finding]:
        for record in admitting(doc):
            if record.method.lower() != "password":
                continue
            protected = is_local(record) or record.key in ("hostssl", "hostgssenc")
            yield self.directive_finding(
                ctx, record,
                severity=Severity.MEDIUM if protected else Severity.HIGH,
                message=(f"{describe(record)} uses the password method: the password is sent in "
                         f"cleartext{'' if protected else ', possibly over an unencrypted link'}; "
                         f"use scram-sha-256"),
                message_zh=(f"{describe(record)} 使用 password 认证方式：口令以明文发送"
                            f"{'' if protected else '，且可能经由未加密的链路传输'}；"
                            f"请改用 scram-sha-256"),
            )
