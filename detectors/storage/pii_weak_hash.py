"""DP102: personal information "protected" only by a fast, unsalted hash (clause 3.3.2)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import Column, Protection, Sensitivity, Table
from scanner.rule import Example, RuleContext, SchemaRule

from .pii_plaintext_column import category_zh


class PiiWeakHash(SchemaRule):
    """Personal information is protected only by a weak hash (MD5, SHA-1, unsalted).

    The column holds MD5 or SHA-1 digests (32 or 40 hex characters), or its name, comment or
    default says so. Such digests are not protection for personal data: Chinese ID numbers,
    mobile numbers and bank cards come from small, structured spaces that a laptop enumerates in
    minutes, and unsalted password digests fall to precomputed tables. Clause 3.3.2 asks for
    strong protection of stored sensitive information.
    """

    id = "DP102"
    name = "pii-weak-hash"
    clauses = ("3.3.2",)
    severity = Severity.HIGH  # sensitive categories (credentials, ID numbers, cards); else medium
    confidence = Confidence.MEDIUM
    remediation = (
        "Store passwords with a password hashing function (argon2id, scrypt, bcrypt, or PBKDF2 "
        "with at least 600,000 iterations) and a per-row salt. For identifiers that must stay "
        "searchable, use a keyed HMAC-SHA-256 with the key outside the database, and encrypt "
        "the value itself (AES-256-GCM) if it must be read back."
    )
    references = ("CWE-328", "CWE-759", "CWE-916", "GB/T 35273-2020 §6.3")

    bad = (
        Example(
            "CREATE TABLE account (\n  id INTEGER PRIMARY KEY,\n  email TEXT,\n"
            "  password_md5 CHAR(32) COMMENT '登录密码(MD5)'\n);\n",
            path="schema.sql",
            expect=1,
        ),
    )
    good = (
        Example(
            "CREATE TABLE account (\n  id INTEGER PRIMARY KEY,\n"
            "  password_hash VARCHAR(128) COMMENT '登录密码(bcrypt)'\n);\n"
            "INSERT INTO account VALUES (1, '$2b$12$C6UzMDM.H6dfI/f/IKcEeO5rLaZKbW8r8Rm.7Sxy1Z9UE9m0jSgxC');\n",
            path="schema.sql",
        ),
    )

    def check_column(self, table: Table, column: Column, ctx: RuleContext) -> Iterator[Finding]:
        tag = column.pii
        if tag is None or column.protection is not Protection.WEAK_HASH:
            return
        sensitive = tag.sensitivity is Sensitivity.SENSITIVE
        yield self.column_finding(
            ctx,
            table,
            column,
            severity=Severity.HIGH if sensitive else Severity.MEDIUM,
            message=(
                f"{table.column_name(column)} protects {tag.label} only with a weak hash "
                f"({column.protection_evidence or 'MD5/SHA-1'})"
            ),
            message_zh=(
                f"{table.column_name(column)} 中的{category_zh(tag)}仅以弱哈希保护"
                f"（{column.protection_evidence or 'MD5/SHA-1'}）"
            ),
        )
