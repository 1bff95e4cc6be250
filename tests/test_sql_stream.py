"""scanner.parsers.sql_stream: statements of SQL dumps, streamed in bounded memory.

Run the throughput benchmark with:  .venv/bin/python tests/test_sql_stream.py [MB]
"""

from __future__ import annotations

import io
import re
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.parsers import sql_stream
from scanner.parsers.sql_stream import (
    SIGNALS,
    Statement,
    detect_dialect,
    iter_insert_rows,
    iter_statements,
)

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"
needs_realworld = pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld absent")


class Trickle(io.StringIO):
    """A text stream that hands out at most k characters a read: every chunk boundary is tested."""

    def __init__(self, text: str, k: int):
        super().__init__(text, newline="")
        self.k = k

    def read(self, n: int | None = -1) -> str:
        return super().read(self.k if n is None or n < 0 else min(n, self.k))


def split(text: str, dialect: str | None = None, **kw) -> list[Statement]:
    return list(iter_statements(io.StringIO(text, newline=""), dialect=dialect, **kw))


def sqls(text: str, dialect: str | None = None, **kw) -> list[str]:
    return [s.sql for s in split(text, dialect, **kw)]


# -- generated dumps (benchmark, memory test) -----------------------------------------------------
_MYSQL_ROW = ("({i},'Zhang San {i}','user{i}@example.com','+86 138 0013 {j:04d}',"
              "'It\\'s \\\"quoted\\\"; ok',NULL,'2024-01-0{k} 10:00:00',{i}.5,'北京市海淀区{j}号')")
_COPY_ROW = ("{i}\tZhang San {i}\tuser{i}@example.com\t+86 138 0013 {j:04d}\tline\\nbreak\\ttab"
             "\t\\N\t2024-01-0{k} 10:00:00\t{i}.5\n")


