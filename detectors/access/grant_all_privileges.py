"""DP402: ALL PRIVILEGES granted on a table, schema or database to an application role."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import ADMIN_OPTION, GRANT_SOURCES, grant_finding, is_admin
from scanner.enrich.access import effective_grants
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel
from scanner.rule import Example, RuleContext, SchemaRule

_OBJECTS = frozenset({"table", "schema", "database", "sequence", "function", "default_table"})


class GrantAllPrivileges(SchemaRule):
    """ALL PRIVILEGES is granted where a few named privileges would do.

    GRANT ALL on a table gives DELETE, TRUNCATE, REFERENCES and TRIGGER besides reading and
    writing; on a schema or database it gives CREATE. An application or reporting role rarely
    needs more than SELECT, INSERT, UPDATE on its own tables. Least privilege (clause 3.3.5)
    asks for the privileges the role needs and no more. Grants to PUBLIC (DP401, DP405), on
    MySQL *.* (DP406) and to administrator roles (option admin_roles) are left to those rules.
    Reported from the final state of the dump's GRANT and REVOKE statements.
    """

    id = "DP402"
    name = "grant-all-privileges"
    clauses = ("3.3.5",)
    kinds = GRANT_SOURCES
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Replace the grant with the privileges the role uses, for example "
        "`REVOKE ALL ON public.orders FROM app; GRANT SELECT, INSERT, UPDATE ON public.orders TO app;` "
        "(MySQL: `REVOKE ALL PRIVILEGES ON shop.* FROM 'app'@'10.0.0.5'; GRANT SELECT, INSERT, "
        "UPDATE ON shop.* TO 'app'@'10.0.0.5';`)."
    )
    references = ("CWE-250", "CWE-269", "CIS PostgreSQL Benchmark", "CIS MySQL Benchmark")
    options = dict(ADMIN_OPTION)

    bad = (
        Example("GRANT ALL PRIVILEGES ON TABLE public.orders TO app;\n", path="x.sql", expect=1),
        Example("GRANT ALL ON shop.* TO 'app'@'10.0.0.5';\n", path="x.sql", expect=1),
    )
    good = (
        Example("GRANT SELECT ON one_table TO reporting;\n", path="x.sql"),
        Example("GRANT ALL ON SCHEMA public TO postgres;\n", path="x.sql"),
        Example("GRANT ALL ON TABLE t TO app;\nREVOKE ALL ON TABLE t FROM app;\n", path="x.sql"),
    )

    def check(self, model: SchemaModel, ctx: RuleContext) -> Iterator[Finding]:
        for grant in effective_grants(model):
            if (grant.object_type not in _OBJECTS or "ALL" not in grant.privileges or grant.via
                    or grant.grantee.upper() == "PUBLIC" or is_admin(self, grant.grantee)):
                continue
            kind = grant.object_type.replace("default_table", "future tables in")
            yield grant_finding(
                self, ctx, grant.located_for({"ALL"}),
                message=f"{grant.grantee} holds ALL PRIVILEGES on {kind} {grant.object_name}",
                message_zh=f"{grant.grantee} 拥有{_zh_object(grant.object_type, grant.object_name)}"
                           f"上的 ALL PRIVILEGES")


_KIND_ZH = {"table": "表", "schema": "模式", "database": "数据库", "sequence": "序列",
            "function": "函数"}


def _zh_object(kind: str, name: str) -> str:
    if kind == "default_table":
        return f" {name} 中今后创建的表"
    return f"{_KIND_ZH.get(kind, kind)} {name} "
