"""DP607: an RDS database does not copy its tags to snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.backup._facts import is_false, is_true, rds_primaries
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Option, Rule, RuleContext

_DB = 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n'


class RdsCopyTagsToSnapshot(Rule):
    """An RDS database's snapshots do not inherit its tags.

    Backup plans (AWS Backup selections by tag), retention and data-classification policies
    often find snapshots by their tags; untagged snapshots fall outside them and are easily
    missed or kept forever. An explicit ``copy_tags_to_snapshot = false`` is always reported;
    an absent attribute (default false) only with option ``require_copy_tags_to_snapshot``.
    Read replicas and Aurora cluster members are skipped. Clause 3.3.6 asks for a managed
    backup mechanism.
    """

    id = "DP607"
    name = "rds-copy-tags-to-snapshot-missing"
    clauses = ("3.3.6",)
    severity = Severity.LOW
    confidence = Confidence.HIGH
    remediation = "Set copy_tags_to_snapshot = true on the aws_db_instance or aws_rds_cluster."
    references = ("AWS Security Hub RDS.16 / RDS.17 (copy tags to snapshots)",
                  "AWS Well-Architected REL09-BP01")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("aws_db_instance", "aws_rds_cluster")
    options = {"require_copy_tags_to_snapshot": Option(
        False, "also report RDS databases that leave copy_tags_to_snapshot unset")}
    bad = (Example(_DB + "  copy_tags_to_snapshot = false\n}\n", path="main.tf", expect=1),)
    good = (Example(_DB + "  copy_tags_to_snapshot = true\n}\n", path="main.tf"),
            Example(_DB + "}\n", path="main.tf"))

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        required = self.settings["require_copy_tags_to_snapshot"]
        for block in rds_primaries(model):
            value = block.attributes.get("copy_tags_to_snapshot")
            if is_true(value) or (value is None and not required) or (
                    value is not None and not is_false(value)):
                continue
            yield self.finding(
                ctx, line=block.attr_line("copy_tags_to_snapshot"), object=block.address,
                key=block.address, confidence=Confidence.MEDIUM if value is None else None,
                message=(f"{block.address}: copy_tags_to_snapshot is "
                         + ("not set (default false)" if value is None else "false")
                         + ": its snapshots carry no tags for backup and retention policies "
                           "to select them by (clause 3.3.6)"),
                message_zh=(f"{block.address}：copy_tags_to_snapshot "
                            + ("未设置（默认 false）" if value is None else "为 false")
                            + "：其快照不带标签，备份与保留策略无法据此选中这些快照（第 3.3.6 条）"))
