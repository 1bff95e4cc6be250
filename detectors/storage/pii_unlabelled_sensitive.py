"""DP103: a sensitive personal column carries no classification label (clause 3.3.2)."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import Column, Sensitivity, Table
from scanner.rule import Example, RuleContext, SchemaRule

from .pii_plaintext_column import category_zh

# SQLite has no column comments; its schemas are labelled elsewhere or not at all, and a
# finding per column there would only be noise about the engine, not about the data.
_DIALECTS_WITHOUT_COMMENTS = frozenset({"sqlite"})


class PiiUnlabelledSensitive(SchemaRule):
    """A sensitive personal-information column has no classification label.

    Clause 3.3.2 asks that stored customer information be classified and graded. A column that
    dpscan recognises as sensitive personal information (GB/T 35273: ID numbers, financial
    accounts, biometric and health data, precise location, credentials) only from its name has
    no comment, ORM verbose name or help text saying what it holds, so the classification lives
    in nobody's records: DBAs, auditors and data-map tools cannot see it.
    """

    id = "DP103"
    name = "pii-unlabelled-sensitive"
    clauses = ("3.3.2",)
    severity = Severity.LOW
    confidence = Confidence.MEDIUM
    remediation = (
        "Label the column with what it holds and its grade, for example "
        "COMMENT ON COLUMN customer.id_no IS '身份证号码 [敏感个人信息]' (PostgreSQL), "
        "`id_no` VARCHAR(18) COMMENT '身份证号码 [敏感]' (MySQL), or verbose_name/help_text in a "
        "Django model, and keep the data inventory in step."
    )
    references = ("GB/T 35273-2020 §3.2", "GB/T 35273-2020 Annex B")

    bad = (
        Example("CREATE TABLE member (id INT PRIMARY KEY, id_card_no VARCHAR(18));\n",
                path="schema.sql", expect=1),
    )
    good = (
        Example("CREATE TABLE member (id INT PRIMARY KEY, id_card_no VARCHAR(18) COMMENT '身份证号码');\n",
                path="schema.sql"),
        Example("CREATE TABLE member (id INTEGER PRIMARY KEY, mobile TEXT);\n", path="schema.sql"),
    )

    def check(self, model, ctx: RuleContext) -> Iterator[Finding]:
        if model.dialect in _DIALECTS_WITHOUT_COMMENTS:
            return
        yield from super().check(model, ctx)

    def check_column(self, table: Table, column: Column, ctx: RuleContext) -> Iterator[Finding]:
        tag = column.pii
        if tag is None or tag.sensitivity is not Sensitivity.SENSITIVE or column.comment.strip():
            return
        if table.kind == "view":
            return  # a view's columns are labelled on the base table
        yield self.column_finding(
            ctx,
            table,
            column,
            message=(
                f"{table.column_name(column)} holds {tag.label} (sensitive personal information) "
                f"but has no comment or label saying so; recognised by {tag.evidence}"
            ),
            message_zh=(
                f"{table.column_name(column)} 存有{category_zh(tag)}（敏感个人信息），"
                f"但没有注释或标签说明；识别依据：{tag.evidence}"
            ),
        )
