"""IAM policy documents, normalised: JSON policy files and the policies inside Terraform.

A policy is a list of ``Statement`` objects whatever it was written as: a JSON file, a
``jsonencode({...})`` expression, a heredoc or a ``data "aws_iam_policy_document"`` block.
Single values become lists; principals become ``{type: [ids]}`` ("*" alone becomes
``{"*": ["*"]}``). Each statement keeps the line it was written on. The parser judges nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from scanner.parsers import ParseError

_TERRAFORM_SUFFIXES = (".tf", ".tfvars", ".hcl")
_JSON_EFFECT = re.compile(r'"Effect"\s*:')


@dataclass
class Statement:
    effect: str  # "Allow" | "Deny" as written
    actions: list[str] = field(default_factory=list)
    not_actions: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    not_resources: list[str] = field(default_factory=list)
    principals: dict[str, list[str]] = field(default_factory=dict)  # {"AWS": ["*"]}, {"*": ["*"]}
    not_principals: dict[str, list[str]] = field(default_factory=dict)
    condition: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # op -> key -> values
    sid: str = ""
    line: int | None = None

    @property
    def allows(self) -> bool:
        return self.effect.lower() == "allow"

    def condition_keys(self) -> set[str]:
        return {key.lower() for keys in self.condition.values() for key in keys}


@dataclass
class Policy:
    statements: list[Statement]
    line: int | None  # where the policy starts (file: 1; Terraform: the attribute or block)
    origin: str  # the file path, or a Terraform address such as aws_iam_user_policy.ops.policy
    owner_type: str = ""  # Terraform: the type of the block holding it; "" for a JSON file
    owner_name: str = ""


@dataclass
class PolicySet:
    """The ``iam_policy`` model: every policy of one input (a JSON file or a Terraform file)."""

    policies: list[Policy]
    terraform: Any = None  # scanner.parsers.terraform.TerraformConfig for Terraform inputs


def build(text: str, path: str) -> PolicySet:
    if path.lower().endswith(_TERRAFORM_SUFFIXES):
        from scanner.parsers import terraform

        config = terraform.build(text, path)
        return PolicySet(policies=list(config.policies), terraform=config)
    return PolicySet(policies=parse_json_policies(text, path))


def parse_json_policies(text: str, path: str) -> list[Policy]:
    """The policy of a JSON file, or nothing when its JSON is not an IAM policy."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", exc.lineno) from None
    if not isinstance(data, dict) or "Statement" not in data:
        return []
    lines = [text.count("\n", 0, m.start()) + 1 for m in _JSON_EFFECT.finditer(text)]
    return [Policy(statements=statements_from(data, lines), line=1, origin=path)]


def statements_from(document: dict[str, Any], lines: list[int] | None = None) -> list[Statement]:
    """Normalise the ``Statement`` of a JSON-shaped policy; ``lines`` are the lines of their
    ``Effect`` keys in order (a statement without Effect takes no line)."""
    raw = document.get("Statement", [])
    raw = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    out, lines = [], list(lines or [])
    for item in raw:
        if not isinstance(item, dict):
            continue
        line = lines.pop(0) if "Effect" in item and lines else None
        out.append(Statement(
            effect=str(item.get("Effect", "")),
            actions=as_list(item.get("Action")),
            not_actions=as_list(item.get("NotAction")),
            resources=as_list(item.get("Resource")),
            not_resources=as_list(item.get("NotResource")),
            principals=principals(item.get("Principal")),
            not_principals=principals(item.get("NotPrincipal")),
            condition=conditions(item.get("Condition")),
            sid=str(item.get("Sid", "")),
            line=line,
        ))
    return out


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def principals(value: Any) -> dict[str, list[str]]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): as_list(v) for k, v in value.items()}
    return {"*": as_list(value)}


def conditions(value: Any) -> dict[str, dict[str, list[str]]]:
    if not isinstance(value, dict):
        return {}
    return {str(op): ({str(k): as_list(v) for k, v in body.items()} if isinstance(body, dict)
                      else {})
            for op, body in value.items()}
