"""DP401: PUBLIC, or an account reachable from any host, may read a table holding personal data."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import GRANT_SOURCES, grant_finding
from scanner.enrich.access import effective_grants, is_broad, pii_exposure, tables_reached, worst
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel, Sensitivity, Table
from scanner.rule import Example, RuleContext, SchemaRule

_TABLE_KINDS = frozenset({"table", "database", "global", "default_table"})

# Chinese labels for the classifier's PII categories; a category not listed keeps its label.
_CATEGORY_ZH = {
    "person_name": "姓名", "username": "用户名", "phone": "电话号码", "email": "电子邮箱",
    "national_id": "身份证件号码", "bank_card": "银行卡/金融账户", "address": "地址",
    "birth_date": "出生日期", "gender": "性别", "ip_address": "IP 地址",
    "precise_location": "精确位置", "credential": "口令/凭据", "free_text": "自由文本",
}


def _columns_zh(table: Table) -> str:
    """pii_exposure's column list in Chinese: col（标签，敏感个人信息）、..."""
    parts = []
    for column in table.columns.values():
        tag = column.pii
        if tag is None:
            continue
        label = _CATEGORY_ZH.get(tag.category, tag.label)
        sensitive = "，敏感个人信息" if tag.sensitivity is Sensitivity.SENSITIVE else ""
        parts.append(f"{column.name}（{label}{sensitive}）")
    return "、".join(parts)


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
            severities, exposed, exposed_zh = [], [], []
            for table in tables:
                severity, columns = pii_exposure(table)
                columns_zh = _columns_zh(table)
                severities.append(severity)
                if columns and len(tables) == 1:
                    exposed.append(columns)
                    exposed_zh.append(columns_zh)
                elif columns:
                    rls = " (row-level security on)" if table.row_level_security else ""
                    rls_zh = "（已启用行级安全）" if table.row_level_security else ""
                    exposed.append(f"{table.qualified_name}{rls}: {columns}")
                    exposed_zh.append(f"{table.qualified_name}{rls_zh}：{columns_zh}")
            verb = "/".join(grant.privileges).replace("ALL", "ALL (read and write)")
            verb_zh = "/".join(grant.privileges).replace("ALL", "ALL（读和写）")
            scope = {"default_table": f"tables created later in {grant.object_name}"}.get(
                grant.object_type, grant.object_name)
            scope_zh = {"default_table": f"{grant.object_name} 中今后创建的表"}.get(
                grant.object_type, grant.object_name)
            if exposed:
                detail, detail_zh = "; ".join(exposed), "；".join(exposed_zh)
            elif tables:
                detail, detail_zh = "no personal-information columns found", "未发现个人信息列"
            else:
                detail, detail_zh = "tables not in this dump", "所涉及的表不在本转储中"
            if len(tables) == 1 and tables[0].row_level_security:
                detail += "; row-level security is enabled on it, severity lowered one step"
                detail_zh += "；该表已启用行级安全，严重程度降低一级"
            yield grant_finding(
                self, ctx, grant, severity=worst(severities),
                message=f"{grant.grantee} can {verb} {scope}: {detail}",
                message_zh=f"{grant.grantee} 可对 {scope_zh} 执行 {verb_zh} 操作：{detail_zh}")
