"""DP401: PUBLIC, or an account reachable from any host, may read a table holding personal data."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import GRANT_SOURCES, grant_finding
from scanner.enrich.access import effective_grants, is_broad, pii_exposure, tables_reached, worst
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel
from scanner.rule import Example, RuleContext, SchemaRule

_TABLE_KINDS = frozenset({"table", "database", "global", "default_table"})


class PublicGrantOnPiiTable(SchemaRule):
    """A table is granted to PUBLIC (or to an account at host '%').

    PUBLIC is every role in the cluster, present and future; a MySQL account at '%' may log in
    from anywhere. A grant to either on a table, on ALL TABLES IN SCHEMA, on db.* or *.*, or as a
    default privilege for tables created later, lets anyone who can connect read (or change) the
    rows. The finding names the personal-information columns the grant exposes, from the final
    state of the dump's GRANT and REVOKE statements; row-level security on the table lowers the
    severity one step. Clause 3.3.5 asks for strict access control and least privilege.
    """

    id = "DP401"
    name = "public-grant-on-pii-table"
    clauses = ("3.3.5",)
    kinds = GRANT_SOURCES
    severity = Severity.HIGH  # sensitive columns; medium for personal, low for none
    confidence = Confidence.HIGH
    remediation = (
        "Revoke the grant and give the privilege to a named role that needs it: "
        "`REVOKE ALL ON public.customer FROM PUBLIC; GRANT SELECT ON public.customer TO reporting;` "
        "(for default privileges: `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES "
        "FROM PUBLIC;`; MySQL: `REVOKE SELECT ON shop.* FROM 'app'@'%';` and re-create the account "
        "at the application's host)."
    )
    references = ("CWE-732", "CIS PostgreSQL Benchmark (object privileges)",
                  "CIS MySQL Benchmark (database-level privileges)")

    bad = (
        Example("CREATE TABLE customer (id int, id_card_no varchar(18), mobile varchar(20));\n"
                "GRANT SELECT ON customer TO PUBLIC;\n", path="x.sql", expect=1),
        Example("GRANT SELECT ON ALL TABLES IN SCHEMA public TO PUBLIC;\n", path="x.sql", expect=1),
    )
    good = (
        Example("CREATE TABLE customer (id int, mobile varchar(20));\n"
                "GRANT SELECT ON customer TO reporting;\n", path="x.sql"),
        Example("CREATE TABLE customer (id int, mobile varchar(20));\n"
                "GRANT SELECT ON customer TO PUBLIC;\nREVOKE SELECT ON customer FROM PUBLIC;\n",
                path="x.sql"),
    )

    def check(self, model: SchemaModel, ctx: RuleContext) -> Iterator[Finding]:
        for grant in effective_grants(model):
            if grant.object_type not in _TABLE_KINDS or not is_broad(grant.grantee):
                continue
            if grant.object_type == "database" and not grant.object_name.endswith("*"):
                continue  # PostgreSQL GRANT CONNECT ON DATABASE: no table is read through it
            if grant.object_type in ("global", "database") and not set(grant.privileges) - {"USAGE"}:
                continue  # MySQL GRANT USAGE ON *.*: the account exists, no privilege
            tables = tables_reached(model, grant)
            severities, exposed = [], []
            for table in tables:
                severity, columns = pii_exposure(table)
                severities.append(severity)
                if columns and len(tables) == 1:
                    exposed.append(columns)
                elif columns:
                    rls = " (row-level security on)" if table.row_level_security else ""
                    exposed.append(f"{table.qualified_name}{rls}: {columns}")
            verb = "/".join(grant.privileges).replace("ALL", "ALL (read and write)")
            scope = {"default_table": f"tables created later in {grant.object_name}"}.get(
                grant.object_type, grant.object_name)
            if exposed:
                detail = "; ".join(exposed)
            elif tables:
                detail = "no personal-information columns found"
            else:
                detail = "tables not in this dump"
            if len(tables) == 1 and tables[0].row_level_security:
                detail += "; row-level security is enabled on it, severity lowered one step"
            yield grant_finding(
                self, ctx, grant, severity=worst(severities),
                message=f"{grant.grantee} can {verb} {scope}: {detail}")
