"""DP101: personal information stored in a column with no at-rest protection (clause 3.3.2)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import Column, Protection, Sensitivity, Table
from scanner.rule import Example, RuleContext, SchemaRule

# Views re-expose what their base tables store; the finding belongs on the table.
_STORED_KINDS = frozenset({"table", "model"})

# Chinese names for the PII lexicon's category ids (the tag's own label is English).
CATEGORY_ZH = {
    "person_name": "姓名",
    "username": "用户名",
    "phone": "电话号码",
    "email": "电子邮箱",
    "national_id": "身份证件号码",
    "bank_card": "银行卡/金融账户",
    "address": "地址",
    "postal_code": "邮政编码",
    "birth_date": "出生日期",
    "gender": "性别",
    "ip_address": "IP 地址",
    "precise_location": "精确位置",
    "location": "位置",
    "biometric": "生物识别信息",
    "health": "健康信息",
    "credential": "口令/凭据",
    "free_text": "可能含个人信息的自由文本",
    "device_id": "设备标识",
    "photo": "照片",
}


def category_zh(tag) -> str:
    """The tag's category in Chinese, falling back to its English label."""
    return CATEGORY_ZH.get(tag.category, tag.label)


class PiiPlaintextColumn(SchemaRule):
    """Personal information is stored in plaintext.

    A column classified as personal or sensitive personal information (from its name, its
    comment or ORM label, or sampled values) is declared with a readable type, and nothing shows
    column-level encryption, hashing, masking or tokenisation. Anyone who can read the table, a
    backup, a replica or a dump reads the data. Clause 3.3.2 asks that stored customer
    information be classified and graded and that core sensitive information be stored under
    strong encryption; GB/T 35273 names ID numbers, financial accounts, biometric and health
    data, precise location and credentials as sensitive.
    """

    id = "DP101"
    name = "pii-plaintext-column"
    clauses = ("3.3.2",)
    severity = Severity.HIGH  # for sensitive categories; personal ones are reported as medium
    confidence = Confidence.MEDIUM
    remediation = (
        "Encrypt the field in the application with AES-256-GCM and keys held outside the "
        "database (for example django-fernet-fields, sqlalchemy-utils StringEncryptedType with "
        "AesGcmEngine, or pgcrypto pgp_sym_encrypt with a key from a KMS); where only equality "
        "lookups are needed, store a keyed hash (HMAC-SHA-256) beside the ciphertext and drop "
        "the plaintext column. Record the column's category and grade in its comment."
    )
    references = ("CWE-312", "GB/T 35273-2020 §6.3", "GB/T 35273-2020 Annex B")

    bad = (
        Example(
            "CREATE TABLE customer (\n  id BIGINT PRIMARY KEY,\n"
            "  id_card_no VARCHAR(18) COMMENT '身份证号码'\n);\n",
            path="schema.sql",
            expect=1,
        ),
        Example(
            "from django.db import models\n\n\nclass Customer(models.Model):\n"
            "    mobile = models.CharField('手机号', max_length=20)\n",
            path="models.py",
            expect=1,
        ),
    )
    good = (
        Example(
            "CREATE TABLE customer (\n  id BIGINT PRIMARY KEY,\n"
            "  id_card_no_enc BYTEA\n);\nCOMMENT ON COLUMN customer.id_card_no_enc IS '身份证号码(AES-256加密)';\n",
            path="schema.sql",
        ),
        Example("CREATE TABLE sku (code VARCHAR(18), goods_name VARCHAR(64) COMMENT '商品名称');\n",
                path="schema.sql"),
    )

    def check_column(self, table: Table, column: Column, ctx: RuleContext) -> Iterator[Finding]:
        tag = column.pii
        if tag is None or column.protection is not Protection.NONE or table.kind not in _STORED_KINDS:
            return
        sensitive = tag.sensitivity is Sensitivity.SENSITIVE
        severity = Severity.HIGH if sensitive else Severity.MEDIUM
        if tag.category == "free_text":
            severity = Severity.LOW  # a remark field *may* hold personal data; say so, quietly
        grade = "sensitive personal information" if sensitive else "personal information"
        grade_zh = "敏感个人信息" if sensitive else "个人信息"
        as_type_zh = f"，类型为 {column.data_type}" if column.data_type else ""
        yield self.column_finding(
            ctx,
            table,
            column,
            severity=severity,
            confidence=tag.confidence,
            message=(
                f"{table.column_name(column)} stores {tag.label} ({grade}) in plaintext"
                f"{f' as {column.data_type}' if column.data_type else ''}; classified by {tag.evidence}"
            ),
            message_zh=(
                f"{table.column_name(column)} 以明文存储{category_zh(tag)}（{grade_zh}）{as_type_zh}；"
                f"分类依据：{tag.evidence}"
            ),
        )
