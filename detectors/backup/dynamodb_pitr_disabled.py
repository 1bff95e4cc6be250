"""DP609: a DynamoDB table has no point-in-time recovery."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.backup._facts import CLAUSE_NOTE, is_true, nested
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_TABLE = ('resource "aws_dynamodb_table" "t" {\n  name = "customers"\n  hash_key = "id"\n'
          '  billing_mode = "PAY_PER_REQUEST"\n  attribute {\n    name = "id"\n'
          '    type = "S"\n  }\n')
_CLAUSE_ZH = "不符合第 3.3.6 条（数据备份与灾难恢复）的要求"


class DynamodbPitrDisabled(Rule):
    """A DynamoDB table has point-in-time recovery off or not configured.

    Point-in-time recovery keeps continuous backups for 35 days and restores the table to any
    second in that window; it is off by default. Without it only on-demand backups (if any)
    remain, and a bad write or a deleted item since the last one is lost. Reported when the
    table has no ``point_in_time_recovery { enabled = true }`` block. An AWS Backup plan outside
    this file may cover the table: medium confidence. Clause 3.3.6 asks that customer
    information can be restored after an incident.
    """

    id = "DP609"
    name = "dynamodb-pitr-disabled"
    clauses = ("3.3.6",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "Add point_in_time_recovery { enabled = true } to the aws_dynamodb_table, and keep "
        "deletion_protection_enabled = true."
    )
    references = ("CWE-693", "AWS Well-Architected REL09-BP01",
                  "AWS Security Hub DynamoDB.2 (point-in-time recovery enabled)")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("aws_dynamodb_table",)
    bad = (Example(_TABLE + "}\n", path="main.tf", expect=1),
           Example(_TABLE + "  point_in_time_recovery {\n    enabled = false\n  }\n}\n",
                   path="main.tf", expect=1))
    good = (Example(_TABLE + "  point_in_time_recovery {\n    enabled = true\n  }\n}\n",
                    path="main.tf"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for table in model.of_type("aws_dynamodb_table"):
            blocks = nested(table, "point_in_time_recovery")
            if any(is_true(b.get("enabled")) for b in blocks):
                continue
            yield self.finding(
                ctx, line=table.attr_line("point_in_time_recovery"), object=table.address,
                key=table.address, confidence=Confidence.HIGH if blocks else None,
                message=(f"{table.address}: point-in-time recovery is "
                         + ("disabled" if blocks else "not configured (default off)")
                         + f", so the table cannot be restored to a moment before a bad write "
                           f"or delete, against {CLAUSE_NOTE}"),
                message_zh=(f"{table.address}：时间点恢复"
                            + ("已关闭" if blocks else "未配置（默认关闭）")
                            + f"，该表无法恢复到错误写入或删除之前的时刻，{_CLAUSE_ZH}"))
