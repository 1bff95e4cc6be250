"""SQL grants and roles: effective privileges (scanner.enrich.access) and the DP401-DP410 rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.enrich.access import effective_grants
from scanner.finding import Severity
from scanner.model.schema import SchemaModel
from scanner.parsers.sql_dump import apply_statement

from .conftest import REPO, scan_snippet

SAKILA_PG = REPO.parent / "shared" / "realworld" / "sakila" / "postgres-sakila-schema.sql"
if not SAKILA_PG.exists():
    SAKILA_PG = Path("/work/shared/realworld/sakila/postgres-sakila-schema.sql")


def model_of(*statements: str, dialect: str = "postgres") -> SchemaModel:
    model = SchemaModel(dialect=dialect, source="sql")
    for line, sql in enumerate(statements, start=1):
        apply_statement(model, sql, line, dialect, "x.sql")
    return model


def table_of(model: SchemaModel) -> set[tuple[str, str, tuple[str, ...], bool, tuple[int, ...]]]:
    return {(g.grantee, g.object_name, g.privileges, g.with_grant_option, tuple(g.lines))
            for g in effective_grants(model)}


# ---- effective privileges ----------------------------------------------------------------------

@pytest.mark.parametrize("statements, expected", [
    (["GRANT SELECT ON t TO a", "REVOKE SELECT ON t FROM a"], set()),
    (["GRANT SELECT, UPDATE ON t TO a", "REVOKE UPDATE ON t FROM a"], {("a", "t", ("SELECT",), False, (1,))}),
    (["GRANT SELECT, INSERT ON t TO a", "GRANT DELETE ON t TO a", "REVOKE ALL ON t FROM a"], set()),
    (["REVOKE SELECT ON t FROM a", "GRANT SELECT ON t TO a"], {("a", "t", ("SELECT",), False, (2,))}),
    (["GRANT SELECT ON t TO PUBLIC", "REVOKE SELECT ON t FROM bob"], {("PUBLIC", "t", ("SELECT",), False, (1,))}),
    (["GRANT ALL ON SCHEMA public TO PUBLIC", "REVOKE CREATE ON SCHEMA public FROM PUBLIC"],
     {("PUBLIC", "public", ("USAGE",), False, (1,))}),
    (["GRANT SELECT ON t TO a WITH GRANT OPTION", "REVOKE GRANT OPTION FOR SELECT ON t FROM a"],
     {("a", "t", ("SELECT",), False, (1,))}),
    (["GRANT SELECT ON t TO a", "GRANT INSERT ON t TO a WITH GRANT OPTION"],
     {("a", "t", ("INSERT", "SELECT"), True, (1, 2))}),
])
def test_grant_then_revoke(statements, expected):
    assert table_of(model_of(*statements)) == expected


def test_role_membership_passes_privileges_on_transitively():
    model = model_of("GRANT SELECT ON public.customer TO reader",  # 1
                     "GRANT reader TO analysts",  # 2
                     "GRANT analysts TO alice",  # 3
                     "GRANT UPDATE ON public.customer TO writer",  # 4
                     "GRANT writer TO bob",  # 5
                     "REVOKE writer FROM bob")  # 6
    got = {(g.grantee, g.object_name, g.privileges, g.via, tuple(g.lines))
           for g in effective_grants(model) if g.object_type == "table"}
    assert got == {
        ("reader", "public.customer", ("SELECT",), (), (1,)),
        ("analysts", "public.customer", ("SELECT",), ("reader",), (2, 1)),
        ("alice", "public.customer", ("SELECT",), ("analysts", "reader"), (3, 2, 1)),
        ("writer", "public.customer", ("UPDATE",), (), (4,)),
    }


def test_membership_cycle_terminates():
    model = model_of("GRANT a TO b", "GRANT b TO a", "GRANT SELECT ON t TO a")
    assert {(g.grantee, g.object_name) for g in effective_grants(model) if g.object_type == "table"} == {
        ("a", "t"), ("b", "t")}


def test_unqualified_revoke_cancels_qualified_grant():
    model = model_of("CREATE TABLE public.customer (id int)", "GRANT SELECT ON public.customer TO PUBLIC",
                     "REVOKE ALL ON customer FROM PUBLIC")
    assert table_of(model) == set()


def test_default_privileges_are_captured():
    model = model_of("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC",
                     "ALTER DEFAULT PRIVILEGES FOR ROLE crm REVOKE ALL ON FUNCTIONS FROM PUBLIC")
    got = [(g.privileges, g.object_type, g.object_name, g.grantee, g.revoked) for g in model.grants]
    assert got == [(("SELECT",), "default_table", "public.*", "PUBLIC", False),
                   (("ALL",), "default_function", "*", "PUBLIC", True)]


@pytest.mark.parametrize("statement, present, absent", [
    ("CREATE ROLE r LOGIN VALID UNTIL 'infinity'", {"VALID_UNTIL_INFINITY"}, {"VALID_UNTIL"}),
    ("CREATE ROLE r LOGIN VALID UNTIL '2027-01-01'", {"VALID_UNTIL"}, {"VALID_UNTIL_INFINITY"}),
])
def test_role_expiry_attributes(statement, present, absent):
    attrs = model_of(statement).roles["r"].attributes
    assert present <= attrs and not absent & attrs


@pytest.mark.parametrize("statement, present, absent", [
    ("CREATE USER 'u'@'%' IDENTIFIED BY ''", {"PASSWORD_EMPTY"}, {"PASSWORD_PLAINTEXT"}),
    ("CREATE USER 'u'@'%' IDENTIFIED WITH mysql_native_password BY 'x'",
     {"PLUGIN_MYSQL_NATIVE_PASSWORD", "PASSWORD_PLAINTEXT"}, set()),
    ("CREATE USER 'u'@'%' IDENTIFIED WITH 'caching_sha2_password' AS '$A$005$abc'",
     {"PLUGIN_CACHING_SHA2_PASSWORD", "PASSWORD_HASH"}, {"PASSWORD_PLAINTEXT"}),
    ("CREATE USER 'u'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('s')", {"PLUGIN_ED25519"}, set()),
])
def test_mysql_account_attributes(statement, present, absent):
    attrs = model_of(statement, dialect="mysql").roles["'u'@'%'"].attributes
    assert present <= attrs and not absent & attrs


# ---- rules ----------------------------------------------------------------------------------------

def hits(source: str, rule: str):
    outcome = scan_snippet(source, "x.sql", rules=[rule])
    assert not outcome.errors, outcome.errors
    return [f for f in outcome.findings if f.rule_id == rule]


PII_TABLE = ("CREATE TABLE public.customer (id bigint, id_card_no varchar(18), mobile varchar(20));\n"
             "CREATE TABLE public.sku (id bigint, code varchar(32));\n")


def test_public_grant_names_exposed_columns_and_grades():
    found = hits(PII_TABLE + "GRANT SELECT ON public.customer TO PUBLIC;\n"
                             "GRANT SELECT ON public.sku TO PUBLIC;\n", "DP401")
    by_line = {f.location.line: f for f in found}
    assert set(by_line) == {3, 4}
    assert by_line[3].severity is Severity.HIGH
    assert "id_card_no" in by_line[3].message and "mobile" in by_line[3].message
    assert by_line[3].location.object == "grant:public.customer->PUBLIC"
    assert by_line[4].severity is Severity.LOW


def test_row_level_security_lowers_public_grant_one_step():
    found = hits(PII_TABLE + "ALTER TABLE public.customer ENABLE ROW LEVEL SECURITY;\n"
                             "GRANT SELECT ON public.customer TO PUBLIC;\n", "DP401")
    assert [f.severity for f in found] == [Severity.MEDIUM]
    assert "row-level security" in found[0].message


def test_public_grant_revoked_later_is_not_reported():
    assert hits(PII_TABLE + "GRANT SELECT ON public.customer TO PUBLIC;\n"
                            "REVOKE ALL ON public.customer FROM PUBLIC;\n", "DP401") == []


def test_mysql_any_host_account_through_role_is_reported_at_membership():
    source = ("CREATE TABLE customer (id int, mobile varchar(20) COMMENT '手机号');\n"
              "GRANT SELECT ON shop.* TO r_read;\nGRANT r_read TO 'rep'@'%';\n"
              "GRANT SELECT ON shop.* TO 'app'@'10.0.0.%';\n")
    found = hits(source, "DP401")
    assert [(f.location.line, f.severity) for f in found] == [(3, Severity.MEDIUM)]
    assert "r_read" in found[0].evidence


@pytest.mark.parametrize("rule, source, lines", [
    ("DP402", "GRANT ALL ON TABLE t TO app;\nGRANT ALL ON SCHEMA public TO postgres;\n", [1]),
    ("DP403", "GRANT SELECT ON t TO app WITH GRANT OPTION;\nGRANT SELECT ON t TO rep;\n", [1]),
    ("DP404", "CREATE ROLE app LOGIN;\nALTER ROLE app CREATEROLE;\nCREATE ROLE postgres SUPERUSER LOGIN;\n", [1]),
    ("DP405", "GRANT USAGE ON SCHEMA public TO PUBLIC;\nGRANT CREATE ON SCHEMA public TO PUBLIC;\n", [2]),
    ("DP406", "GRANT SUPER ON *.* TO 'ops'@'10.0.0.1';\nGRANT SELECT ON *.* TO 'ro'@'10.0.0.1';\n", [1]),
    ("DP407", "CREATE USER 'a'@'%';\nCREATE USER 'b'@'localhost';\nGRANT SELECT ON s.* TO 'c'@'%';\n", [1, 3]),
    ("DP408", ("CREATE USER 'a'@'h' IDENTIFIED BY '';\nCREATE USER 'b'@'h' IDENTIFIED BY 'x';\n"
               "CREATE USER 'c'@'h';\n"), [1, 3]),
    ("DP409", ("CREATE USER 'a'@'h' IDENTIFIED WITH mysql_old_password;\n"
               "CREATE USER 'b'@'h' IDENTIFIED WITH caching_sha2_password BY 'x';\n"), [1]),
    ("DP410", "CREATE ROLE a LOGIN VALID UNTIL 'infinity';\nCREATE ROLE b LOGIN;\n", [1]),
])
def test_each_rule(rule, source, lines):
    assert sorted(f.location.line for f in hits(source, rule)) == lines


def test_login_without_expiry_option():
    from scanner.engine import check_text
    from scanner.registry import default_registry

    rule = default_registry().get("DP410")({"require_password_expiry": True})
    outcome = check_text("CREATE ROLE a LOGIN PASSWORD 'SCRAM-SHA-256$4096:x';\n"
                         "CREATE ROLE b LOGIN PASSWORD 'SCRAM-SHA-256$4096:y' VALID UNTIL '2027-01-01';\n",
                         path="x.sql", kind="sql", rules=[rule])
    assert [f.location.line for f in outcome.findings] == [1]


# ---- real world ---------------------------------------------------------------------------------

@pytest.mark.skipif(not SAKILA_PG.exists(), reason="shared realworld data not present")
def test_sakila_postgres_public_schema_create_is_reported():
    found = hits(SAKILA_PG.read_text(encoding="utf-8"), "DP405")
    assert len(found) == 1
    assert "GRANT ALL ON SCHEMA public TO PUBLIC" in found[0].evidence
