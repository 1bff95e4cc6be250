"""DP441: an IAM policy allows everything except a list (Allow with NotAction)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext


class IamAllowNotAction(Rule):
    """An IAM policy statement combines ``Effect: Allow`` with ``NotAction``.

    Allow + NotAction grants every action of every service except the ones listed, including
    actions AWS adds later; it is almost always broader than intended. (Deny + NotAction, the
    usual way to enforce MFA, is not reported.) Clause 3.3.5 asks for least-privilege access.
    """

    id = "DP441"
    name = "iam-allow-not-action"
    clauses = ("3.3.5",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Replace NotAction with an explicit Action list of what is needed; if the intent is to "
        "forbid some actions, keep an Allow of the needed actions and add a Deny statement."
    )
    references = ("CWE-732", "CWE-269")
    kinds = frozenset({"terraform", "json"})
    model = "iam_policy"
    tokens = ("NotAction", "not_actions")
    bad = (Example('{"Statement": [{"Effect": "Allow", "NotAction": "iam:*", '
                   '"Resource": "*"}]}\n', path="policy.json", expect=1),)
    good = (Example('{"Statement": [{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", '
                    '"Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}\n',
                    path="policy.json"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for policy in model.policies:
            for st in policy.statements:
                if st.allows and st.not_actions:
                    yield self.finding(
                        ctx, line=st.line or policy.line, object=policy.origin,
                        key=f"{policy.origin}:{st.sid}:{','.join(st.not_actions)}",
                        message=f"{policy.origin} allows every action except "
                                f"{', '.join(st.not_actions)}",
                        message_zh=f"{policy.origin} 允许除 {', '.join(st.not_actions)} "
                                   "以外的所有操作")
