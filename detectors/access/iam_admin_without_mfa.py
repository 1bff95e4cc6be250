"""DP443: users or groups get administrative IAM rights with no MFA condition."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import (
    ADMIN_MANAGED_POLICIES,
    IDENTITY_ATTACHMENT_TYPES,
    is_admin_action,
    requires_mfa,
    users_of,
)
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_INLINE = ('resource "aws_iam_group_policy" "admins" {\n  group = aws_iam_group.admins.name\n'
           '  policy = jsonencode({\n    Statement = [{\n      Effect = "Allow"\n'
           '      Action = "iam:*"\n      Resource = "*"\n%s    }]\n  })\n}\n')
_MFA = '      Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } }\n'


class IamAdminWithoutMfa(Rule):
    """Administrative actions (``*``, ``iam:*``) are allowed to users or groups without MFA.

    A user or group policy granting ``*`` or ``iam:*`` without an ``aws:MultiFactorAuthPresent``
    condition lets a stolen password or access key take over the account. Reported for inline
    user/group policies, policies attached to users or groups in the same configuration, the
    AdministratorAccess/IAMFullAccess managed policies attached to them, and (low confidence,
    since the attachment is unknown) standalone JSON identity policies. Role trust policies and
    role policies are not MFA-relevant and are not reported. Clause 3.3.5.
    """

    id = "DP443"
    name = "iam-admin-without-mfa"
    clauses = ("3.3.5",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "Add Condition = { Bool = { \"aws:MultiFactorAuthPresent\" = \"true\" } } to the "
        "statement, or grant administration through a role whose trust policy requires MFA "
        "(sts:AssumeRole with aws:MultiFactorAuthPresent) instead of to users and groups."
    )
    references = ("CWE-308", "CWE-250", "CIS AWS Foundations Benchmark 1.10")
    kinds = frozenset({"terraform", "json"})
    model = "iam_policy"
    tokens = ("Statement", "statement", "AdministratorAccess", "IAMFullAccess")
    bad = (Example(_INLINE % "", path="main.tf", expect=1),
           Example('resource "aws_iam_user_policy_attachment" "a" {\n  user = "ops"\n'
                   '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n',
                   path="main.tf", expect=1))
    good = (Example(_INLINE % _MFA, path="main.tf"),
            Example('resource "aws_iam_role_policy_attachment" "a" {\n  role = "ops"\n'
                    '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n',
                    path="main.tf"))

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for policy in model.policies:
            if model.terraform is None:
                confidence = Confidence.LOW
                if any(st.principals for st in policy.statements):
                    continue  # a resource or trust policy, not an identity policy
                who = "this policy (if attached to users or groups)"
                who_zh = "本策略（如附加到用户或组）"
            else:
                used = users_of(model, policy)
                if not used:
                    continue
                confidence, who = None, f"users/groups via {', '.join(sorted(used))}"
                who_zh = f"经由 {', '.join(sorted(used))} 的用户/组"
            for st in policy.statements:
                admin = [a for a in st.actions if is_admin_action(a)]
                if st.allows and admin and not requires_mfa(st):
                    yield self.finding(
                        ctx, line=st.line or policy.line, object=policy.origin,
                        confidence=confidence, key=f"{policy.origin}:{st.sid}:{','.join(admin)}",
                        message=f"{policy.origin} allows {', '.join(admin)} to {who} with no "
                                "aws:MultiFactorAuthPresent condition",
                        message_zh=f"{policy.origin} 向{who_zh}授予 {', '.join(admin)}，且没有 "
                                   "aws:MultiFactorAuthPresent 条件")
        config = model.terraform
        for block in config.of_type(*IDENTITY_ATTACHMENT_TYPES) if config else ():
            arn = str(block.attributes.get("policy_arn", ""))
            managed = arn.rsplit("/", 1)[-1]
            if arn.startswith("arn:aws:iam::aws:policy/") and managed in ADMIN_MANAGED_POLICIES:
                yield self.finding(
                    ctx, line=block.attr_line("policy_arn"), object=block.address,
                    key=f"{block.address}:{managed}",
                    message=f"{block.address} attaches {managed} to a "
                            f"{'user' if 'user' in block.type else 'group'}; managed policies "
                            "carry no MFA condition",
                    message_zh=f"{block.address} 将 {managed} 附加到"
                               f"{'用户' if 'user' in block.type else '组'}；托管策略不带 MFA 条件")
