"""Shared facts for the backup rules (DP601-DP619): no rule lives here."""

from __future__ import annotations

from typing import Any

from scanner.parsers.terraform import as_dicts

RDS_TYPES = ("aws_db_instance", "aws_rds_cluster")
CLAUSE_NOTE = "clause 3.3.6 (data backup and disaster recovery)"


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def is_false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def as_int(value: Any) -> int | None:
    """A literal whole number (``7`` or ``"7"``); None for expressions such as ``var.days``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def rds_primaries(model: Any) -> list[Any]:
    """RDS instances and clusters that own their backups: read replicas (replicate_source_db)
    and Aurora members (an aws_db_instance with cluster_identifier) are left out, since their
    backups, snapshots and deletion protection belong to the source or the cluster."""
    return [b for b in model.of_type(*RDS_TYPES)
            if not (b.type == "aws_db_instance"
                    and (b.attributes.get("replicate_source_db")
                         or b.attributes.get("cluster_identifier")))]


def nested(block: Any, name: str) -> list[dict[str, Any]]:
    """The nested blocks ``name { ... }`` of a resource, as dicts."""
    return as_dicts(block.attributes.get(name))
