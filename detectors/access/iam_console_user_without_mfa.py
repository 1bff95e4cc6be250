"""DP447: an IAM user gets a console password while nothing here shows MFA being required."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import requires_mfa
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_LOGIN = 'resource "aws_iam_user_login_profile" "ops" {\n  user = aws_iam_user.ops.name\n}\n'


class IamConsoleUserWithoutMfa(Rule):
    """An ``aws_iam_user_login_profile`` gives console access and the file shows no MFA.

    Console passwords are phished and reused; without MFA one leaked password is a console
    session. Reported only when the same file declares neither an aws_iam_virtual_mfa_device nor
    any Deny statement conditioned on aws:MultiFactorAuthPresent (the usual MFA-enforcing
    policy): MFA may still be enforced elsewhere
    (another module, an SCP, the identity provider), hence the low confidence. Clause 3.3.5.
    """

    id = "DP447"
    name = "iam-console-user-without-mfa"
    clauses = ("3.3.5",)
    severity = Severity.MEDIUM
    confidence = Confidence.LOW
    remediation = (
        "Enforce MFA for console users: attach a policy that denies everything except MFA "
        "self-service (Effect Deny, NotAction [iam:CreateVirtualMFADevice, iam:EnableMFADevice, "
        "...], Condition BoolIfExists aws:MultiFactorAuthPresent = false) to their group, or "
        "use IAM Identity Center / SSO with MFA instead of IAM user passwords."
    )
    references = ("CWE-308", "CIS AWS Foundations Benchmark 1.10")
    kinds = frozenset({"terraform"})
    model = "iam_policy"
    tokens = ("aws_iam_user_login_profile",)
    bad = (Example(_LOGIN, path="main.tf", expect=1),)
    good = (Example(_LOGIN + 'resource "aws_iam_virtual_mfa_device" "ops" {\n'
                    '  virtual_mfa_device_name = "ops"\n}\n', path="main.tf"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        config = model.terraform
        if config is None or config.of_type("aws_iam_virtual_mfa_device"):
            return
        # The enforcing pattern: Deny (most actions) unless aws:MultiFactorAuthPresent.
        if any(not st.allows and requires_mfa(st) for p in model.policies for st in p.statements):
            return
        for block in config.of_type("aws_iam_user_login_profile"):
            user = str(block.attributes.get("user", "")).strip("${}")
            yield self.finding(
                ctx, line=block.line, object=block.address, key=block.address,
                message=f"{block.address} gives {user or 'a user'} console access and this "
                        "configuration shows no MFA device or MFA-enforcing policy (MFA may be "
                        "enforced elsewhere)",
                message_zh=f"{block.address} 为{f'用户 {user} ' if user else '某用户'}开通了控制台"
                           "访问，而本配置中没有 MFA 设备或强制 MFA 的策略（MFA 可能在别处强制）")
