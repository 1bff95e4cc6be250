"""DP445: an S3 bucket has no public access block with all four settings on."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import is_true
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls",
          "restrict_public_buckets")
_BLOCK = ('resource "aws_s3_bucket_public_access_block" "b" {\n  bucket = aws_s3_bucket.b.id\n'
          + "".join(f"  {f} = true\n" for f in _FLAGS) + "}\n")
_BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "customer-exports"\n}\n'


class S3PublicAccessBlockMissing(Rule):
    """An S3 bucket declared here has no public access block with all four flags true.

    Without block_public_acls, block_public_policy, ignore_public_acls and
    restrict_public_buckets, one careless ACL or bucket policy makes the bucket public. Checked
    per file: a block for the bucket (or an account-wide block) in another file of the same
    configuration is not seen. Clause 3.3.5 asks for least-privilege access.
    """

    id = "DP445"
    name = "s3-public-access-block-missing"
    clauses = ("3.3.5",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "Add resource \"aws_s3_bucket_public_access_block\" for the bucket with "
        "block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets "
        "all = true (or an aws_s3_account_public_access_block for the whole account)."
    )
    references = ("CWE-732", "CWE-284", "CIS AWS Foundations Benchmark 2.1.5")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("aws_s3_bucket",)
    bad = (Example(_BUCKET, path="main.tf", expect=1),)
    good = (Example(_BUCKET + _BLOCK, path="main.tf"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        if any(all(is_true(b.attributes.get(f)) for f in _FLAGS)
               for b in model.of_type("aws_s3_account_public_access_block")):
            return
        blocks = model.of_type("aws_s3_bucket_public_access_block")
        for bucket in model.of_type("aws_s3_bucket"):
            own = re.compile(rf"(?<![\w.]){re.escape(bucket.address)}\.")
            literal = bucket.attributes.get("bucket")
            mine = [b for b in blocks if own.search(str(b.attributes.get("bucket", "")))
                    or (literal and b.attributes.get("bucket") == literal)]
            if any(all(is_true(b.attributes.get(f)) for f in _FLAGS) for b in mine):
                continue
            off = sorted({f for b in mine for f in _FLAGS if not is_true(b.attributes.get(f))})
            why = (f"its public access block leaves {', '.join(off)} off" if mine
                   else "no aws_s3_bucket_public_access_block covers it in this file")
            why_zh = (f"其公共访问阻止未开启 {', '.join(off)}" if mine
                      else "本文件中没有 aws_s3_bucket_public_access_block 覆盖该存储桶")
            yield self.finding(ctx, line=bucket.line, object=bucket.address, key=bucket.address,
                               message=f"{bucket.address}: {why}",
                               message_zh=f"{bucket.address}：{why_zh}")