def write_mysqldump(path: Path, megabytes: float, rows_per_insert: int = 8000) -> int:
    """A mysqldump-like file: header, versioned comments, a table, extended INSERTs of ~1 MB."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("-- MySQL dump 10.13  Distrib 8.0.36\n/*!40101 SET NAMES utf8mb4 */;\n"
                  "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `name` varchar(64),\n"
                  "  `email` varchar(128),\n  `phone` varchar(32),\n  `note` text,\n  `x` int,\n"
                  "  `created` datetime,\n  `score` decimal(9,1),\n  `address` varchar(255)\n"
                  ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n"
                  "LOCK TABLES `users` WRITE;\n/*!40000 ALTER TABLE `users` DISABLE KEYS */;\n")
        i, statements = 0, 0
        while out.tell() < megabytes * 1e6:
            rows = ",".join(_MYSQL_ROW.format(i=i + r, j=(i + r) % 10000, k=1 + r % 9)
                            for r in range(rows_per_insert))
            out.write(f"INSERT INTO `users` VALUES {rows};\n")
            i, statements = i + rows_per_insert, statements + 1
        out.write("/*!40000 ALTER TABLE `users` ENABLE KEYS */;\nUNLOCK TABLES;\n")
    return statements


def write_pg_dump(path: Path, megabytes: float, tables: int = 4) -> int:
    """A pg_dump-like file: header, \\restrict, SET lines, and COPY blocks of equal size."""
    per_table = megabytes * 1e6 / tables
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("--\n-- PostgreSQL database dump\n--\n\n\\restrict k3y\n\n"
                  "SET standard_conforming_strings = on;\nSET client_encoding = 'UTF8';\n")
        for t in range(tables):
            out.write(f"\nCREATE TABLE public.t{t} (id integer, name text);\n\nCOPY public.t{t} "
                      "(id, name, email, phone, note, x, created, score) FROM stdin;\n")
            start = out.tell()
            batch = "".join(_COPY_ROW.format(i=i, j=i % 10000, k=1 + i % 9) for i in range(1000))
            while out.tell() - start < per_table:
                out.write(batch)
                rows += 1000
            out.write("\\.\n\n")
        out.write("\\unrestrict k3y\n")
    return rows


def measure(path: Path, dialect: str | None = None) -> tuple[float, int]:
    """(MB/s, statements) for one pass over the file, the way the dump parser reads it."""
    size = path.stat().st_size
    started = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as stream:
        count = sum(1 for _ in iter_statements(stream, dialect=dialect))
    return size / 1e6 / (time.perf_counter() - started), count


# -- statement splitting, construct by construct ---------------------------------------------------
SPLITS = [
    # (dialect, script, expected statements)
    ("mysql", "SELECT 'a;b''c'; SELECT \"x;\"\"y\"; SELECT `c;d` FROM t;",
     ["SELECT 'a;b''c'", 'SELECT "x;""y"', "SELECT `c;d` FROM t"]),
    ("mysql", r"INSERT INTO t VALUES ('it\'s; fine', 'back\\');SELECT 2;",
     [r"INSERT INTO t VALUES ('it\'s; fine', 'back\\')", "SELECT 2"]),
    ("postgres", r"SELECT 'C:\'; SELECT E'it\'s; ok'; SELECT e'\\';",
     [r"SELECT 'C:\'", r"SELECT E'it\'s; ok'", r"SELECT e'\\'"]),
    ("postgres", "SET standard_conforming_strings = off;\nSELECT 'a\\';b';\nSELECT 2;",
     ["SET standard_conforming_strings = off", "SELECT 'a\\';b'", "SELECT 2"]),
    ("postgres", "CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql;"
     "SELECT $body$ ; $$ ; $body$, $1, a$b$c FROM t;",
     ["CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql",
      "SELECT $body$ ; $$ ; $body$, $1, a$b$c FROM t"]),
    ("postgres", "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC\n"
     "  SELECT CASE WHEN a > 0 THEN 1 END;\n  SELECT 2;\nEND;\nSELECT 3;",
     ["CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC\n"
      "  SELECT CASE WHEN a > 0 THEN 1 END;\n  SELECT 2;\nEND", "SELECT 3"]),
    ("postgres", "CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); "
     "INSERT INTO b VALUES (2));\nSELECT 1;",
     ["CREATE RULE r AS ON INSERT TO t DO INSTEAD (INSERT INTO a VALUES (1); "
      "INSERT INTO b VALUES (2))", "SELECT 1"]),
    (None, "-- a; comment\nSELECT 1 -- tail; comment\n; /* block; */ SELECT 2; /* only comment */",
     ["SELECT 1 -- tail; comment", "SELECT 2"]),
    ("mysql", "# hash; comment\nSELECT 1; SELECT 1--1;\nSELECT 2 -- real; comment\n;",
     ["SELECT 1", "SELECT 1--1", "SELECT 2 -- real; comment"]),
    ("postgres", "SELECT 1 # 2;", ["SELECT 1 # 2"]),  # '#' is an operator in PostgreSQL
    ("mysql", "DELIMITER ;;\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN\n"
     "  SET NEW.x = 1;\nEND ;;\nDELIMITER ;\nSELECT 1;\n"
     "DELIMITER //\nCREATE PROCEDURE p() BEGIN SELECT 1; END //\n"
     "delimiter $$\nCREATE FUNCTION f() RETURNS INT BEGIN RETURN 1; END$$\nDELIMITER ;\nSELECT 2;",
     ["CREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN\n  SET NEW.x = 1;\nEND", "SELECT 1",
      "CREATE PROCEDURE p() BEGIN SELECT 1; END",
      "CREATE FUNCTION f() RETURNS INT BEGIN RETURN 1; END", "SELECT 2"]),
    ("mysql", "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
     "/*!50001 CREATE ALGORITHM=UNDEFINED */\n"
     "/*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */\n"
     "/*!50001 VIEW `v` AS select `t`.`a` AS `a` from `t` */;\n"
     "CREATE TABLE `t` (`a` int) ENGINE=InnoDB /*!50100 PARTITION BY HASH (a) */;\n"
     "/*M!100101 SET x = 1 */;\n/*!40000 ALTER TABLE `t` DISABLE KEYS */;",
     ["SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT",
      "CREATE ALGORITHM=UNDEFINED \n DEFINER=`root`@`localhost` SQL SECURITY DEFINER \n"
      " VIEW `v` AS select `t`.`a` AS `a` from `t`",
      "CREATE TABLE `t` (`a` int) ENGINE=InnoDB  PARTITION BY HASH (a)", "SET x = 1",
      "ALTER TABLE `t` DISABLE KEYS"]),
    ("mysql", "DELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`%`*/ "
     "/*!50003 TRIGGER `trg` BEFORE INSERT ON `t` FOR EACH ROW BEGIN SET NEW.a = 'x;y'; END */;;\n"
     "DELIMITER ;",
     ["CREATE  DEFINER=`root`@`%`  TRIGGER `trg` BEFORE INSERT ON `t` FOR EACH ROW BEGIN "
      "SET NEW.a = 'x;y'; END"]),
    ("mysql", "/*!50003 CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END */;\nSELECT 3;",
     ["CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END", "SELECT 3"]),
    ("sqlite", "CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n"
     "  UPDATE a SET x = CASE WHEN 1 THEN 2 END;\n  INSERT INTO log VALUES ('end;');\nEND;\n"
     "SELECT [a;b] FROM t;",
     ["CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n  UPDATE a SET x = CASE WHEN 1 THEN 2 END;\n"
      "  INSERT INTO log VALUES ('end;');\nEND", "SELECT [a;b] FROM t"]),
    ("tsql", "CREATE TABLE [a;b] (x NVARCHAR(9) DEFAULT N'x;y')\nGO\nCREATE PROCEDURE p AS\nBEGIN\n"
     "  SELECT 1;\n  SELECT 2;\nEND\ngo\nSELECT 3; SELECT 4\nGO 2\n",
     ["CREATE TABLE [a;b] (x NVARCHAR(9) DEFAULT N'x;y')",
      "CREATE PROCEDURE p AS\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND", "SELECT 3", "SELECT 4"]),
    ("tsql", "IF OBJECT_ID('t') IS NOT NULL\n  DROP TABLE t\n"
     "CREATE TABLE t (\n  a int,\n  b int\n)\n-- data\n"
     "INSERT [dbo].[t] ([a], [b]) VALUES (1, 2)\nINSERT [dbo].[t] ([a], [b]) VALUES (3,\n"
     "  4)\nGRANT SELECT,\n  INSERT ON t TO r\nGO",
     ["IF OBJECT_ID('t') IS NOT NULL", "DROP TABLE t",
      "CREATE TABLE t (\n  a int,\n  b int\n)\n-- data",
      "INSERT [dbo].[t] ([a], [b]) VALUES (1, 2)", "INSERT [dbo].[t] ([a], [b]) VALUES (3,\n  4)",
      "GRANT SELECT,\n  INSERT ON t TO r"]),
    ("oracle", "CREATE TABLE a (x int);\n/\n"
     "CREATE OR REPLACE TRIGGER t BEFORE INSERT ON a FOR EACH ROW\n"
     "BEGIN\n  IF :NEW.x IS NULL THEN\n    :NEW.x := 1;\n  END IF;\nEND;\n/\n"
     "DECLARE\n  n int;\nBEGIN\n  n := 1;\nEND;\n/\nSELECT 'a/b' FROM dual;",
     ["CREATE TABLE a (x int)",
      "CREATE OR REPLACE TRIGGER t BEFORE INSERT ON a FOR EACH ROW\n"
      "BEGIN\n  IF :NEW.x IS NULL THEN\n    :NEW.x := 1;\n  END IF;\nEND;",
      "DECLARE\n  n int;\nBEGIN\n  n := 1;\nEND;", "SELECT 'a/b' FROM dual"]),
    ("postgres", "\\restrict abc\n\\connect db\nSELECT 1;\n  \\unrestrict abc\n",
     ["\\restrict abc", "\\connect db", "SELECT 1", "\\unrestrict abc"]),
    (None, ";;\n ; SELECT 1;;; ", ["SELECT 1"]),
    (None, "SELECT 'never closed; ", ["SELECT 'never closed;"]),
    (None, "SELECT 1 /* never closed; ", ["SELECT 1 /* never closed;"]),
    (None, "\ufeffSELECT 1", ["SELECT 1"]),  # a UTF-8 BOM read as text
]


@pytest.mark.parametrize(("dialect", "script", "expected"), SPLITS)
def test_split(dialect, script, expected):
    assert sqls(script, dialect) == expected


@pytest.mark.parametrize(("dialect", "script", "expected"), SPLITS)
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_split_is_the_same_at_every_chunk_boundary(dialect, script, expected, k):
    assert [s.sql for s in iter_statements(Trickle(script, k), dialect=dialect)] == expected


def test_meta_lines_are_flagged_and_only_outside_statements():
    statements = split("\\connect db\nSELECT 'a\n\\b';\n", "postgres")
    assert [(s.sql, s.meta) for s in statements] == [("\\connect db", True),
                                                     ("SELECT 'a\n\\b'", False)]


def test_dialect_is_detected_when_not_given():
    assert sqls("-- MySQL dump 10.13\nSELECT 'a\\';b';") == ["SELECT 'a\\';b'"]
    assert sqls("-- PostgreSQL database dump\nSELECT 'a\\';b';") == ["SELECT 'a\\'", "b';"]
    assert sqls("SELECT `x`, 'a\\';b';") == ["SELECT `x`, 'a\\';b'"]  # backquotes: MySQL strings


# -- line numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_numbers_count_every_line_ending(newline):
    script = newline.join(["-- header", "", "/* a", "comment */  SELECT 1; SELECT 2;", "SELECT",
                           "  'x", "y';", "\\connect db", "COPY t FROM stdin;", "1", "2", "\\.",
                           "SELECT 3;"])
    statements = split(script, "postgres")
    assert [(s.sql.split()[0], s.line) for s in statements] == [
        ("SELECT", 4), ("SELECT", 4), ("SELECT", 5), ("\\connect", 8), ("COPY", 9), ("SELECT", 13)]
    assert statements[2].sql == "SELECT\n  'x\ny'"  # line ends inside statements become \n


def test_only_cr_and_lf_end_lines():  # not str.splitlines' \v, \f, \x1c-\x1e, \x85, \u2028, \u2029
    script = "SELECT '\u2028\x0c\x85\x1e';\vSELECT 2;\nSELECT 3;"
    assert [s.line for s in split(script)] == [1, 1, 2]


def test_line_of_a_versioned_statement_and_after_a_long_line():
    script = "/*!40101 SET a = 1 */;\nINSERT INTO t VALUES " + "(1)," * 100000 + "(2);\nSELECT 1;"
    assert [s.line for s in iter_statements(Trickle(script, 4093), dialect="mysql")] == [1, 2, 3]


# -- COPY ... FROM stdin -------------------------------------------------------------------------
COPY_SCRIPT = ("COPY public.people (id, name, note) FROM stdin;\n"
               "1\tAnn\t\\N\n"
               "2\tB\\tob\tline\\none\\\\two\n"
               "3\t\\101\\x42\\z\t\n"
               "\\.\n"
               "SELECT 1;\n")


def test_copy_rows_are_parsed_and_unescaped():
    copy, select = split(COPY_SCRIPT, "postgres")
    assert copy.sql == "COPY public.people (id, name, note) FROM stdin" and copy.line == 1
    assert copy.copy_rows == (("1", "Ann", None), ("2", "B\tob", "line\none\\two"),
                              ("3", "ABz", ""))
    assert copy.copy_row_count == 3
    assert (select.sql, select.line, select.copy_rows) == ("SELECT 1", 6, None)


@pytest.mark.parametrize("k", [1, 2, 3, 4, 7])
@pytest.mark.parametrize("keep", [0, 1, 2, 5])
def test_copy_rows_beyond_the_kept_ones_are_counted(k, keep):
    rows = "".join(f"{i}\tname {i}\n" for i in range(1, 40))
    script = f"COPY t (id, name) FROM stdin;\n{rows}\\.\nSELECT 2;\n"
    copy, select = iter_statements(Trickle(script, k), dialect="postgres", max_copy_rows=keep)
    assert copy.copy_row_count == 39 and len(copy.copy_rows) == keep
    assert copy.copy_rows == tuple((str(i), f"name {i}") for i in range(1, keep + 1))
    assert (select.sql, select.line) == ("SELECT 2", 42)


def test_copy_without_end_marker_and_in_csv():
    (copy,) = split("COPY t FROM stdin;\n1\ta\n2\tb", "postgres")
    assert copy.copy_rows == (("1", "a"), ("2", "b")) and copy.copy_row_count == 2
    (copy,) = split('COPY t FROM stdin WITH (FORMAT csv);\n1,"a,b"\n\\.\n', "postgres")
    assert copy.copy_rows == (("1", "a,b"),)


# -- size caps ------------------------------------------------------------------------------------
def test_a_statement_over_the_cap_is_truncated_and_the_next_one_is_intact():
    big = "INSERT INTO t VALUES " + ",".join(f"({i},'x;{i}')" for i in range(20000))
    statements = list(iter_statements(Trickle(f"{big};\nSELECT 1;", 1000), dialect="mysql",
                                      max_statement_bytes=5000))
    assert [s.truncated for s in statements] == [True, False]
    assert statements[0].sql == big[:5000] and statements[1].sql == "SELECT 1"
    rows = iter_insert_rows(statements[0].sql, limit=10**6)[2]  # the complete rows, in order
    assert len(rows) == big[:5000].count("),(")
    assert rows == [(str(i), f"x;{i}") for i in range(len(rows))]


# -- iter_insert_rows -----------------------------------------------------------------------------
INSERTS = [
    ("INSERT INTO `db`.`t` (`a`, `b``c`) VALUES (1, 'x'), (2, 'y')", "mysql",
     ("db.t", ("a", "b`c"), [("1", "x"), ("2", "y")])),
    (r"INSERT INTO t VALUES ('It\'s', 'a''b', 'back\\slash', 'nl\n', '\%', _utf8mb4'ü', NULL)",
     "mysql",
     ("t", None, [("It's", "a'b", "back\\slash", "nl\n", "\\%", "ü", None)])),
    (r"INSERT INTO public.t VALUES ('C:\dir', E'tab\there\101', 'a''b', -1.5e3, .5, 0x1F, X'41', "
     r"TRUE, now(), nextval('s'::regclass), '2024-01-01'::date, 'x'::character varying(9), 1 + 2)",
     "postgres", ("public.t", None, [("C:\\dir", "tab\thereA", "a'b", "-1.5e3", ".5", "0x1F",
                                      "X'41'", "TRUE", "now()", "nextval('s'::regclass)",
                                      "2024-01-01", "x", "1 + 2")])),
    ("INSERT [dbo].[T]] x] ([Id], [Name]) VALUES (1, N'Zoë'), (2, NULL)", "tsql",
     ("dbo.T] x", ("Id", "Name"), [("1", "Zoë"), ("2", None)])),
    ("REPLACE INTO t(a) VALUE (CONCAT('a', ',', 'b'))", None,
     ("t", ("a",), [("CONCAT('a', ',', 'b')",)])),
    ("INSERT OR IGNORE INTO \"main\".\"t\" VALUES(1,'x'),(2,'y') ON CONFLICT DO NOTHING", "sqlite",
     ("main.t", None, [("1", "x"), ("2", "y")])),
    ("INSERT INTO t OVERRIDING SYSTEM VALUE VALUES (1)", "postgres", ("t", None, [("1",)])),
    ("insert into sys_dept values(100, 0, '若依科技', sysdate(), '', null)", None,
     ("sys_dept", None, [("100", "0", "若依科技", "sysdate()", "", None)])),
    ("INSERT INTO `t` VALUES ('a\\'b')", None, ("t", None, [("a'b",)])),  # backquotes: MySQL
    ("INSERT INTO t VALUES (1, 'cut sho", "mysql", ("t", None, [])),
]


@pytest.mark.parametrize(("sql", "dialect", "expected"), INSERTS)
def test_insert_rows(sql, dialect, expected):
    assert iter_insert_rows(sql, limit=10, dialect=dialect) == expected


@pytest.mark.parametrize("sql", ["INSERT INTO t SELECT * FROM u", "INSERT INTO t SET a = 1",
                                 "INSERT INTO t DEFAULT VALUES", "UPDATE t SET a = 1",
                                 "CREATE TABLE t (a int)", "INSERT INTO t (a) SELECT 1", ""])
def test_insert_rows_is_none_for_other_statements(sql):
    assert iter_insert_rows(sql, limit=5) is None


def test_insert_rows_limit_stops_lexing_a_huge_insert():
    row = "(1,'Zhang San','zhang@example.com','It\\'s, (really) fine',NULL)"
    sql = "INSERT INTO `users` VALUES " + ",".join([row] * 80000)  # ~5 MB, one line
    started = time.perf_counter()
    table, columns, rows = iter_insert_rows(sql, limit=3)
    assert time.perf_counter() - started < 0.05  # lexing all rows takes seconds
    assert (table, columns, len(rows)) == ("users", None, 3)
    assert rows[0] == ("1", "Zhang San", "zhang@example.com", "It's, (really) fine", None)
    assert iter_insert_rows(sql, limit=0) == ("users", None, [])


# -- dialect detection ----------------------------------------------------------------------------
HEADERS = [
    ("--\n-- PostgreSQL database dump\n--\n", "postgres"),
    ("\\restrict Abc\nSET client_encoding = 'UTF8';\n", "postgres"),
    ("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n", "mysql"),
    ("-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB\n", "mysql"),
    ("/*\n Navicat Premium Data Transfer\n\n Source Server Type    : MySQL\n*/\n", "mysql"),
    ("CREATE TABLE `t` (\n  `id` int NOT NULL AUTO_INCREMENT\n) ENGINE=InnoDB;\n", "mysql"),
    ("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE t(a);\n", "sqlite"),
    ("SET ANSI_NULLS ON\nGO\nCREATE TABLE [dbo].[t] ([a] NVARCHAR(9))\nGO\n", "tsql"),
    ("CREATE TABLE t (a VARCHAR2(9), b NUMBER(9));\n/\n", "oracle"),
    ("CREATE TABLE t (a int);\n", None),
    ("", None),
]


@pytest.mark.parametrize(("head", "expected"), HEADERS)
def test_detect_dialect_from_headers(head, expected):
    assert detect_dialect(head) == expected


def test_signal_table_is_data():
    assert all(d in {"postgres", "mysql", "sqlite", "tsql", "oracle"} and w > 0 and re.compile(p)
               for d, w, p in SIGNALS)


# -- real-world dumps (../shared/realworld, not copied into the repo) -----------------------------
REAL = [
    # (file, dialect detected, CREATE TABLE statements, {table: line of its CREATE TABLE})
    ("ruoyi/ry_20260319.sql", "mysql", 21,
     {"sys_dept": 5, "sys_user": 42, "gen_table_column": 715}),
    ("sakila/mysql-sakila-schema.sql", "mysql", 16, {"actor": 29, "store": 305}),
    ("sakila/postgres-sakila-schema.sql", "postgres", 21, {"actor": 50, "store": 599}),
    ("sakila/sqlite-sakila-schema.sql", "sqlite", 16, {"actor": 18, "rental": 476}),
    ("sakila/sql-server-sakila-schema.sql", "tsql", 16, {"film_text": 229, "inventory": 240}),
    ("sakila/oracle-sakila-schema.sql", "oracle", 16, {"actor": 19, "rental": 605}),
    ("chinook/Chinook_MySql.sql", "mysql", 11, {"Album": 34, "Track": 139}),
    ("chinook/Chinook_PostgreSql.sql", "postgres", 11, {"album": 34, "track": 139}),
    ("chinook/Chinook_Sqlite.sql", "sqlite", 11, {"PlaylistTrack": 181, "Album": 71}),
]
_CREATE_TABLE = re.compile(r"CREATE\s+TABLE\s+[`\[\"]?(\w+)", re.I)


def _read(name: str) -> str:
    return (REALWORLD / name).read_text(encoding="utf-8")


@needs_realworld
@pytest.mark.parametrize(("name", "dialect", "tables", "lines"), REAL)
def test_realworld_dump(name, dialect, tables, lines):
    text = _read(name)
    assert detect_dialect(text[:65536]) == dialect
    with (REALWORLD / name).open(encoding="utf-8", newline="") as stream:
        statements = list(iter_statements(stream))
    created = {m.group(1): s.line for s in statements if (m := _CREATE_TABLE.match(s.sql))}
    assert len([s for s in statements if _CREATE_TABLE.match(s.sql)]) == tables == len(created)
    assert {t: created[t] for t in lines} == lines
    file_lines = text.splitlines()  # these files use \n only
    for s in statements:  # every statement starts on the line it reports
        assert s.sql.split()[0][:12] in file_lines[s.line - 1]


@needs_realworld
@pytest.mark.parametrize("name", [r[0] for r in REAL])
def test_realworld_dump_splits_alike_in_any_chunking_and_line_ending(name):
    text = _read(name)
    whole = split(text)
    assert list(iter_statements(Trickle(text, 5))) == whole
    assert list(iter_statements(Trickle(text, 4099))) == whole
    assert split(text.replace("\n", "\r\n")) == whole


@needs_realworld
@pytest.mark.parametrize("name", [r[0] for r in REAL])
def test_realworld_dump_fast_path_agrees_with_the_state_machine(name, monkeypatch):
    text = _read(name)
    fast = split(text)
    monkeypatch.setattr(sql_stream, "_PLAIN_START", frozenset())  # every statement the slow way
    assert split(text) == fast


@needs_realworld
def test_realworld_insert_rows():
    (insert,) = [s for s in split(_read("chinook/Chinook_MySql.sql"))
                 if s.sql.startswith("INSERT INTO `Customer`")]
    table, columns, rows = iter_insert_rows(insert.sql, limit=2)
    assert (table, columns[:3]) == ("Customer", ("CustomerId", "FirstName", "LastName"))
    assert rows[0][1:3] == ("Luís", "Gonçalves")
    first = next(s for s in split(_read("ruoyi/ry_20260319.sql")) if s.sql.startswith("insert"))
    assert iter_insert_rows(first.sql, limit=5)[2][0][3] == "若依科技"


# -- properties -----------------------------------------------------------------------------------
DIALECTS = [None, "mysql", "postgres", "sqlite", "tsql", "oracle"]
_PIECES = st.sampled_from(["a", "b", " ", "\n", "\r", "\r\n", "\t", ";", "'", '"', "`", "[", "]",
                           "$", "$$", "$t$", "-", "--", "#", "/", "/*", "*/", "/*!4", "\\", "\\.",
                           "E'", "GO", "go\n", "\n/\n", "DELIMITER ;;\n", "BEGIN ", "END", "CASE",
                           "(", ")",
                           "COPY t FROM stdin;\n", "\n\\c x\n", "CREATE TRIGGER ", "CREATE PROC ",
                           "INSERT ", "é", "\ufeff"])
_TEXT = st.lists(_PIECES | st.text(max_size=3), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, dialect=st.sampled_from(DIALECTS), k=st.integers(1, 9))
def test_arbitrary_text_never_raises_and_chunking_never_matters(text, dialect, k):
    whole = split(text, dialect, max_copy_rows=2)
    lines = [s.line for s in whole]
    total = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    assert lines == sorted(lines) and all(1 <= n <= total for n in lines)
    assert list(iter_statements(Trickle(text, k), dialect=dialect, max_copy_rows=2)) == whole


_IDENT = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda w: w.upper() not in {"GO", "BEGIN", "END", "CASE", "DELIMITER", "IF", "LOOP"})
_STRING_BODY = st.text(alphabet=st.sampled_from(list("ab; '\"\\-/*#$\n")), max_size=12)


def _quote(body: str, dialect: str | None) -> str:
    body = body.replace("'", "''")
    return "'" + (body.replace("\\", "\\\\") if dialect == "mysql" else body) + "'"


@settings(max_examples=200, deadline=None)
@given(data=st.data(), dialect=st.sampled_from(DIALECTS), k=st.integers(1, 50))
def test_generated_statements_split_exactly(data, dialect, k):
    statements = data.draw(st.lists(st.tuples(_IDENT, _IDENT, st.lists(_STRING_BODY, max_size=3)),
                                    min_size=1, max_size=6))
    expected = [f"INSERT INTO {t} ({c}) VALUES ("
                + ", ".join([_quote(b, dialect) for b in bodies] or ["1"]) + ")"
                for t, c, bodies in statements]
    separators = data.draw(st.lists(st.sampled_from([";\n", ";", "; -- c;'\n", ";\n\n/* x; */ "]),
                                    min_size=len(expected), max_size=len(expected)))
    script = "".join(s + sep for s, sep in zip(expected, separators, strict=True))
    assert [s.sql for s in iter_statements(Trickle(script, k), dialect=dialect)] == expected


# -- bounded memory -------------------------------------------------------------------------------
def test_streaming_a_200_mb_dump_stays_in_bounded_memory(tmp_path):
    path = tmp_path / "big.sql"
    row = "(1,'Zhang San','user@example.com','+86 138 0013 8000','It\\'s; fine',NULL,3.5)"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("CREATE TABLE `t` (`id` int);\nINSERT INTO `t` VALUES ")
        block = ",".join([row] * 10000) + ","
        for _ in range(130):  # ~100 MB on one line
            out.write(block)
        out.write(row + ";\nCOPY t (id, name) FROM stdin;\n")
        lines = "".join(f"{i}\tname {i}\tuser{i}@example.com\n" for i in range(10000))
        for _ in range(300):  # ~100 MB of COPY data
            out.write(lines)
        out.write("\\.\nSELECT 1;\n")
    assert path.stat().st_size > 190e6
    tracemalloc.start()
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            kinds = [(s.sql.split(None, 1)[0], s.truncated, s.copy_row_count,
                      len(s.copy_rows or ()))
                     for s in iter_statements(stream, dialect="mysql", max_copy_rows=100)]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert kinds == [("CREATE", False, 0, 0), ("INSERT", True, 0, 0),
                     ("COPY", False, 3_000_000, 100), ("SELECT", False, 0, 0)]
    assert peak < 50e6, f"peak {peak / 1e6:.1f} MB"


if __name__ == "__main__":  # throughput benchmark
    import tempfile

    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 50
    with tempfile.TemporaryDirectory() as tmp:
        for name, writer in (("mysqldump", write_mysqldump), ("pg_dump", write_pg_dump)):
            path = Path(tmp) / f"{name}.sql"
            writer(path, megabytes)
            for dialect in (None, "mysql" if name == "mysqldump" else "postgres"):
                rate, count = measure(path, dialect)
                print(f"{name:10} {path.stat().st_size / 1e6:6.1f} MB  dialect={dialect!s:8} "
                      f"{rate:6.1f} MB/s  {count} statements")
