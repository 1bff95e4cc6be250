"""DP604: an RDS instance or cluster keeps no (or too few days of) automated backups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.backup._facts import CLAUSE_NOTE, as_int, rds_primaries
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Option, Rule, RuleContext

_DB = 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n'
_CLAUSE_ZH = "不符合第 3.3.6 条（数据备份与灾难恢复）的要求"


class RdsBackupRetention(Rule):
    """An RDS database keeps no automated backups, or fewer days of them than policy asks.

    ``backup_retention_period = 0`` turns automated backups and point-in-time recovery off
    entirely: a dropped table or a corrupted volume is unrecoverable past the last manual
    snapshot (high). A value below option ``min_backup_retention_days`` (default 7) leaves too
    short a window to notice and undo damage (low); so does leaving the attribute out, since AWS
    then keeps 1 day (low confidence: a module default or a later change may set it). Read
    replicas and Aurora cluster members are skipped: their source or cluster holds the backups.
    Clause 3.3.6 asks that customer information can be restored after an incident.
    """

    id = "DP604"
    name = "rds-backup-retention-short"
    clauses = ("3.3.6",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Set backup_retention_period to at least 7 (up to 35) days on the aws_db_instance or "
        "aws_rds_cluster, with a preferred_backup_window; for longer or off-site retention add "
        "an AWS Backup plan (aws_backup_plan with copy_action to another region or account)."
    )
    references = ("CWE-693", "AWS Well-Architected REL09-BP01, REL09-BP02",
                  "AWS Security Hub RDS.11 (automatic backups enabled)",
                  "CIS AWS Database Services Benchmark: RDS automated backups")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("aws_db_instance", "aws_rds_cluster")
    options = {"min_backup_retention_days": Option(7, "fewest days of automated backups that "
                                                      "policy accepts")}
    bad = (Example(_DB + "  backup_retention_period = 0\n}\n", path="main.tf", expect=1),
           Example(_DB + "  backup_retention_period = 3\n}\n", path="main.tf", expect=1))
    good = (Example(_DB + "  backup_retention_period = 14\n}\n", path="main.tf"),
            Example(_DB + "  backup_retention_period = var.retention\n}\n", path="main.tf"))

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        least = self.settings["min_backup_retention_days"]
        for block in rds_primaries(model):
            where = {"object": block.address, "key": block.address}
            if "backup_retention_period" not in block.attributes:
                if least > 1:
                    yield self.finding(
                        ctx, line=block.line, severity=Severity.LOW, confidence=Confidence.LOW,
                        message=(f"{block.address} does not set backup_retention_period; AWS "
                                 f"then keeps automated backups for 1 day, fewer than the "
                                 f"{least} policy asks, against {CLAUSE_NOTE}"),
                        message_zh=(f"{block.address} 未设置 backup_retention_period；此时 AWS "
                                    f"仅保留 1 天自动备份，少于策略要求的 {least} 天，"
                                    f"{_CLAUSE_ZH}"), **where)
                continue
            days = as_int(block.attributes["backup_retention_period"])
            line = block.attr_line("backup_retention_period")
            if days == 0:
                yield self.finding(ctx, line=line, **where, message=(
                    f"{block.address} has backup_retention_period = 0: automated backups and "
                    f"point-in-time recovery are off, against {CLAUSE_NOTE}"), message_zh=(
                    f"{block.address} 设置了 backup_retention_period = 0：自动备份和时间点恢复"
                    f"均已关闭，{_CLAUSE_ZH}"))
            elif days is not None and days < least:
                yield self.finding(
                    ctx, line=line, severity=Severity.LOW, **where, message=(
                        f"{block.address} keeps automated backups for {days} day(s), fewer "
                        f"than the {least} policy asks (min_backup_retention_days), against "
                        f"{CLAUSE_NOTE}"), message_zh=(
                        f"{block.address} 仅保留 {days} 天自动备份，少于策略要求的 {least} 天"
                        f"（min_backup_retention_days），{_CLAUSE_ZH}"))
