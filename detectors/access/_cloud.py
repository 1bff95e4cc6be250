"""Shared facts for the cloud and cluster access rules (DP440-DP459): no rule lives here."""

from __future__ import annotations

from typing import Any

# Resource policies: who outside the account may touch a bucket, key, queue or topic.
RESOURCE_POLICY_TYPES = frozenset({
    "aws_s3_bucket_policy", "aws_s3_bucket", "aws_kms_key", "aws_sqs_queue_policy",
    "aws_sqs_queue", "aws_sns_topic_policy", "aws_sns_topic",
})
# Inline policies of users and groups, and the attachments that give a user or group a policy.
IDENTITY_INLINE_TYPES = frozenset({"aws_iam_user_policy", "aws_iam_group_policy"})
IDENTITY_ATTACHMENT_TYPES = frozenset({
    "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment",
})
ADMIN_MANAGED_POLICIES = ("AdministratorAccess", "IAMFullAccess")
MFA_KEYS = frozenset({"aws:multifactorauthpresent", "aws:multifactorauthage"})


def is_wildcard_action(action: str) -> bool:
    return action == "*" or action.endswith(":*")


def is_admin_action(action: str) -> bool:
    return action == "*" or action.lower() == "iam:*"


def public_principal(statement: Any) -> bool:
    return "*" in statement.principals.get("*", []) or "*" in statement.principals.get("AWS", [])


def requires_mfa(statement: Any) -> bool:
    return bool(statement.condition_keys() & MFA_KEYS)


def users_of(policy_set: Any, policy: Any) -> set[str]:
    """The Terraform resource types through which ``policy`` reaches users or groups: its own
    type when inline, the attachment types that name it, through data documents and
    aws_iam_policy resources."""
    config = policy_set.terraform
    if config is None or not policy.owner_type:
        return set()
    if policy.owner_type in IDENTITY_INLINE_TYPES:
        return {policy.owner_type}
    found: set[str] = set()
    address = (f"data.{policy.owner_type}.{policy.owner_name}"
               if policy.owner_type == "aws_iam_policy_document"
               else f"{policy.owner_type}.{policy.owner_name}")
    for block, _attr in config.references(address):
        if block.type in IDENTITY_INLINE_TYPES | IDENTITY_ATTACHMENT_TYPES or block.type == "aws_iam_policy_attachment" and (
                block.attributes.get("users") or block.attributes.get("groups")):
            found.add(block.type)
        elif block.type == "aws_iam_policy":  # data document -> managed policy -> attachment
            found |= _attached(config, block.address)
    return found


def _attached(config: Any, address: str) -> set[str]:
    return {b.type for b, _ in config.references(address)
            if b.type in IDENTITY_ATTACHMENT_TYPES
            or (b.type == "aws_iam_policy_attachment"
                and (b.attributes.get("users") or b.attributes.get("groups")))}


def resource_policy_types(policy_set: Any, policy: Any) -> set[str]:
    """The resource-policy types that use ``policy`` (directly or through a data document)."""
    config = policy_set.terraform
    if config is None:
        return set()
    if policy.owner_type in RESOURCE_POLICY_TYPES:
        return {policy.owner_type}
    if policy.owner_type != "aws_iam_policy_document":
        return set()
    return {b.type for b, _ in config.references(f"data.aws_iam_policy_document.{policy.owner_name}")
            if b.type in RESOURCE_POLICY_TYPES}


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


# Kubernetes RBAC
ADMIN_ROLES = frozenset({"cluster-admin", "admin"})
POWERFUL_ROLES = frozenset({"cluster-admin", "admin", "edit"})
READ_VERBS = frozenset({"get", "list", "watch", "*"})
BROAD_GROUPS = ("system:authenticated", "system:unauthenticated", "system:serviceaccounts")


def wildcard_rule(rule: Any) -> bool:
    return "*" in rule.verbs or "*" in rule.resources


def reads_secrets(rule: Any) -> bool:
    return ("secrets" in rule.resources and not rule.resource_names
            and bool(READ_VERBS & set(rule.verbs)))


def is_broad_group(subject: Any) -> bool:
    return subject.kind == "Group" and subject.name.startswith(BROAD_GROUPS)


def bound_role(document: Any, binding: Any) -> Any:
    """The Role/ClusterRole of this file that ``binding``'s roleRef names, if any."""
    ref = binding.role_ref
    if ref is None:
        return None
    for role in document.of_kind(ref.kind):
        if role.name == ref.name and (ref.kind == "ClusterRole"
                                      or role.namespace == binding.namespace):
            return role
    return None
