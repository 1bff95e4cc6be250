"""Effective privileges: the final state a dump's GRANT/REVOKE statements leave, role by role.

``effective_grants(model)`` replays ``model.grants`` in statement order: a REVOKE cancels the same
privilege on the same object for the same grantee granted earlier (REVOKE ALL cancels all of
them; REVOKE GRANT OPTION FOR only the option), and role membership (``GRANT role TO user``,
a grant with object_type "role") passes a role's privileges on to its members, transitively.
Each result keeps the statements that made it, so a finding can name them.

Helpers for the access rules live here too: which grantees are broad, which tables a grant
reaches, and what personal information those tables hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from scanner.finding import Location, Severity
from scanner.model.schema import Grant, Role, SchemaModel, Sensitivity, Table

# What ALL expands to, per object type, when one privilege of it is revoked (PostgreSQL).
_ALL_EXPANDS = {
    "table": ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"),
    "schema": ("USAGE", "CREATE"),
    "database": ("CONNECT", "CREATE", "TEMPORARY"),
    "function": ("EXECUTE",),
    "sequence": ("USAGE", "SELECT", "UPDATE"),
}
READ_PRIVILEGES = frozenset({"SELECT", "ALL"})


@dataclass
class EffectiveGrant:
    grantee: str  # as written in the grant: "PUBLIC", "app_rw", "'shop'@'%'"
    object_type: str  # as Grant.object_type
    object_name: str
    privileges: tuple[str, ...]
    with_grant_option: bool = False
    locations: list[Location] = field(default_factory=list)  # first: the statement to report at
    via: tuple[str, ...] = ()  # the role chain it came through, nearest role first; () when direct
    granted_at: dict[str, Location] = field(default_factory=dict)  # privilege -> its GRANT

    def located_for(self, privileges: set[str] | frozenset[str]) -> EffectiveGrant:
        """The same grant, reported at the earliest statement that gave one of ``privileges``
        (membership statements of an inherited grant stay first)."""
        picked = [loc for p, loc in self.granted_at.items() if p in privileges]
        if self.via or not picked:
            return self
        first = min(picked, key=lambda loc: loc.line or 0)
        rest = [loc for loc in self.locations if loc is not first]
        return replace(self, locations=[first, *rest])

    @property
    def location(self) -> Location:
        return self.locations[0] if self.locations else Location()

    @property
    def lines(self) -> list[int]:
        return [loc.line for loc in self.locations if loc.line]

    def describe_sources(self) -> str:
        """"line 12 (GRANT), line 30 (membership)": the statements that made it, for evidence."""
        lines = self.lines
        text = "granted at line " + ", ".join(map(str, lines)) if lines else ""
        if self.via:
            text += f"; inherited through {' -> '.join(self.via)}"
        return text


@dataclass
class _Held:
    grant_option: bool
    location: Location


def _key(text: str) -> str:
    return text.strip().lower()


def _object_key(model: SchemaModel, grant: Grant) -> str:
    if grant.object_type == "table" and not grant.object_name.endswith("*"):
        parts = grant.object_name.rsplit(".", 1)
        table = model.find_table(parts[-1], parts[0] if len(parts) == 2 else None)
        if table is not None:
            return table.qualified_name.lower()
    return _key(grant.object_name)


def _direct_state(model: SchemaModel):
    """(grantee, object_type, object) -> {privilege: _Held}, plus a display name per key."""
    state: dict[tuple[str, str, str], dict[str, _Held]] = {}
    shown: dict[tuple[str, str, str], tuple[str, str]] = {}
    for grant in model.grants:
        key = (_key(grant.grantee), grant.object_type, _object_key(model, grant))
        held = state.setdefault(key, {})
        if not grant.revoked:
            shown.setdefault(key, (grant.grantee, grant.object_name))
            for privilege in grant.privileges:
                old = held.get(privilege)
                if old is None:
                    held[privilege] = _Held(grant.with_grant_option, grant.location)
                else:
                    old.grant_option = old.grant_option or grant.with_grant_option
            continue
        for privilege in grant.privileges:
            if grant.with_grant_option:  # REVOKE GRANT OPTION FOR p (or ADMIN OPTION FOR)
                for name, entry in held.items():
                    if privilege in ("ALL", name):
                        entry.grant_option = False
            elif privilege == "ALL":
                held.clear()
            elif privilege in held:
                del held[privilege]
            elif "ALL" in held and grant.object_type in _ALL_EXPANDS:
                whole = held.pop("ALL")
                for name in _ALL_EXPANDS[grant.object_type]:
                    if name != privilege and name not in held:
                        held[name] = _Held(whole.grant_option, whole.location)
    return state, shown


def effective_grants(model: SchemaModel) -> list[EffectiveGrant]:
    """The privileges each grantee holds at the end of the dump, direct and inherited."""
    state, shown = _direct_state(model)
    direct: dict[str, list[EffectiveGrant]] = {}
    members: dict[str, list[tuple[str, Location]]] = {}  # role -> [(member, membership location)]
    for key, held in state.items():
        if not held:
            continue
        grantee, object_type, _ = key
        name, object_name = shown[key]
        lines = sorted({h.location.line or 0: h.location for h in held.values()}.items())
        grant = EffectiveGrant(grantee=name, object_type=object_type, object_name=object_name,
                               privileges=tuple(p for p in _order(held)),
                               with_grant_option=any(h.grant_option for h in held.values()),
                               locations=[loc for _, loc in lines],
                               granted_at={p: h.location for p, h in held.items()})
        direct.setdefault(grantee, []).append(grant)
        if object_type == "role":
            members.setdefault(_key(object_name), []).append((name, grant.location))
    out = [g for grants in direct.values() for g in grants]
    # Membership: every member of role R (transitively) holds R's direct privileges.
    for role, _ in list(members.items()):
        for member, chain, locs in _members_of(role, members):
            for grant in direct.get(role, []):
                if grant.object_type == "role":
                    continue
                out.append(EffectiveGrant(
                    grantee=member, object_type=grant.object_type, object_name=grant.object_name,
                    privileges=grant.privileges, with_grant_option=False,
                    locations=[*locs, *grant.locations], via=chain))
    return sorted(out, key=lambda g: (g.location.line or 0, g.grantee, g.object_name))


def _order(held: dict[str, _Held]) -> list[str]:
    return sorted(held, key=lambda p: (p != "ALL", p))


def _members_of(role: str, members: dict[str, list[tuple[str, Location]]]):
    """(member, role chain from the member's side, membership locations nearest first)."""
    seen = {role}
    queue = [(member, (role,), [loc]) for member, loc in members.get(role, [])]
    while queue:
        member, chain, locs = queue.pop(0)
        if _key(member) in seen:
            continue
        seen.add(_key(member))
        yield member, chain, locs
        for deeper, loc in members.get(_key(member), []):
            queue.append((deeper, (member, *chain), [loc, *locs]))


# ---- helpers for the rules ----------------------------------------------------------------------

def account_host(grantee: str) -> str | None:
    """The host of a MySQL 'user'@'host' grantee, else None."""
    if grantee.startswith("'") and "'@'" in grantee:
        return grantee.rsplit("'@'", 1)[1].rstrip("'")
    return None


def is_broad(grantee: str, any_hosts: tuple[str, ...] = ("%", "")) -> bool:
    """PUBLIC, or a MySQL account that may log in from any host."""
    host = account_host(grantee)
    return grantee.upper() == "PUBLIC" or (host is not None and host in any_hosts)


def role_display(role: Role) -> str:
    return f"'{role.name}'@'{role.host}'" if role.host is not None else role.name


def tables_reached(model: SchemaModel, grant: EffectiveGrant) -> list[Table]:
    """The tables (and views) a table-level grant reaches: one table, "s.*" (a schema, a MySQL
    database, ALL TABLES IN SCHEMA), "*.*" or "*" (everything). A table the dump names without a
    schema (mysqldump without USE) is taken to be in the granted schema."""
    kind, name = grant.object_type, grant.object_name.lower()
    stored = [t for t in model.tables.values() if t.kind != "model"]
    if kind not in ("table", "database", "global", "default_table"):
        return []
    if kind == "global" or name in ("*", "*.*"):
        return stored
    if name.endswith(".*"):
        return [t for t in stored if t.schema is None or t.schema.lower() == name[:-2]]
    parts = grant.object_name.rsplit(".", 1)
    table = model.find_table(parts[-1], parts[0] if len(parts) == 2 else None)
    if table is None and len(parts) == 2:
        table = model.find_table(parts[-1])  # MySQL db.table where the dump has no USE db
    return [table] if table is not None else []


_STEP_DOWN = {Severity.CRITICAL: Severity.HIGH, Severity.HIGH: Severity.MEDIUM,
              Severity.MEDIUM: Severity.LOW, Severity.LOW: Severity.LOW}
_RANK = {Severity.INFO: 0, Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


def pii_exposure(table: Table) -> tuple[Severity, str]:
    """A table's severity if exposed (RLS lowers it a step) and "col (label, sensitive), ..."."""
    tagged = [(c, c.pii) for c in table.columns.values() if c.pii is not None]
    parts = [f"{c.name} ({tag.label}{', sensitive' if tag.sensitivity is Sensitivity.SENSITIVE else ''})"
             for c, tag in tagged]
    if any(tag.sensitivity is Sensitivity.SENSITIVE for _, tag in tagged):
        severity = Severity.HIGH
    elif tagged:
        severity = Severity.MEDIUM
    else:
        severity = Severity.LOW
    if table.row_level_security:
        severity = _STEP_DOWN[severity]
    return severity, ", ".join(parts)


def worst(severities: list[Severity], default: Severity = Severity.LOW) -> Severity:
    return max(severities, key=_RANK.__getitem__) if severities else default
