"""DP450: a (Cluster)RoleBinding gives a ServiceAccount cluster-admin or admin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import ADMIN_ROLES
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_BINDING = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
            "metadata:\n  name: ci\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n"
            "  kind: ClusterRole\n  name: %s\nsubjects:\n  - kind: ServiceAccount\n"
            "    name: deployer\n    namespace: ci\n")


class K8sAdminBoundToServiceaccount(Rule):
    """A ServiceAccount is bound to ``cluster-admin`` or ``admin``.

    Every pod running as that ServiceAccount, and anyone who can read its token or exec into such
    a pod, gets full control of the cluster (cluster-admin) or of a namespace (admin), including
    every Secret in it. The ``default`` ServiceAccount is reported by DP453 instead.
    Clause 3.3.5 asks for least-privilege access.
    """

    id = "DP450"
    name = "k8s-admin-bound-to-serviceaccount"
    clauses = ("3.3.5",)
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Bind the ServiceAccount to a Role listing only the resources and verbs it uses "
        "(e.g. deployments: get, patch in its own namespace) with a RoleBinding, not a "
        "ClusterRoleBinding to cluster-admin/admin."
    )
    references = ("CWE-250", "CWE-269", "CIS Kubernetes Benchmark 5.1.1")
    kinds = frozenset({"kubernetes"})
    model = "kubernetes"
    tokens = ("Binding",)
    bad = (Example(_BINDING % "cluster-admin", path="rbac.yaml", expect=1),)
    good = (Example(_BINDING % "view", path="rbac.yaml"),)

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for binding in model.of_kind("RoleBinding", "ClusterRoleBinding"):
            ref = binding.role_ref
            if ref is None or ref.name not in ADMIN_ROLES:
                continue
            for subject in binding.subjects:
                if subject.kind == "ServiceAccount" and subject.name != "default":
                    account = f"{subject.namespace or binding.namespace or '?'}/{subject.name}"
                    yield self.finding(
                        ctx, line=subject.line, object=f"{binding.kind}/{binding.name}",
                        key=f"{binding.kind}/{binding.name}:{account}",
                        message=f"{binding.kind} {binding.name} binds ServiceAccount {account} "
                                f"to {ref.name}",
                        message_zh=f"{binding.kind} {binding.name} 将 ServiceAccount {account} "
                                   f"绑定到 {ref.name}")
