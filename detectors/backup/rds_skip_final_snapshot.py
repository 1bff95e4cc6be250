"""DP605: deleting an RDS database would take no final snapshot (skip_final_snapshot = true)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.backup._facts import CLAUSE_NOTE, is_true, rds_primaries
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_DB = 'resource "aws_rds_cluster" "db" {\n  engine = "aurora-postgresql"\n'
_CLAUSE_ZH = "不符合第 3.3.6 条（数据备份与灾难恢复）的要求"


class RdsSkipFinalSnapshot(Rule):
    """An RDS database is destroyed without a final snapshot.

    With ``skip_final_snapshot = true`` a ``terraform destroy`` - or a change that forces the
    resource to be replaced - deletes the database and, after the retention window, its
    automated backups, with no snapshot left to restore from. The provider's default is
    ``false`` (take a snapshot named by ``final_snapshot_identifier``), so only an explicit true
    is reported. Read replicas and Aurora cluster members are skipped. Clause 3.3.6 asks that
    customer information can be restored after an incident.
    """

    id = "DP605"
    name = "rds-skip-final-snapshot"
    clauses = ("3.3.6",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Set skip_final_snapshot = false and final_snapshot_identifier = \"<name>-final\" on "
        "the aws_db_instance/aws_rds_cluster (and keep deletion_protection = true)."
    )
    references = ("CWE-404", "AWS Well-Architected REL09-BP01",
                  "Terraform AWS provider docs: aws_db_instance skip_final_snapshot")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("skip_final_snapshot",)
    bad = (Example(_DB + "  skip_final_snapshot = true\n}\n", path="main.tf", expect=1),)
    good = (Example(_DB + "  skip_final_snapshot = false\n"
                    '  final_snapshot_identifier = "db-final"\n}\n', path="main.tf"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for block in rds_primaries(model):
            if is_true(block.attributes.get("skip_final_snapshot")):
                yield self.finding(
                    ctx, line=block.attr_line("skip_final_snapshot"), object=block.address,
                    key=block.address, message=(
                        f"{block.address} sets skip_final_snapshot = true: deleting or "
                        f"replacing it leaves no final snapshot to restore from, against "
                        f"{CLAUSE_NOTE}"), message_zh=(
                        f"{block.address} 设置了 skip_final_snapshot = true：删除或替换该数据库时"
                        f"不会留下可用于恢复的最终快照，{_CLAUSE_ZH}"))
