"""DP440: an IAM policy allows every action (or every action of a service) on every resource."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import is_wildcard_action
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_ADMIN = 'resource "aws_iam_policy" "ops" {\n  policy = jsonencode({\n    Statement = [{\n' \
         '      Effect = "Allow"\n      Action = "*"\n      Resource = "*"\n    }]\n  })\n}\n'
_SCOPED = 'resource "aws_iam_policy" "ops" {\n  policy = jsonencode({\n    Statement = [{\n' \
          '      Effect = "Allow"\n      Action = ["s3:GetObject"]\n' \
          '      Resource = "arn:aws:s3:::reports/*"\n    }]\n  })\n}\n'


class IamWildcardAdmin(Rule):
    """An IAM policy statement allows ``*`` or ``service:*`` on ``Resource: "*"``.

    ``Action: "*"`` with ``Resource: "*"`` is full administrator access; ``s3:*`` or ``kms:*`` on
    every resource gives every bucket or key in the account, including those holding customer
    data, to whoever holds the policy. Statements with a Condition are left to review (DP443
    checks the MFA one). Clause 3.3.5 asks for least-privilege access.
    """

    id = "DP440"
    name = "iam-wildcard-admin"
    clauses = ("3.3.5",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "List the actions the workload needs (s3:GetObject, kms:Decrypt, ...) and the ARNs it "
        "needs them on (arn:aws:s3:::reports/*) instead of \"*\"; use IAM Access Analyzer policy "
        "generation to derive them from CloudTrail."
    )
    references = ("CWE-732", "CWE-269", "CIS AWS Foundations Benchmark 1.16")
    kinds = frozenset({"terraform", "json"})
    model = "iam_policy"
    tokens = ("Statement", "statement")
    bad = (Example(_ADMIN, path="main.tf", expect=1),
           Example('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                   '"Action": "s3:*", "Resource": "*"}]}\n', path="policy.json", expect=1))
    good = (Example(_SCOPED, path="main.tf"),
            Example('{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}\n',
                    path="policy.json"))

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for policy in model.policies:
            for st in policy.statements:
                wild = [a for a in st.actions if is_wildcard_action(a)]
                if st.allows and wild and "*" in st.resources and not st.condition:
                    yield self.finding(
                        ctx, line=st.line or policy.line, object=policy.origin,
                        key=f"{policy.origin}:{st.sid}:{','.join(wild)}",
                        message=f"{policy.origin} allows {', '.join(wild)} on every resource",
                        message_zh=f"{policy.origin} 允许对所有资源执行 {', '.join(wild)}")
