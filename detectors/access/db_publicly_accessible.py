"""DP446: an RDS database instance or cluster is reachable from the internet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import is_true
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_TYPES = ("aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance")


class DbPubliclyAccessible(Rule):
    """An RDS instance or cluster sets ``publicly_accessible = true``.

    A publicly accessible database gets a public DNS name and address: with a permissive security
    group anyone on the internet can reach its port and try passwords. Databases holding customer
    data belong in private subnets. Clause 3.3.5 asks for least-privilege access.
    """

    id = "DP446"
    name = "db-publicly-accessible"
    clauses = ("3.3.5",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Set publicly_accessible = false, place the instance in private subnets "
        "(db_subnet_group_name), and reach it through a bastion, VPN or AWS Systems Manager."
    )
    references = ("CWE-284", "CWE-668", "CIS AWS Foundations Benchmark 2.3.3")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("publicly_accessible",)
    bad = (Example('resource "aws_db_instance" "db" {\n  engine = "postgres"\n'
                   '  publicly_accessible = true\n}\n', path="main.tf", expect=1),)
    good = (Example('resource "aws_db_instance" "db" {\n  engine = "postgres"\n'
                    '  publicly_accessible = false\n}\n', path="main.tf"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for block in model.of_type(*_TYPES):
            if is_true(block.attributes.get("publicly_accessible")):
                yield self.finding(ctx, line=block.attr_line("publicly_accessible"),
                                   object=block.address, key=block.address,
                                   message=f"{block.address} is publicly accessible",
                                   message_zh=f"{block.address} 允许公开访问")
