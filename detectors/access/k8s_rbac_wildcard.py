"""DP451: a Role or ClusterRole rule grants ``*`` verbs or ``*`` resources."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import wildcard_rule
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_ROLE = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: app\n"
         "  namespace: shop\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"configmaps\"]\n"
         "    verbs: [%s]\n")


class K8sRbacWildcard(Rule):
    """An RBAC rule uses ``*`` for its verbs or its resources.

    A wildcard grants every verb (including escalate, bind, impersonate) or every resource
    (including secrets) now and any added later. Clause 3.3.5 asks for least-privilege access.
    """

    id = "DP451"
    name = "k8s-rbac-wildcard"
    clauses = ("3.3.5",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "List the verbs (get, list, watch, ...) and resources (configmaps, deployments, ...) "
        "the subject needs instead of \"*\"; `kubectl auth can-i --list --as=...` shows what is "
        "actually used."
    )
    references = ("CWE-732", "CWE-269", "CIS Kubernetes Benchmark 5.1.3")
    kinds = frozenset({"kubernetes"})
    model = "kubernetes"
    tokens = ("Role",)
    bad = (Example(_ROLE % '"*"', path="rbac.yaml", expect=1),)
    good = (Example(_ROLE % '"get", "list"', path="rbac.yaml"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for role in model.of_kind("Role", "ClusterRole"):
            for rule in role.rules:
                if wildcard_rule(rule):
                    what = [f"{name} *" for name, values in (("verbs", rule.verbs),
                                                             ("resources", rule.resources))
                            if "*" in values]
                    yield self.finding(
                        ctx, line=rule.line, object=f"{role.kind}/{role.name}",
                        key=f"{role.kind}/{role.namespace}/{role.name}:{rule.line}",
                        message=f"{role.kind} {role.name} grants {' and '.join(what)}",
                        message_zh=f"{role.kind} {role.name} 授予了 {' 和 '.join(what)}")
