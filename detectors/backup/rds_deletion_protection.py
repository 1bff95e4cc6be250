"""DP606: an RDS database can be deleted by one API call or terraform destroy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.backup._facts import CLAUSE_NOTE, is_true, rds_primaries
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_DB = 'resource "aws_db_instance" "db" {\n  engine = "mysql"\n'
_CLAUSE_ZH = "不符合第 3.3.6 条（数据备份与灾难恢复）的要求"


class RdsDeletionProtection(Rule):
    """An RDS database has deletion protection off or not set.

    ``deletion_protection`` defaults to ``false``: a mistaken ``terraform destroy``, a change
    that forces replacement, or a stolen credential can delete the database in one call.
    Protection is a guard rail, not a backup, hence low severity; an explicit ``false`` is high
    confidence, an absent attribute medium. Read replicas and Aurora cluster members are skipped.
    Clause 3.3.6 asks that customer information can be restored after an incident.
    """

    id = "DP606"
    name = "rds-deletion-protection-disabled"
    clauses = ("3.3.6",)
    severity = Severity.LOW
    confidence = Confidence.HIGH
    remediation = "Set deletion_protection = true on the aws_db_instance or aws_rds_cluster."
    references = ("CWE-693", "AWS Security Hub RDS.7 / RDS.8 (deletion protection enabled)",
                  "AWS Well-Architected REL09-BP01")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("aws_db_instance", "aws_rds_cluster")
    bad = (Example(_DB + "  deletion_protection = false\n}\n", path="main.tf", expect=1),
           Example(_DB + "}\n", path="main.tf", expect=1))
    good = (Example(_DB + "  deletion_protection = true\n}\n", path="main.tf"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for block in rds_primaries(model):
            value = block.attributes.get("deletion_protection")
            if is_true(value) or (value is not None and not _literal(value)):
                continue  # true, or an expression (var.protect) we cannot judge
            absent = value is None
            yield self.finding(
                ctx, line=block.attr_line("deletion_protection"), object=block.address,
                key=block.address, confidence=Confidence.MEDIUM if absent else None,
                message=(f"{block.address} "
                         + ("does not set deletion_protection (default false)" if absent
                            else "sets deletion_protection = false")
                         + f": one call or terraform destroy deletes it, against "
                           f"{CLAUSE_NOTE}"),
                message_zh=(f"{block.address} "
                            + ("未设置 deletion_protection（默认 false）" if absent
                               else "设置了 deletion_protection = false")
                            + f"：一次调用或 terraform destroy 即可将其删除，{_CLAUSE_ZH}"))


def _literal(value: Any) -> bool:
    return isinstance(value, bool) or str(value).strip().lower() in ("true", "false")
