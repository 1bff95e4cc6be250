"""DP503: an RDS instance or cluster exports no database logs to CloudWatch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.defence._common import as_strings
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_TYPES = ("aws_db_instance", "aws_rds_cluster")
_EXPORTS = "enabled_cloudwatch_logs_exports"
# What to export, by engine prefix (the values RDS accepts for that engine).
_SUGGESTED = (
    ("aurora-postgresql", '["postgresql"]'), ("postgres", '["postgresql"]'),
    ("aurora-mysql", '["audit", "error", "general", "slowquery"]'),
    ("mysql", '["audit", "error", "general", "slowquery"]'),
    ("mariadb", '["audit", "error", "general", "slowquery"]'),
    ("sqlserver", '["agent", "error"]'), ("oracle", '["audit", "alert", "listener", "trace"]'),
)


class RdsLogExportsMissing(Rule):
    """An RDS instance or cluster does not export its database logs to CloudWatch Logs.

    Without ``enabled_cloudwatch_logs_exports`` (or with an empty list) the engine's audit,
    connection and statement logs stay on the instance, rotate away within days, and cannot be
    searched, alarmed on or kept for the audit period. Clause 3.3.1 asks for database audit as a
    layer of defence in depth. Exporting is half of it: the engine must also be told what to log
    (pgaudit or the audit plugin in the parameter or option group, see DP504).
    """

    id = "DP503"
    name = "rds-log-exports-missing"
    clauses = ("3.3.1",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        'Set enabled_cloudwatch_logs_exports = ["postgresql"] (PostgreSQL) or ["audit", "error", '
        '"general", "slowquery"] (MySQL/MariaDB), give the log groups a retention that covers '
        "the audit period, and enable the engine's audit logging in its parameter group."
    )
    references = ("CWE-778", ("AWS Security Hub RDS.9 (RDS database instances should publish logs "
                  "to CloudWatch Logs)"), "CIS AWS Foundations Benchmark (logging)")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("aws_db_instance", "aws_rds_cluster")
    bad = (Example('resource "aws_db_instance" "db" {\n  engine = "postgres"\n'
                   '  instance_class = "db.t3.micro"\n}\n', path="main.tf", expect=1),
           Example('resource "aws_rds_cluster" "c" {\n  engine = "aurora-mysql"\n'
                   '  enabled_cloudwatch_logs_exports = []\n}\n', path="main.tf", expect=1))
    good = (Example('resource "aws_db_instance" "db" {\n  engine = "postgres"\n'
                    '  enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]\n}\n',
                    path="main.tf"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for block in model.of_type(*_TYPES):
            exports = block.attributes.get(_EXPORTS)
            if exports is not None and (as_strings(exports) or not isinstance(exports, list)):
                continue  # a non-empty list, or an expression we cannot read
            line = block.attr_line(_EXPORTS) if exports is not None else block.line
            yield self.finding(
                ctx, line=line, object=block.address, key=block.address,
                message=(f"{block.address} exports no database logs to CloudWatch "
                         f"({_EXPORTS} is {'empty' if exports is not None else 'not set'}): its "
                         "audit and connection logs cannot be kept or searched (clause 3.3.1); "
                         f"set {_EXPORTS} = {_suggest(block.attributes.get('engine'))}"),
                message_zh=(f"{block.address} 未将任何数据库日志导出到 CloudWatch"
                            f"（{_EXPORTS} {'为空' if exports is not None else '未设置'}）："
                            "其审计日志和连接日志无法留存或检索（条款 3.3.1）；请设置 "
                            f"{_EXPORTS} = {_suggest_zh(block.attributes.get('engine'))}"),
            )


def _suggest(engine: Any) -> str:
    name = str(engine or "").lower()
    return next((logs for prefix, logs in _SUGGESTED if name.startswith(prefix)),
                "[the engine's audit/general log types]")


def _suggest_zh(engine: Any) -> str:
    suggested = _suggest(engine)
    return "[该引擎的 audit/general 日志类型]" if suggested.startswith("[the ") else suggested
