"""DP444: an S3 bucket ACL makes objects world-readable or world-writable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_PUBLIC = ("public-read", "public-read-write")


class S3BucketPublicAcl(Rule):
    """An S3 bucket has the canned ACL ``public-read`` or ``public-read-write``.

    ``public-read`` lets anyone on the internet list and download the bucket's objects;
    ``public-read-write`` also lets them upload and overwrite. Either exposes whatever customer
    data the bucket holds. Clause 3.3.5 asks for least-privilege access.
    """

    id = "DP444"
    name = "s3-bucket-public-acl"
    clauses = ("3.3.5",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Set acl = \"private\" (or drop the ACL and set object_ownership = \"BucketOwnerEnforced\" "
        "in aws_s3_bucket_ownership_controls), enable aws_s3_bucket_public_access_block, and "
        "serve public content through CloudFront with origin access control."
    )
    references = ("CWE-732", "CWE-284", "CIS AWS Foundations Benchmark 2.1.5")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("public-read",)
    bad = (Example('resource "aws_s3_bucket_acl" "a" {\n  bucket = aws_s3_bucket.b.id\n'
                   '  acl = "public-read"\n}\n', path="main.tf", expect=1),)
    good = (Example('resource "aws_s3_bucket_acl" "a" {\n  bucket = aws_s3_bucket.b.id\n'
                    '  acl = "private"\n}\n', path="main.tf"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for block in model.of_type("aws_s3_bucket_acl", "aws_s3_bucket"):
            acl = block.attributes.get("acl")
            if isinstance(acl, str) and acl in _PUBLIC:
                yield self.finding(ctx, line=block.attr_line("acl"), object=block.address,
                                   key=f"{block.address}:{acl}",
                                   message=f"{block.address} has the canned ACL {acl}",
                                   message_zh=f"{block.address} 使用了预设 ACL {acl}")
