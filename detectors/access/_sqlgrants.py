"""Shared pieces of the access rules: allow-lists and how a grant finding is located and named."""

from __future__ import annotations

from scanner.enrich.access import EffectiveGrant
from scanner.finding import Finding
from scanner.model.schema import Role
from scanner.rule import Option, Rule, RuleContext

# Grants and roles live only in SQL dumps and live servers. Python ORM files and SQLite
# databases have none, so reading them must not count as having checked access control.
GRANT_SOURCES = frozenset({"sql", "database"})

# PostgreSQL roles that are administrators or replication by design; MySQL built-in accounts.
ADMIN_ROLES = ("postgres", "replicator", "repl", "replication", "rdsadmin", "rds_superuser",
               "azure_superuser", "cloudsqlsuperuser", "root", "mysql.sys", "mysql.session",
               "mysql.infoschema", "debian-sys-maint", "mariadb.sys")

ADMIN_OPTION = {"admin_roles": Option(ADMIN_ROLES, "role or account names (without host) that are "
                                                   "administrators by design and not reported")}


def is_admin(rule: Rule, grantee: str) -> bool:
    name = grantee.split("'@'", 1)[0].strip("'`\"").lower()
    return name in {r.lower() for r in rule.settings.get("admin_roles", ADMIN_ROLES)}


def grant_object(grant: EffectiveGrant) -> str:
    return f"grant:{grant.object_name}->{grant.grantee}"


def grant_finding(rule: Rule, ctx: RuleContext, grant: EffectiveGrant, message: str, **kwargs) -> Finding:
    """A finding at the statement that made ``grant``, naming the others in the evidence."""
    loc = grant.location
    sources = grant.describe_sources()
    evidence = ctx.excerpt(loc.line)
    kwargs.setdefault("evidence", f"{evidence} [{sources}]" if sources and evidence else evidence or sources)
    return rule.finding(ctx, line=loc.line, column=loc.column, object=grant_object(grant),
                        key=f"{grant.object_type}:{grant.object_name}->{grant.grantee}".lower(),
                        message=message, **kwargs)


def role_name(role: Role) -> str:
    return f"'{role.name}'@'{role.host}'" if role.host is not None else role.name


def role_finding(rule: Rule, ctx: RuleContext, role: Role, message: str, **kwargs) -> Finding:
    loc = role.location
    kind = "user" if role.host is not None else "role"
    return rule.finding(ctx, line=loc.line, column=loc.column, object=f"{kind}:{role_name(role)}",
                        key=f"{kind}:{role_name(role)}".lower(), message=message, **kwargs)
