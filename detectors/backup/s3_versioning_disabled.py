"""DP608: an S3 bucket keeps no object versions, so overwrites and deletes are final."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from detectors.backup._facts import CLAUSE_NOTE, is_true, nested
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_BUCKET = 'resource "aws_s3_bucket" "b" {\n  bucket = "customer-exports"\n}\n'
_CLAUSE_ZH = "不符合第 3.3.6 条（数据备份与灾难恢复）的要求"
_VERSIONING = ('resource "aws_s3_bucket_versioning" "b" {\n  bucket = aws_s3_bucket.b.id\n'
               '  versioning_configuration {\n    status = "Enabled"\n  }\n}\n')


class S3VersioningDisabled(Rule):
    """An S3 bucket declared here has no versioning enabled in this file.

    Without versioning an overwritten or deleted object is gone: a faulty job, a ransomware
    script or a mistaken ``aws s3 rm --recursive`` destroys the data with no way back.
    Versioning counts when an ``aws_s3_bucket_versioning`` resource in the same file names the
    bucket (``aws_s3_bucket.x.id`` or its literal name) with ``status = "Enabled"``, or the
    bucket carries the legacy inline ``versioning { enabled = true }``. Every bucket is checked,
    whatever it holds (log-only buckets included: exclude them by suppression), and only within
    the file, so a versioning resource in another file is not seen (medium confidence). Clause
    3.3.6 asks that customer information can be restored after an incident.
    """

    id = "DP608"
    name = "s3-versioning-disabled"
    clauses = ("3.3.6",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "Add resource \"aws_s3_bucket_versioning\" with bucket = aws_s3_bucket.<name>.id and "
        "versioning_configuration { status = \"Enabled\" }; add lifecycle rules expiring "
        "noncurrent versions, and for immutable copies S3 Object Lock or replication to "
        "another account."
    )
    references = ("CWE-693", "AWS Well-Architected REL09-BP01, REL09-BP02",
                  "AWS Security Hub S3.14 (versioning enabled)")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("aws_s3_bucket",)
    bad = (Example(_BUCKET, path="main.tf", expect=1),)
    good = (Example(_BUCKET + _VERSIONING, path="main.tf"),
            Example('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  versioning {\n'
                    '    enabled = true\n  }\n}\n', path="main.tf"))

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        resources = model.of_type("aws_s3_bucket_versioning")
        for bucket in model.of_type("aws_s3_bucket"):
            if any(is_true(v.get("enabled")) for v in nested(bucket, "versioning")):
                continue
            own = re.compile(rf"(?<![\w.]){re.escape(bucket.address)}\.")
            literal = bucket.attributes.get("bucket")
            mine = [r for r in resources if own.search(str(r.attributes.get("bucket", "")))
                    or (literal and r.attributes.get("bucket") == literal)]
            states = [str(c.get("status", "")) for r in mine
                      for c in nested(r, "versioning_configuration")]
            if "Enabled" in states:
                continue
            why = (f"its aws_s3_bucket_versioning has status {', '.join(states) or 'unset'}"
                   if mine else "no aws_s3_bucket_versioning enables versioning in this file")
            why_zh = (f"其 aws_s3_bucket_versioning 的状态为 {', '.join(states) or 'unset'}"
                      if mine else "本文件中没有任何 aws_s3_bucket_versioning 启用版本控制")
            yield self.finding(
                ctx, line=bucket.line, object=bucket.address, key=bucket.address,
                confidence=Confidence.HIGH if mine else None,
                message=(f"{bucket.address}: {why}, so overwritten or deleted objects cannot "
                         f"be recovered, against {CLAUSE_NOTE}"),
                message_zh=(f"{bucket.address}：{why_zh}，被覆盖或删除的对象无法恢复，"
                            f"{_CLAUSE_ZH}"))
