"""SQL dump front end: each statement kind becomes the right schema-model facts, at the right line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scanner.annotations import parse_annotations
from scanner.model.schema import SchemaModel
from scanner.parsers.source import InputSource, ParserSettings
from scanner.parsers.sql_dump import apply_statement, parse_dump
from scanner.registry import default_registry

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures" / "sql"
REALWORLD = REPO.parent / "shared" / "realworld"  # test data beside the repo, never copied into it


def model_of(*statements: str, dialect: str = "postgres", max_samples: int = 200) -> SchemaModel:
    """Apply statements as if each followed the previous one on the next line of a file."""
    model, line = SchemaModel(dialect=dialect, source="sql"), 1
    for sql in statements:
        apply_statement(model, sql, line, dialect, "dump.sql", max_samples=max_samples)
        line += sql.count("\n") + 1
    return model


def dump_of(text: str, dialect: str | None = None, max_samples: int = 200) -> SchemaModel:
    return parse_dump(InputSource("dump.sql", "sql", _text=text,
                                  settings=ParserSettings(dialect=dialect, max_samples=max_samples)))


def column(model: SchemaModel, table: str, name: str):
    found = model.find_table(table)
    assert found is not None, f"no table {table}: {sorted(model.tables)}"
    col = found.get_column(name)
    assert col is not None, f"no column {table}.{name}: {list(found.columns)}"
    return col


# ---- CREATE TABLE, per dialect --------------------------------------------------------------------

PG_TABLE = """CREATE TABLE public.customer (
    id bigint NOT NULL,
    id_card_no character varying(18),
    enc bytea DEFAULT public.pgp_sym_encrypt('x'::text, 'k'::text),
    created timestamp without time zone DEFAULT now() NOT NULL,
    CONSTRAINT customer_pkey PRIMARY KEY (id)
)"""
MYSQL_TABLE = """CREATE TABLE `shop`.`customer` (
  `id` bigint NOT NULL AUTO_INCREMENT COMMENT '主键',
  `sfzh` varchar(18) DEFAULT NULL COMMENT '身份证号码',
  `pw` char(32) NOT NULL DEFAULT '' COMMENT '密码(MD5)\\'s',
  `card` varbinary(256) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='客户表'"""
SQLITE_TABLE = """CREATE TABLE IF NOT EXISTS "users" (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  [email] TEXT NOT NULL UNIQUE,
  password
)"""
TSQL_TABLE = """CREATE TABLE [dbo].[customer] (
  [id] [int] IDENTITY(1,1) NOT NULL,
  [name] [nvarchar](50) NULL,
  [card] VARCHAR(19) ENCRYPTED WITH (COLUMN_ENCRYPTION_KEY = cek, ENCRYPTION_TYPE = DETERMINISTIC, ALGORITHM = 'AEAD_AES_256_CBC_HMAC_SHA_256'),
  PRIMARY KEY NONCLUSTERED (id),
  CONSTRAINT fk FOREIGN KEY (id) REFERENCES x (id)
)"""
ORACLE_TABLE = """CREATE TABLE hr.employee (
  emp_id NUMBER(10) NOT NULL,
  full_name VARCHAR2(100 CHAR) DEFAULT 'n/a',
  hired TIMESTAMP WITH LOCAL TIME ZONE,
  CONSTRAINT pk_emp PRIMARY KEY (emp_id)
)"""


@pytest.mark.parametrize("dialect,sql,table,name,expected", [
    ("postgres", PG_TABLE, "public.customer", "id", ("bigint", 2, False, True, None, "")),
    ("postgres", PG_TABLE, "public.customer", "id_card_no", ("character varying(18)", 3, True, False, None, "")),
    ("postgres", PG_TABLE, "public.customer", "enc",
     ("bytea", 4, True, False, "public.pgp_sym_encrypt('x'::text, 'k'::text)", "")),
    ("postgres", PG_TABLE, "public.customer", "created", ("timestamp without time zone", 5, False, False, "now()", "")),
    ("mysql", MYSQL_TABLE, "shop.customer", "id", ("bigint", 2, False, True, None, "主键")),
    ("mysql", MYSQL_TABLE, "shop.customer", "sfzh", ("varchar(18)", 3, True, False, "NULL", "身份证号码")),
    ("mysql", MYSQL_TABLE, "shop.customer", "pw", ("char(32)", 4, False, False, "''", "密码(MD5)'s")),
    ("mysql", MYSQL_TABLE, "shop.customer", "card", ("varbinary(256)", 5, True, False, "NULL", "")),
    ("sqlite", SQLITE_TABLE, "users", "id", ("integer", 2, False, True, None, "")),
    ("sqlite", SQLITE_TABLE, "users", "email", ("text", 3, False, False, None, "")),
    ("sqlite", SQLITE_TABLE, "users", "password", ("", 4, True, False, None, "")),
    ("tsql", TSQL_TABLE, "dbo.customer", "id", ("int", 2, False, True, None, "")),
    ("tsql", TSQL_TABLE, "dbo.customer", "name", ("nvarchar(50)", 3, True, False, None, "")),
    ("tsql", TSQL_TABLE, "dbo.customer", "card", ("varchar(19)", 4, True, False, None, "")),
    ("oracle", ORACLE_TABLE, "hr.employee", "emp_id", ("number(10)", 2, False, True, None, "")),
    ("oracle", ORACLE_TABLE, "hr.employee", "full_name", ("varchar2(100 char)", 3, True, False, "'n/a'", "")),
    ("oracle", ORACLE_TABLE, "hr.employee", "hired", ("timestamp with local time zone", 4, True, False, None, "")),
])
def test_create_table_columns(dialect, sql, table, name, expected):
    model = model_of(sql, dialect=dialect)
    col = column(model, table, name)
    got = (col.data_type, col.location.line, col.nullable, col.primary_key, col.default, col.comment)
    assert got == expected
    assert col.location.path == "dump.sql" and col.location.object == f"{table}.{name}"
    assert not model.warnings


def test_table_facts_and_hints():
    mysql = model_of(MYSQL_TABLE, dialect="mysql")
    assert mysql.tables["shop.customer"].comment == "客户表"
    assert list(mysql.tables["shop.customer"].columns) == ["id", "sfzh", "pw", "card"]
    assert column(model_of(PG_TABLE), "customer", "enc").protection_hints == ["default:pgp_sym_encrypt"]
    assert column(model_of(TSQL_TABLE, dialect="tsql"), "customer", "card").protection_hints == ["tsql:always-encrypted"]
    assert model_of(PG_TABLE).tables["public.customer"].location.line == 1


def test_column_keeps_its_own_line_with_comments_and_blank_lines_between():
    sql = "CREATE TABLE t (\n  -- expect: DP101\n  a text,\n\n  /* b, c */ b text, c int,\n  d text\n)"
    model = model_of("SET x = 1;", sql)  # the CREATE starts on line 2
    assert [(c.name, c.location.line) for c in model.tables["t"].columns.values()] == [
        ("a", 4), ("b", 6), ("c", 6), ("d", 7)]
    assert column(model, "t", "c").location.column == 22


@pytest.mark.parametrize("dialect,statements,table,name,attribute,expected", [
    ("postgres", ["CREATE TABLE t (a int, b bytea DEFAULT digest('x', 'sha256'), CHECK (b <> md5('')))"],
     "t", "b", "protection_hints", ["default:digest", "default:md5"]),
    ("mysql", ["CREATE TABLE t (a varchar(32) DEFAULT (md5(uuid())))"], "t", "a", "protection_hints", ["default:md5"]),
    ("postgres", ["CREATE TABLE t (a bytea)", "ALTER TABLE ONLY t ALTER COLUMN a SET DEFAULT pgp_sym_encrypt('', 'k')"],
     "t", "a", "protection_hints", ["default:pgp_sym_encrypt"]),
    ("postgres", ["CREATE TABLE t (a text, CONSTRAINT c CHECK (a ~ '^[0-9a-f]{32}$' AND a = md5(a)))"],
     "t", "a", "protection_hints", ["default:md5"]),
    ("tsql", ["CREATE TABLE t (a varbinary(64))", "ALTER TABLE t ADD CONSTRAINT df DEFAULT (HASHBYTES('SHA2_256', 'x')) FOR a"],
     "t", "a", "protection_hints", ["default:hashbytes"]),
])
def test_crypto_default_hints(dialect, statements, table, name, attribute, expected):
    assert getattr(column(model_of(*statements, dialect=dialect), table, name), attribute) == expected


# ---- COMMENT ON, ALTER TABLE ------------------------------------------------------------------------

@pytest.mark.parametrize("dialect,statements,expected", [
    ("postgres", ["CREATE TABLE public.c (a text)", "COMMENT ON TABLE public.c IS '客户'",
                  "COMMENT ON COLUMN public.c.a IS '身份证号码'"], ("客户", "身份证号码")),
    ("postgres", ["CREATE TABLE public.c (a text)", "COMMENT ON COLUMN c.a IS 'x'", "COMMENT ON COLUMN c.a IS NULL"], ("", "")),
    ("oracle", ["CREATE TABLE c (a VARCHAR2(18))", "COMMENT ON TABLE c IS '客户'", "COMMENT ON COLUMN c.a IS '证件号'"],
     ("客户", "证件号")),
    ("tsql", ["CREATE TABLE [dbo].[c] ([a] nvarchar(18))",
              "EXEC sys.sp_addextendedproperty @name=N'MS_Description', @value=N'证件号', @level0type=N'SCHEMA', "
              "@level0name=N'dbo', @level1type=N'TABLE', @level1name=N'c', @level2type=N'COLUMN', @level2name=N'a'",
              "EXEC sp_addextendedproperty 'MS_Description', N'客户', 'SCHEMA', N'dbo', 'TABLE', N'c'"], ("客户", "证件号")),
])
def test_comments(dialect, statements, expected):
    model = model_of(*statements, dialect=dialect)
    assert (model.find_table("c").comment, column(model, "c", "a").comment) == expected


ALTERS = [
    # (dialect, statements after CREATE TABLE t (a int, b text), expected [(name, type, line, comment)])
    ("postgres", ["ALTER TABLE ONLY public.t ADD COLUMN c character varying(18) NOT NULL, ADD owner text"],
     [("a", "integer", 1, ""), ("b", "text", 1, ""), ("c", "character varying(18)", 2, ""), ("owner", "text", 2, "")]),
    ("postgres", ["ALTER TABLE t ALTER COLUMN b TYPE varchar(64) USING b::varchar", "ALTER TABLE t ALTER b SET DATA TYPE text"],
     [("a", "integer", 1, ""), ("b", "text", 1, "")]),
    ("postgres", ["ALTER TABLE t RENAME COLUMN a TO id", "ALTER TABLE t RENAME COLUMN b TO id_card"],
     [("id", "integer", 1, ""), ("id_card", "text", 1, "")]),
    ("postgres", ["ALTER TABLE t DROP COLUMN a"], [("b", "text", 1, "")]),
    ("mysql", ["ALTER TABLE `t` MODIFY COLUMN `b` varchar(20) NOT NULL COMMENT '手机号'"],
     [("a", "int", 1, ""), ("b", "varchar(20)", 1, "手机号")]),
    ("mysql", ["ALTER TABLE t CHANGE `b` `sjhm` char(11) COMMENT '手机号', ADD COLUMN\n  `xm` varchar(8) AFTER a, DROP a"],
     [("sjhm", "char(11)", 1, "手机号"), ("xm", "varchar(8)", 3, "")]),
    ("mysql", ["ALTER TABLE t CHANGE b b varchar(9), CHANGE a b2 bigint, MODIFY b2 int unsigned COMMENT 'x'"],
     [("b2", "int unsigned", 1, "x"), ("b", "varchar(9)", 1, "")]),  # renamed columns keep their place
    ("oracle", ["ALTER TABLE t ADD (c VARCHAR2(18), d NUMBER)", "ALTER TABLE t MODIFY (b VARCHAR2(30) NOT NULL)"],
     [("a", "int", 1, ""), ("b", "varchar2(30)", 1, ""), ("c", "varchar2(18)", 2, ""), ("d", "number", 2, "")]),
    ("tsql", ["ALTER TABLE t ADD c NVARCHAR(50) NULL", "ALTER TABLE t ALTER COLUMN c NVARCHAR(100) NOT NULL"],
     [("a", "int", 1, ""), ("b", "text", 1, ""), ("c", "nvarchar(100)", 2, "")]),
    ("sqlite", ["ALTER TABLE t ADD COLUMN c TEXT", "ALTER TABLE t RENAME TO users"],
     [("a", "int", 1, ""), ("b", "text", 1, ""), ("c", "text", 2, "")]),
]


@pytest.mark.parametrize("dialect,statements,expected", ALTERS)
def test_alter_table(dialect, statements, expected):
    create = "CREATE TABLE t (a integer, b text)" if dialect == "postgres" else "CREATE TABLE t (a int, b text)"
    model = model_of(create, *statements, dialect=dialect)
    table = model.find_table("users" if "RENAME TO" in statements[-1] else "t")
    got = [(c.name, c.data_type, c.location.line, c.comment) for c in table.columns.values()]
    assert got == expected
    assert all(c.location.object == table.column_name(c) for c in table.columns.values())
    assert not model.warnings


def test_alter_nullability_defaults_and_keys():
    model = model_of("CREATE TABLE t (a int, b text DEFAULT 'x')",
                     "ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN b DROP DEFAULT",
                     "ALTER TABLE ONLY t\n    ADD CONSTRAINT t_pkey PRIMARY KEY (a)",
                     "ALTER TABLE public.t OWNER TO app")
    a, b = column(model, "t", "a"), column(model, "t", "b")
    assert (a.nullable, a.primary_key, b.default) == (False, True, None)


@pytest.mark.parametrize("statement,expected", [
    ("ALTER TABLE public.t ENABLE ROW LEVEL SECURITY", True),
    ("ALTER TABLE t FORCE ROW LEVEL SECURITY", True),
    ("ALTER TABLE t DISABLE ROW LEVEL SECURITY", False),
    ("ALTER TABLE t OWNER TO crm", False),
])
def test_row_level_security(statement, expected):
    assert model_of("CREATE TABLE public.t (a int)", statement).tables["public.t"].row_level_security is expected


# ---- views, routines, extensions --------------------------------------------------------------------

@pytest.mark.parametrize("dialect,sql,name,definition,mentions", [
    ("postgres", "CREATE VIEW public.v AS\n SELECT id,\n    public.pgp_sym_decrypt(enc, 'k') AS id_card\n   FROM public.c",
     "public.v", "SELECT id,", [("public.v", "pgp_sym_decrypt", 3)]),
    ("postgres", "CREATE OR REPLACE VIEW v (a) AS SELECT md5(x) FROM t", "v", "SELECT md5(x) FROM t", [("v", "md5", 1)]),
    ("postgres", "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS x WITH NO DATA", "mv", "SELECT 1 AS x", []),
    ("mysql", "CREATE ALGORITHM=UNDEFINED \nDEFINER=`root`@`localhost` SQL SECURITY DEFINER \n"
              "VIEW `v` AS select aes_decrypt(`t`.`a`,'k') AS `a` from `t`", "v", "select aes_decrypt", [("v", "aes_decrypt", 3)]),
    ("mysql", "CREATE DEFINER=CURRENT_USER SQL SECURITY INVOKER VIEW actor_info AS SELECT a.x FROM a", "actor_info",
     "SELECT a.x FROM a", []),
])
def test_views(dialect, sql, name, definition, mentions):
    model = model_of(sql, dialect=dialect)
    view = model.tables[name]
    assert view.kind == "view" and view.definition.startswith(definition) and not view.columns
    assert [(t, f, loc.line) for t, f, loc in model.crypto_mentions] == mentions
    assert not model.warnings


def test_view_replaces_mysqldump_stand_in_table():
    text = ("CREATE TABLE `v` (\n  `a` tinyint NOT NULL\n) ENGINE=MyISAM;\n"
            "/*!50001 DROP TABLE IF EXISTS `v`*/;\n/*!50001 DROP VIEW IF EXISTS `v`*/;\n"
            "/*!50001 CREATE ALGORITHM=UNDEFINED */\n/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\n"
            "/*!50001 VIEW `v` AS select 1 AS `a` */;\n")
    model = dump_of(text, dialect="mysql")
    assert model.tables["v"].kind == "view" and model.tables["v"].location.line == 8  # the line naming it


def test_triggers_and_functions_mention_crypto():
    model = model_of(
        "CREATE TABLE `s` (`sfzh_aes` varbinary(256))",
        "CREATE DEFINER=`root`@`localhost` TRIGGER `trg` BEFORE INSERT ON `s` FOR EACH ROW BEGIN\n"
        "  SET NEW.sfzh_aes = AES_ENCRYPT(NEW.sfzh_aes, UNHEX(SHA2(@k, 256)));\nEND",
        "CREATE FUNCTION public.enc() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        "  NEW.card := pgp_sym_encrypt(NEW.card, 'k');\n  RETURN NEW;\nEND $$",
        dialect="mysql")
    assert [(t, f, loc.line) for t, f, loc in model.crypto_mentions] == [
        ("s", "aes_encrypt", 3), ("s", "sha2", 3), ("", "pgp_sym_encrypt", 7)]
    assert column(model, "s", "sfzh_aes").protection_hints == ["trigger:aes_encrypt"]


@pytest.mark.parametrize("statement,expected", [
    ("CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public", {"pgcrypto"}),
    ('CREATE EXTENSION "pgcrypto"', {"pgcrypto"}),
    ("CREATE EXTENSION pgaudit", {"pgaudit"}),
    ("COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions'", set()),
])
def test_extensions(statement, expected):
    assert model_of(statement).extensions == expected


# ---- grants and roles -------------------------------------------------------------------------------

@pytest.mark.parametrize("dialect,statement,expected", [
    ("postgres", "GRANT SELECT ON TABLE public.customer TO PUBLIC",
     [(("SELECT",), "table", "public.customer", "PUBLIC", False, False)]),
    ("postgres", "GRANT SELECT,INSERT ON public.a, public.b TO app, GROUP ops WITH GRANT OPTION",
     [(("SELECT", "INSERT"), "table", o, g, True, False) for o in ("public.a", "public.b") for g in ("app", "ops")]),
    ("postgres", "GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO reader",
     [(("ALL",), "table", "public.*", "reader", False, False)]),
    ("postgres", "REVOKE ALL ON SCHEMA public FROM PUBLIC", [(("ALL",), "schema", "public", "PUBLIC", False, True)]),
    ("postgres", "GRANT USAGE ON SCHEMA crm TO crm_app", [(("USAGE",), "schema", "crm", "crm_app", False, False)]),
    ("postgres", "GRANT CONNECT ON DATABASE crm TO app", [(("CONNECT",), "database", "crm", "app", False, False)]),
    ("postgres", "GRANT EXECUTE ON FUNCTION public.f(integer, text) TO app",
     [(("EXECUTE",), "function", "public.f", "app", False, False)]),
    ("postgres", "GRANT SELECT (name, mobile) ON customer TO analyst",
     [(("SELECT",), "table", "customer", "analyst", False, False)]),
    ("postgres", "GRANT crm_app TO alice", [(("MEMBER",), "role", "crm_app", "alice", False, False)]),
    ("postgres", "REVOKE GRANT OPTION FOR SELECT ON t FROM app", [(("SELECT",), "table", "t", "app", True, True)]),
    ("mysql", "GRANT SELECT, INSERT ON shop.* TO 'shop'@'%' WITH GRANT OPTION",
     [(("SELECT", "INSERT"), "database", "shop.*", "'shop'@'%'", True, False)]),
    ("mysql", "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost`",
     [(("ALL",), "global", "*.*", "'root'@'localhost'", False, False)]),
    ("mysql", "REVOKE INSERT ON `shop`.`customer` FROM shop@localhost",
     [(("INSERT",), "table", "shop.customer", "'shop'@'localhost'", False, True)]),
    ("oracle", "GRANT CREATE SESSION, SELECT ANY TABLE TO app",
     [(("CREATE SESSION", "SELECT ANY TABLE"), "global", "*", "app", False, False)]),
    ("oracle", "GRANT DBA TO app WITH ADMIN OPTION", [(("MEMBER",), "role", "DBA", "app", True, False)]),
    ("tsql", "GRANT SELECT ON SCHEMA::dbo TO [app user]", [(("SELECT",), "schema", "dbo", "app user", False, False)]),
    ("tsql", "GRANT SELECT ON OBJECT::dbo.customer TO app", [(("SELECT",), "table", "dbo.customer", "app", False, False)]),
])
def test_grants(dialect, statement, expected):
    model = model_of(statement, dialect=dialect)
    got = [(g.privileges, g.object_type, g.object_name, g.grantee, g.with_grant_option, g.revoked) for g in model.grants]
    assert got == expected
    assert all(g.location.line == 1 for g in model.grants)


@pytest.mark.parametrize("dialect,statements,key,host,attributes", [
    ("postgres", ["CREATE ROLE admin WITH SUPERUSER LOGIN PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b'"], "admin", None,
     {"SUPERUSER", "LOGIN", "PASSWORD", "PASSWORD_SCRAM"}),
    ("postgres", ["CREATE USER app PASSWORD 'secret'", "ALTER ROLE app WITH NOLOGIN BYPASSRLS CREATEROLE REPLICATION",
                  "ALTER ROLE app SET search_path TO public"], "app", None,
     {"PASSWORD", "PASSWORD_PLAINTEXT", "BYPASSRLS", "CREATEROLE", "REPLICATION"}),
    ("postgres", ["CREATE ROLE r", "ALTER ROLE r ENCRYPTED PASSWORD 'md5" + "0" * 32 + "'", "ALTER ROLE r PASSWORD NULL"],
     "r", None, set()),
    ("mysql", ["CREATE USER IF NOT EXISTS 'shop'@'%' IDENTIFIED BY 'pw'"], "'shop'@'%'", "%",
     {"LOGIN", "PASSWORD", "PASSWORD_PLAINTEXT"}),
    ("mysql", ["CREATE USER `ro`@`10.0.%` IDENTIFIED WITH mysql_native_password AS '*" + "A" * 40 + "'"],
     "'ro'@'10.0.%'", "10.0.%", {"LOGIN", "PASSWORD", "PASSWORD_MYSQL_HASH"}),
    ("oracle", ["CREATE USER app IDENTIFIED BY pw123"], "app", None, {"LOGIN", "PASSWORD", "PASSWORD_PLAINTEXT"}),
    ("oracle", ["CREATE USER ops IDENTIFIED EXTERNALLY"], "ops", None, {"LOGIN", "IDENTIFIED_EXTERNALLY"}),
])
def test_roles(dialect, statements, key, host, attributes):
    role = model_of(*statements, dialect=dialect).roles[key]
    assert (role.host, role.attributes, role.location.line) == (host, attributes, 1)


# ---- samples ----------------------------------------------------------------------------------------

def test_insert_samples_are_capped_and_unknown_tables_ignored():
    rows = ",".join(f"({i},'1380013{i:04d}',NULL)" for i in range(8))
    model = model_of("CREATE TABLE `c` (`id` int, `sjhm` varchar(11), `note` text)",
                     f"INSERT INTO `c` VALUES {rows}", "INSERT INTO `c` (`sjhm`, `id`) VALUES ('13900000000', 99)",
                     "INSERT INTO `ghost` VALUES (1)", dialect="mysql", max_samples=5)
    assert column(model, "c", "sjhm").samples == [f"1380013{i:04d}" for i in range(5)]
    assert column(model, "c", "note").samples == []  # NULLs are not samples
    assert "ghost" not in model.tables


def test_insert_with_column_list_fills_named_columns():
    model = model_of("CREATE TABLE c (id int, email text, phone text)",
                     "INSERT INTO c (phone, id) VALUES ('13800000000', 1), ('13900000000', 2)", dialect="sqlite")
    assert (column(model, "c", "phone").samples, column(model, "c", "email").samples) == (["13800000000", "13900000000"], [])


def test_copy_rows_map_by_column_list_and_cap():
    model = model_of("CREATE TABLE public.c (id int, name text, id_card text)")
    rows = tuple((str(i), f"n{i}", None if i % 2 else f"id{i}") for i in range(6))
    apply_statement(model, "COPY public.c (id, name, id_card) FROM stdin", 3, "postgres", "dump.sql",
                    max_samples=3, copy_rows=rows)
    apply_statement(model, "COPY public.c (id_card, id) FROM stdin", 9, "postgres", "dump.sql",
                    max_samples=3, copy_rows=(("idX", "7"),))
    assert column(model, "c", "name").samples == ["n0", "n1", "n2"]
    assert column(model, "c", "id_card").samples == ["id0", "id2", "id4"]
    assert column(model, "c", "id").samples == ["0", "1", "2"]


def test_copy_through_the_stream():
    text = "CREATE TABLE c (id int, name text);\nCOPY public.c (name, id) FROM stdin;\n张伟\t1\n\\N\t2\n\\.\n"
    model = dump_of(text, dialect="postgres")
    assert (column(model, "c", "name").samples, column(model, "c", "id").samples) == (["张伟"], ["1", "2"])


# ---- robustness -------------------------------------------------------------------------------------

def test_unparsable_statement_warns_with_its_line_and_the_rest_is_read():
    text = ("SET client_encoding = 'UTF8';\nCREATE TABLE a (x int);\n\nCOMMENT ON COLUMN a.x IS ;\n"
            "ALTER TABLE a ADD COLUMN ((;\nCREATE TABLE b (y text);\nSELECT pg_catalog.set_config('search_path', '', false);\n"
            "CREATE SEQUENCE s;\nCREATE INDEX i ON a (x);\nLOCK TABLES a WRITE;\n")
    model = dump_of(text, dialect="postgres")
    assert sorted(model.tables) == ["a", "b"]
    assert model.warnings == [(4, "skipped unparsable statement: COMMENT ON COLUMN a.x IS"),
                              (5, "skipped unparsable statement: ALTER TABLE a ADD COLUMN ((")]


def test_table_sqlglot_cannot_read_is_read_from_tokens_with_a_warning():
    sql = "CREATE TABLE film (\n  id INTEGER NOT NULL,\n  description BLOB SUB_TYPE TEXT DEFAULT NULL,\n  PRIMARY KEY (id)\n)"
    model = model_of(sql, dialect="sqlite")
    description = column(model, "film", "description")
    assert (description.data_type, description.default, description.location.line) == ("blob sub_type text", "NULL", 3)
    assert column(model, "film", "id").primary_key
    assert model.warnings == [(1, "read from tokens, sqlglot could not parse: " + " ".join(sql.split())[:60])]


def test_tsql_batch_with_two_statements_and_no_terminator():
    model = dump_of("CREATE TABLE a (x INT,\n  PRIMARY KEY NONCLUSTERED (x),\n)\n\nCREATE TABLE b (\n  y INT\n)\nGO\n",
                    dialect="tsql")
    assert sorted(model.tables) == ["a", "b"] and column(model, "b", "y").location.line == 6
    assert column(model, "a", "x").primary_key and not model.warnings


def test_unknown_dialect_is_found_by_trying():
    model = dump_of("create table t (a int);\n")
    assert model.dialect and "t" in model.tables


# ---- fixtures and real-world dumps ------------------------------------------------------------------

def _column_rule(ref: str) -> bool:
    rule = default_registry().find(ref)
    return rule is not None and rule.id.startswith("DP1")  # the storage family reports columns


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.sql")), ids=lambda p: p.name)
def test_fixture_annotations_point_at_column_definitions(path):
    """Every expect:/ok: line of a column rule in the SQL fixtures is the definition line of a
    column, read from disk (grant and credential rules point at statements instead)."""
    model = parse_dump(InputSource(str(path), "sql", abspath=str(path), encoding="utf-8"))
    lines = {c.location.line for _, c in model.columns()}
    annotated = {a.line for a in parse_annotations(path.read_text(encoding="utf-8")) if _column_rule(a.rule)}
    assert annotated <= lines and not model.warnings
    assert all(c.location.path == str(path) for _, c in model.columns())


def test_fixture_facts():
    pg = parse_dump(InputSource("crm.sql", "sql", abspath=str(FIXTURES / "postgres" / "crm_pg_dump.sql")))
    assert pg.dialect == "postgres" and pg.extensions == {"pgcrypto"}
    assert pg.tables["public.orders"].row_level_security and not pg.tables["public.customer"].row_level_security
    assert column(pg, "customer", "id_card_no").comment == "身份证号码" and column(pg, "customer", "bank_card").comment == ""
    assert len(column(pg, "customer", "name").samples) == 20
    assert [(g.grantee, g.object_name) for g in pg.grants] == [("PUBLIC", "public.customer"), ("crm_app", "public.orders")]
    my = parse_dump(InputSource("shop.sql", "sql", abspath=str(FIXTURES / "mysql" / "shop_mysqldump.sql")))
    assert my.dialect == "mysql" and my.tables["v_customer_contact"].kind == "view"
    assert column(my, "customer_secure", "sfzh_aes").protection_hints == ["trigger:aes_encrypt"]
    assert len(column(my, "customer", "sfzh").samples) == 10


def _realworld(relative: str) -> Path:
    path = REALWORLD / relative
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


# (file, labels, dialect, tables, views, lines of justified warnings). The PostgreSQL sakila dump
# has no film_text but six payment_p2007_* partitions; sakila's SQLite file declares two columns
# `BLOB SUB_TYPE TEXT` (a Firebird type SQLite accepts), which no sqlglot dialect reads.
REAL = [
    ("sakila/mysql-sakila-schema.sql", "sakila", "mysql", 16, 7, []),
    ("sakila/postgres-sakila-schema.sql", "sakila", "postgres", 21, 7, []),
    ("sakila/sqlite-sakila-schema.sql", "sakila", "sqlite", 16, 5, [217, 328]),
    ("sakila/oracle-sakila-schema.sql", "sakila", "oracle", 16, 5, []),
    ("sakila/sql-server-sakila-schema.sql", "sakila", "tsql", 16, 5, []),
    ("ruoyi/ry_20260319.sql", "ruoyi", "mysql", 21, 0, []),
    ("chinook/Chinook_MySql.sql", "chinook", "mysql", 11, 0, []),
    ("chinook/Chinook_PostgreSql.sql", "chinook", "postgres", 11, 0, []),
    ("chinook/Chinook_Sqlite.sql", "chinook", "sqlite", 11, 0, []),
]


@pytest.mark.parametrize("relative,labels,dialect,tables,views,warning_lines", REAL, ids=[r[0] for r in REAL])
def test_realworld_dumps(relative, labels, dialect, tables, views, warning_lines):
    path = _realworld(relative)
    model = parse_dump(InputSource(relative, "sql", abspath=str(path), encoding="utf-8"))
    kinds = [t.kind for t in model.tables.values()]
    assert (model.dialect, kinds.count("table"), kinds.count("view")) == (dialect, tables, views)
    assert [line for line, _ in model.warnings] == warning_lines

    def norm(name: str) -> str:  # Chinook's PostgreSQL file spells FirstName as first_name
        return re.sub(r"_", "", name.lower())

    present = {(norm(t.name), norm(c.name)) for t, c in model.columns()}
    labelled = json.loads(_realworld(f"{labels}/labels.json").read_text(encoding="utf-8"))
    # Sakila's PostgreSQL file has no film_text table; every other labelled column must be there.
    wanted = {(norm(c["table"]), norm(c["column"])) for c in labelled["columns"] + labelled.get("hard_negatives", [])}
    missing = {pair for pair in wanted - present if not (pair[0] == "filmtext" and dialect == "postgres")}
    assert not missing
