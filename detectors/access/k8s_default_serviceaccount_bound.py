"""DP453: a namespace's ``default`` ServiceAccount is bound to a powerful role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import POWERFUL_ROLES, bound_role, reads_secrets, wildcard_rule
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_BINDING = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n"
            "  name: default-edit\n  namespace: shop\nroleRef:\n"
            "  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: %s\n"
            "subjects:\n  - kind: ServiceAccount\n    name: default\n    namespace: shop\n")


class K8sDefaultServiceaccountBound(Rule):
    """The ``default`` ServiceAccount is bound to cluster-admin, admin, edit or a wildcard role.

    Every pod that names no ServiceAccount runs as ``default``, so the grant reaches every
    workload in the namespace, present and future. Powerful means the built-in cluster-admin,
    admin and edit roles, or a role in the same file with ``*`` rules or secrets read access.
    Clause 3.3.5 asks for least-privilege access.
    """

    id = "DP453"
    name = "k8s-default-serviceaccount-bound"
    clauses = ("3.3.5",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Create a dedicated ServiceAccount for the workload that needs the access, bind the "
        "role to it, set serviceAccountName in its pod spec, and set "
        "automountServiceAccountToken: false on the default ServiceAccount."
    )
    references = ("CWE-250", "CWE-269", "CIS Kubernetes Benchmark 5.1.5")
    kinds = frozenset({"kubernetes"})
    model = "kubernetes"
    tokens = ("default",)
    bad = (Example(_BINDING % "edit", path="rbac.yaml", expect=1),)
    good = (Example(_BINDING % "view", path="rbac.yaml"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for binding in model.of_kind("RoleBinding", "ClusterRoleBinding"):
            ref = binding.role_ref
            if ref is None:
                continue
            role = bound_role(model, binding)
            powerful = ref.name in POWERFUL_ROLES or (role is not None and any(
                wildcard_rule(r) or reads_secrets(r) for r in role.rules))
            if not powerful:
                continue
            for subject in binding.subjects:
                if subject.kind == "ServiceAccount" and subject.name == "default":
                    ns = subject.namespace or binding.namespace or "?"
                    yield self.finding(
                        ctx, line=subject.line, object=f"{binding.kind}/{binding.name}",
                        key=f"{binding.kind}/{binding.name}:{ns}/default",
                        message=f"{binding.kind} {binding.name} binds the default "
                                f"ServiceAccount of {ns} to {ref.kind} {ref.name}",
                        message_zh=f"{binding.kind} {binding.name} 将 {ns} 的 default "
                                   f"ServiceAccount 绑定到 {ref.kind} {ref.name}")
