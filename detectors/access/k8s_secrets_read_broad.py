"""DP452: reading Secrets is granted cluster-wide or to every authenticated user/ServiceAccount."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import bound_role, is_broad_group, reads_secrets
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_ROLE = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: %s\nmetadata:\n  name: reader\n"
         "rules:\n  - apiGroups: [\"\"]\n    resources: [\"secrets\"]\n"
         "    verbs: [\"get\", \"list\"]\n")


class K8sSecretsReadBroad(Rule):
    """get/list/watch on ``secrets`` in a ClusterRole, or in a Role bound to a broad group.

    Secrets hold database passwords, API keys and TLS keys; list and watch return every value.
    A ClusterRole grants that in every namespace wherever it is bound; a binding to
    system:authenticated or system:serviceaccounts gives it to every user or pod. Rules limited
    by resourceNames are not reported. Clause 3.3.5 asks for least-privilege access.
    """

    id = "DP452"
    name = "k8s-secrets-read-broad"
    clauses = ("3.3.5",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Grant secrets access in a namespaced Role, limited with resourceNames to the Secrets "
        "the workload mounts (or mount them as volumes and grant nothing), and bind it to named "
        "ServiceAccounts, never to system:authenticated or system:serviceaccounts."
    )
    references = ("CWE-732", "CWE-522", "CIS Kubernetes Benchmark 5.1.2")
    kinds = frozenset({"kubernetes"})
    model = "kubernetes"
    tokens = ("secrets",)
    bad = (Example(_ROLE % "ClusterRole", path="rbac.yaml", expect=1),)
    good = (Example(_ROLE % "Role", path="rbac.yaml"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        broad = {id(role): binding for binding in model.of_kind("RoleBinding", "ClusterRoleBinding")
                 if any(is_broad_group(s) for s in binding.subjects)
                 for role in [bound_role(model, binding)] if role is not None}
        for role in model.of_kind("Role", "ClusterRole"):
            if role.kind != "ClusterRole" and id(role) not in broad:
                continue
            why = (f"bound to broad groups by {broad[id(role)].name}" if id(role) in broad
                   else "cluster-wide wherever it is bound")
            why_zh = (f"并由 {broad[id(role)].name} 绑定到宽泛的组" if id(role) in broad
                      else "且无论绑定在何处都作用于整个集群")
            for rule in role.rules:
                if reads_secrets(rule):
                    yield self.finding(
                        ctx, line=rule.line, object=f"{role.kind}/{role.name}",
                        key=f"{role.kind}/{role.namespace}/{role.name}:secrets",
                        message=f"{role.kind} {role.name} can read secrets "
                                f"({', '.join(rule.verbs)}), {why}",
                        message_zh=f"{role.kind} {role.name} 可读取 secrets"
                                   f"（{', '.join(rule.verbs)}），{why_zh}")
