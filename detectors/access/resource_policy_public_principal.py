"""DP442: a bucket, key, queue or topic policy lets anyone (Principal "*") in, unconditionally."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import public_principal, resource_policy_types
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_OPEN = ('resource "aws_s3_bucket_policy" "p" {\n  bucket = aws_s3_bucket.b.id\n'
         '  policy = jsonencode({\n    Statement = [{\n      Effect = "Allow"\n'
         '      Principal = "*"\n      Action = "s3:GetObject"\n'
         '      Resource = "arn:aws:s3:::b/*"\n    }]\n  })\n}\n')


class ResourcePolicyPublicPrincipal(Rule):
    """A resource policy allows ``Principal: "*"`` (or ``{"AWS": "*"}``) without a Condition.

    On an S3 bucket, KMS key, SQS queue or SNS topic this opens the resource to every AWS account
    and, for S3, to anonymous users on the internet. A Condition (aws:SourceVpce,
    aws:PrincipalOrgID, aws:SourceArn ...) narrowing who may use it is what makes "*" safe.
    Standalone JSON policy files are checked too. Clause 3.3.5 asks for least-privilege access.
    """

    id = "DP442"
    name = "resource-policy-public-principal"
    clauses = ("3.3.5",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Name the principals (\"AWS\": \"arn:aws:iam::123456789012:role/reader\") or keep \"*\" "
        "only with a Condition such as StringEquals aws:PrincipalOrgID or aws:SourceVpce; for "
        "S3 also enable aws_s3_bucket_public_access_block."
    )
    references = ("CWE-732", "CWE-284", "CIS AWS Foundations Benchmark 2.1.5")
    kinds = frozenset({"terraform", "json"})
    model = "iam_policy"
    tokens = ("Principal", "principals")
    bad = (Example(_OPEN, path="main.tf", expect=1),)
    good = (Example(_OPEN.replace('"arn:aws:s3:::b/*"\n',
                                  '"arn:aws:s3:::b/*"\n      Condition = { StringEquals = '
                                  '{ "aws:PrincipalOrgID" = "o-abc123" } }\n'), path="main.tf"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for policy in model.policies:
            used_by = resource_policy_types(model, policy)
            if model.terraform is not None and not used_by:
                continue  # identity policies and trust policies take no Principal "*" here
            for st in policy.statements:
                if st.allows and public_principal(st) and not st.condition:
                    where = ", ".join(sorted(used_by)) or "resource policy"
                    where_zh = ", ".join(sorted(used_by)) or "资源策略"
                    yield self.finding(
                        ctx, line=st.line or policy.line, object=policy.origin,
                        key=f"{policy.origin}:{st.sid}:public",
                        message=f"{policy.origin} ({where}) allows Principal \"*\" "
                                f"({', '.join(st.actions) or 'all actions'}) with no Condition",
                        message_zh=f"{policy.origin}（{where_zh}）允许 Principal \"*\""
                                   f"（{', '.join(st.actions) or '所有操作'}），且无 Condition")
