"""DP405: PUBLIC may create objects in a schema (GRANT CREATE/ALL ON SCHEMA ... TO PUBLIC)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import GRANT_SOURCES, grant_finding
from scanner.enrich.access import effective_grants
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel
from scanner.rule import Example, RuleContext, SchemaRule


class PublicSchemaCreate(SchemaRule):
    """Every role may create objects in a schema: CREATE on it is left to PUBLIC.

    With CREATE on a schema on every role's search_path (public, before PostgreSQL 15 the
    default), any user can plant a function or operator that shadows a built-in and runs with
    the rights of whoever calls it next (CVE-2018-1058). The Sakila PostgreSQL dump ends with
    `GRANT ALL ON SCHEMA public TO PUBLIC`. Reported from the final state of the dump's GRANT
    and REVOKE statements. A grant the dump does not show (the pre-15 default) is not seen.
    """

    id = "DP405"
    name = "public-schema-create"
    clauses = ("3.3.5",)
    kinds = GRANT_SOURCES
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Run `REVOKE CREATE ON SCHEMA public FROM PUBLIC;` (or `REVOKE ALL ON SCHEMA public FROM "
        "PUBLIC; GRANT USAGE ON SCHEMA public TO PUBLIC;`) and grant CREATE only to the role "
        "that owns the application's objects."
    )
    references = ("CWE-732", "CVE-2018-1058", "CIS PostgreSQL Benchmark (public schema privileges)")

    bad = (
        Example("GRANT ALL ON SCHEMA public TO PUBLIC;\n", path="x.sql", expect=1),
        Example("REVOKE ALL ON SCHEMA public FROM PUBLIC;\nGRANT CREATE ON SCHEMA public TO PUBLIC;\n",
                path="x.sql", expect=1),
    )
    good = (
        Example("GRANT USAGE ON SCHEMA public TO PUBLIC;\nGRANT CREATE ON SCHEMA app TO app_owner;\n",
                path="x.sql"),
        Example("GRANT ALL ON SCHEMA public TO PUBLIC;\nREVOKE CREATE ON SCHEMA public FROM PUBLIC;\n",
                path="x.sql"),
    )

    def check(self, model: SchemaModel, ctx: RuleContext) -> Iterator[Finding]:
        for grant in effective_grants(model):
            if grant.object_type != "schema" or grant.grantee.upper() != "PUBLIC" or grant.via:
                continue
            if {"CREATE", "ALL"} & set(grant.privileges):
                yield grant_finding(
                    self, ctx, grant.located_for({"CREATE", "ALL"}),
                    message=f"PUBLIC can create objects in schema {grant.object_name} "
                            f"({'/'.join(grant.privileges)}): "
                            f"any role can shadow functions others call",
                    message_zh=f"PUBLIC 可在模式 {grant.object_name} 中创建对象"
                               f"（{'/'.join(grant.privileges)}）：任何角色都能创建同名对象，"
                               f"遮蔽其他角色调用的函数")
