"""Shared facts for the defence-in-depth rules (DP501-DP519): no rule lives here."""

from __future__ import annotations

from typing import Any

from scanner.parsers.terraform import Locator, as_dicts

WORLD = frozenset({"0.0.0.0/0", "::/0"})
# Ports a firewall should never open to the internet: databases and caches (high), remote admin
# (medium).
DATA_PORTS = {5432: "PostgreSQL", 3306: "MySQL/MariaDB", 1433: "SQL Server", 1521: "Oracle",
              27017: "MongoDB", 6379: "Redis", 9200: "Elasticsearch"}
ADMIN_PORTS = {22: "SSH", 3389: "RDP"}
ALL_PROTOCOLS = frozenset({"-1", "all"})


def as_strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None]
    return [str(value).strip()]


def world_cidrs(*values: Any) -> list[str]:
    return [c for v in values for c in as_strings(v) if c in WORLD]


def _port(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None  # a variable or expression: unknown, not reported


def ports_in_range(protocol: Any, from_port: Any, to_port: Any) -> list[int]:
    """The sensitive ports that a protocol/from/to triple opens, in ascending order."""
    wanted = sorted({**DATA_PORTS, **ADMIN_PORTS})
    if str(protocol).strip().lower() in ALL_PROTOCOLS:
        return wanted
    if str(protocol).strip().lower() not in ("tcp", "6"):
        return []
    low, high = _port(from_port), _port(to_port if to_port is not None else from_port)
    if low is None or high is None:
        return []
    if low == 0 and high in (0, 65535):
        return wanted  # "0-0" with tcp is rejected by AWS; 0-65535 is every port
    return [p for p in wanted if low <= p <= high]


def gcp_ports(allow: dict[str, Any]) -> list[int]:
    """Sensitive ports of one google_compute_firewall ``allow`` block."""
    protocol = str(allow.get("protocol", "")).strip().lower()
    if protocol == "all":
        return ports_in_range("-1", None, None)
    if protocol not in ("tcp", "6"):
        return []
    given = as_strings(allow.get("ports"))
    if not given:
        return ports_in_range("-1", None, None)  # no ports: every port of the protocol
    found: set[int] = set()
    for item in given:
        low, _, high = item.partition("-")
        found.update(ports_in_range("tcp", low, high or low))
    return sorted(found)


def describe(ports: list[int]) -> str:
    names = {**DATA_PORTS, **ADMIN_PORTS}
    return ", ".join(f"{p} ({names[p]})" for p in ports)


def nested_blocks(block: Any, name: str, text: str) -> list[tuple[dict[str, Any], int | None]]:
    """Each nested ``name { ... }`` block of a resource with its own line (python-hcl2 keeps no
    lines; the parser's Locator finds them again, in order)."""
    bodies = as_dicts(block.attributes.get(name))
    lines: list[int | None] = []
    if block.line is not None and block.end_line is not None:
        lines = list(Locator(text).attributes(name, block.line, block.end_line))
    lines += [block.attr_line(name)] * (len(bodies) - len(lines))
    return list(zip(bodies, lines))
