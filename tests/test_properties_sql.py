"""Property tests: the SQL statement splitter, the INSERT/COPY literal lexer and sql_dump end to end.

tests/test_sql_stream.py already checks that odd text never raises, that chunking never matters
and that generated INSERTs split exactly. Here: bytes decoded as a scanner decodes them, where each
statement's text comes from (an in-order slice of the input that starts on the statement's line),
the splitting of N well-formed statements of mixed kinds with comments between them, INSERT rows
read back to the values written, and parse_dump never raising whatever the text.
"""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.parsers import _sql_lexer as lx
from scanner.parsers.source import InputSource, ParserSettings
from scanner.parsers.sql_dump import parse_dump
from scanner.parsers.sql_stream import iter_insert_rows, iter_statements

DIALECTS = [None, "mysql", "postgres", "sqlite", "tsql", "oracle"]
_SETTINGS = settings(max_examples=300, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])

# Pieces that steer the splitter into every state: quotes, comments, client commands, COPY data,
# routine bodies, versioned comments; mixed with arbitrary text.
_PIECES = st.sampled_from([
    "a", " ", "\n", "\r", "\r\n", "\t", ";", "'", "''", '"', "`", "[", "]", "$", "$$", "$t$",
    "--", "-- ", "#", "/", "/*", "*/", "/*!40101 ", "/*M!100", "\\", "\\.\n", "E'", "GO\n",
    "\n/\n", "DELIMITER ;;\n", "DELIMITER ;\n", ";;", "BEGIN ", "END", "CASE ", "(", ")",
    "COPY t (a, b) FROM stdin;\n", "COPY t FROM stdin WITH CSV;\n", "1\t\\N\n", "\n\\connect x\n",
    "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN ", "CREATE PROCEDURE p AS ",
    "CREATE OR REPLACE FUNCTION f() RETURNS int AS ", "INSERT INTO t VALUES (", "SET ",
    "SET standard_conforming_strings = off;\n", "CREATE TABLE t (", "é", "\ufeff", "\x00",
])
_TEXT = st.lists(_PIECES | st.text(max_size=4), max_size=50).map("".join)


def _normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split(text: str, dialect: str | None, **kw):
    return list(iter_statements(io.StringIO(text, newline=""), dialect=dialect, **kw))


def _check_statements(text: str, statements, *, slices: bool) -> None:
    """Lines in range and non-decreasing; with ``slices``, every statement's text is a slice of
    the input that starts on its line, after the previous statement's slice."""
    norm = _normalised(text)
    starts = [0] + [i + 1 for i, ch in enumerate(norm) if ch == "\n"]
    total = len(starts)
    previous_line, cursor = 1, 0
    for statement in statements:
        assert 1 <= statement.line <= total, (statement, total)
        assert statement.line >= previous_line
        previous_line = statement.line
        assert statement.sql == statement.sql.strip() and statement.sql
        if statement.copy_rows is not None:
            assert len(statement.copy_rows) <= statement.copy_row_count
        if not slices or statement.truncated:
            continue
        line_start = starts[statement.line - 1]
        line_end = starts[statement.line] if statement.line < total else len(norm) + 1
        found = norm.find(statement.sql, max(line_start, cursor))
        assert 0 <= found < line_end, (statement, norm)
        cursor = found + len(statement.sql)


@_SETTINGS
@given(text=_TEXT, dialect=st.sampled_from(DIALECTS))
def test_statements_are_in_order_slices_of_the_input_starting_on_their_line(text, dialect):
    statements = _split(text, dialect, max_copy_rows=3)
    # MySQL /*!NNNNN ... */ wrappers are cut out of the statement: no longer one slice.
    versioned = dialect in (None, "mysql") and ("/*!" in text or "/*M!" in text)
    _check_statements(text, statements, slices=not versioned)


@_SETTINGS
@given(raw=st.binary(max_size=300), dialect=st.sampled_from(DIALECTS),
       encoding=st.sampled_from(["utf-8", "latin-1", "utf-16-le", "gb18030"]))
def test_decoded_bytes_never_raise(raw, dialect, encoding):
    text = raw.decode(encoding, errors="replace")  # as discover/textio decode an input
    _check_statements(text, _split(text, dialect, max_copy_rows=2, max_statement_bytes=64),
                      slices=False)


@_SETTINGS
@given(text=_TEXT, dialect=st.sampled_from(DIALECTS), cap=st.integers(1, 40))
def test_a_statement_cap_is_respected(text, dialect, cap):
    """max_statement_bytes bounds every statement's text. (Where statements end may change with
    the cap, by design: a routine body longer than the cap is no longer scanned for BEGIN/END,
    and a COPY statement cut short is no longer known to be followed by data.)"""
    capped = _split(text, dialect, max_copy_rows=3, max_statement_bytes=cap)
    _check_statements(text, capped, slices=False)
    for statement in capped:
        assert len(statement.sql) <= cap or statement.meta
        assert not statement.truncated or len(statement.sql) <= cap


# -- N well-formed statements give N statements ---------------------------------------------------
_IDENT = st.from_regex(r"c_[a-z0-9_]{0,8}", fullmatch=True)  # c_ prefix: never a keyword
_BODY = st.text(alphabet=st.sampled_from(list("ab ;'\"\\-/*#$\n()é")), max_size=12)
_NUMBER = st.integers(-10**12, 10**12).map(str)


def _literal(body: str, dialect: str | None) -> str:
    body = body.replace("'", "''")
    return "'" + (body.replace("\\", "\\\\") if dialect == "mysql" else body) + "'"


@st.composite
def _statement(draw, dialect: str | None) -> str:
    table, column = draw(_IDENT), draw(_IDENT)
    value = st.one_of(_BODY.map(lambda b: _literal(b, dialect)), _NUMBER, st.just("NULL"))
    kind = draw(st.sampled_from(["insert", "create", "update", "delete", "select", "grant"]))
    if kind == "insert":
        rows = draw(st.lists(st.lists(value, min_size=1, max_size=3), min_size=1, max_size=3))
        return (f"INSERT INTO {table} ({column}) VALUES "
                + ", ".join("(" + ", ".join(r) + ")" for r in rows))
    if kind == "create":
        return f"CREATE TABLE {table} (\n  {column} varchar(20) DEFAULT {draw(value)},\n  id int\n)"
    if kind == "update":
        return f"UPDATE {table} SET {column} = {draw(value)} WHERE id = {draw(_NUMBER)}"
    if kind == "delete":
        return f"DELETE FROM {table} WHERE {column} IN ({draw(value)}, {draw(value)})"
    if kind == "select":
        return f"SELECT {column}, ({draw(value)}) FROM {table}"
    return f"GRANT SELECT ON {table} TO {column}"


_GAPS = ["", "\n", "\n\n", "  ", "\n-- a comment; with 'quotes'\n", "\n/* block; comment\n */\n",
         "\r\n", "\n-- x\n-- y\n"]


@_SETTINGS
@given(data=st.data(), dialect=st.sampled_from(DIALECTS), k=st.integers(1, 64))
def test_n_well_formed_statements_split_into_n(data, dialect, k):
    statements = data.draw(st.lists(_statement(dialect), min_size=1, max_size=6))
    gaps = data.draw(st.lists(st.sampled_from(_GAPS), min_size=len(statements) + 1,
                              max_size=len(statements) + 1))
    parts, lines = [gaps[0]], []
    for statement, gap in zip(statements, gaps[1:], strict=True):
        lines.append(_normalised("".join(parts)).count("\n") + 1)
        parts.append(statement + ";" + gap)
    script = "".join(parts)
    got = [s for s in iter_statements(_Trickle(script, k), dialect=dialect)]
    assert [s.sql for s in got] == statements
    assert [s.line for s in got] == lines


class _Trickle(io.StringIO):
    """At most k characters a read: every chunk boundary is crossed."""

    def __init__(self, text: str, k: int):
        super().__init__(text, newline="")
        self.k = k

    def read(self, n: int | None = -1) -> str:
        return super().read(self.k if n is None or n < 0 else min(n, self.k))


# -- the literal lexer: INSERT ... VALUES and COPY rows -------------------------------------------
@_SETTINGS
@given(tail=_TEXT | st.text(max_size=80), dialect=st.sampled_from(DIALECTS),
       head=st.sampled_from(["INSERT INTO t VALUES (", "INSERT INTO `t` (`a`) VALUES (",
                             "REPLACE t VALUES(", 'INSERT INTO "s"."t" ("a", "b") VALUES (',
                             "INSERT INTO [t] VALUES (", "insert into t values\n("]),
       limit=st.integers(-1, 5))
def test_insert_rows_never_raise_on_arbitrary_values(head, tail, dialect, limit):
    found = iter_insert_rows(head + tail, limit=limit, dialect=dialect)
    assert found is not None  # the head is an INSERT
    table, columns, rows = found
    assert table and len(rows) <= max(limit, 0)
    assert all(v is None or isinstance(v, str) for row in rows for v in row)


@_SETTINGS
@given(sql=_TEXT | st.text(max_size=80), dialect=st.sampled_from(DIALECTS))
def test_insert_rows_never_raise_on_arbitrary_statements(sql, dialect):
    iter_insert_rows(sql, limit=3, dialect=dialect)


_VALUE = st.one_of(st.none(), st.text(max_size=15), st.integers(-10**18, 10**18),
                   st.decimals(allow_nan=False, allow_infinity=False, places=3))


def _render(value, mysql: bool) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        body = value.replace("\\", "\\\\") if mysql else value
        return "'" + body.replace("'", "''") + "'"
    return str(value)


@_SETTINGS
@given(rows=st.lists(st.lists(_VALUE, min_size=1, max_size=4), min_size=1, max_size=4),
       dialect=st.sampled_from(["mysql", "postgres", "sqlite", "tsql", "oracle", None]),
       spaces=st.sampled_from(["", " ", "\n  "]))
def test_insert_values_read_back_as_written(rows, dialect, spaces):
    mysql = dialect == "mysql"
    table = "`t`" if mysql else "t"
    sql = (f"INSERT INTO {table} VALUES{spaces}" + f",{spaces}".join(
        "(" + f",{spaces}".join(_render(v, mysql) for v in row) + ")" for row in rows))
    table_name, columns, got = iter_insert_rows(sql, limit=10, dialect=dialect)
    expected = [tuple(None if v is None else str(v) for v in row) for row in rows]
    assert (table_name, columns, got) == ("t", None, expected)


@_SETTINGS
@given(line=st.text(max_size=40), csv_format=st.booleans())
def test_copy_rows_never_raise(line, csv_format):
    row = lx.copy_row(line, csv_format)  # found: csv.Error on "\r" or a field over 128 KiB
    assert all(v is None or isinstance(v, str) for v in row)


def test_a_csv_copy_field_over_the_csv_module_limit_does_not_abort_the_dump():
    script = "COPY t (a) FROM stdin WITH CSV;\n" + "x" * 200_000 + "\n\\.\nSELECT 1;\n"
    statements = _split(script, "postgres")
    assert [s.sql for s in statements] == ["COPY t (a) FROM stdin WITH CSV", "SELECT 1"]
    assert statements[0].copy_row_count == 1


@_SETTINGS
@given(rows=st.lists(st.lists(st.one_of(st.none(), st.text(max_size=10)), min_size=1,
                              max_size=4), min_size=1, max_size=5))
def test_copy_text_rows_read_back_as_written(rows):
    """COPY text format: fields escaped as pg_dump escapes them come back unchanged."""
    def escape(field: str | None) -> str:
        if field is None:
            return "\\N"
        return (field.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))

    data = "".join("\t".join(escape(f) for f in row) + "\n" for row in rows)
    script = "COPY t (a) FROM stdin;\n" + data + "\\.\nSELECT 1;\n"
    statements = _split(script, "postgres", max_copy_rows=100)
    assert [s.sql for s in statements] == ["COPY t (a) FROM stdin", "SELECT 1"]
    assert statements[0].copy_rows == tuple(tuple(r) for r in rows)
    assert statements[0].copy_row_count == len(rows)
    assert statements[1].line == len(rows) + 3


# -- sql_dump end to end --------------------------------------------------------------------------
_DDL_PIECES = st.sampled_from([
    "CREATE TABLE t (", "CREATE TABLE `u` (", "CREATE TABLE public.p (", "id int", "name text",
    "email varchar(255) NOT NULL", "PRIMARY KEY (id)", ", ", ")", ");\n", ";\n", "(", "'", "\n",
    "ALTER TABLE t ADD COLUMN ", "ALTER TABLE ONLY t ALTER COLUMN id SET DEFAULT ", "DROP TABLE t",
    "INSERT INTO t VALUES (1, 'a@b.cn')", "INSERT INTO t (", "COPY t (id, name) FROM stdin;\n",
    "1\tx\n", "\\.\n", "COMMENT ON COLUMN t.id IS '", "GRANT ALL ON t TO ", "CREATE ROLE r ",
    "CREATE VIEW v AS SELECT ", "CREATE USER 'u'@'%' IDENTIFIED BY 'p'", "CREATE EXTENSION ",
    "CREATE FUNCTION f() RETURNS trigger AS $$ BEGIN ", "$$ LANGUAGE plpgsql", "ALTER ROLE ",
    "REVOKE ", "WITH ", "EXEC sp_addextendedproperty ", "GO\n", "RENAME TO ", "CREATE INDEX ",
    "ENCRYPTED ", "PASSWORD ", "DEFAULT ", "CHECK (", "REFERENCES ", "::", "`", '"', "[", "]",
])
_DDL = st.lists(_DDL_PIECES | st.text(max_size=5), max_size=40).map("".join)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_DDL | _TEXT, dialect=st.sampled_from([None, "postgres", "mysql", "sqlite", "tsql",
                                                   "oracle"]))
def test_parse_dump_never_raises(text, dialect):
    source = InputSource("dump.sql", "sql", _text=text,
                         settings=ParserSettings(dialect=dialect, max_samples=3))
    model = parse_dump(source)
    total = _normalised(text).count("\n") + 1
    for line, message in model.warnings:
        assert line is None or 1 <= line <= total, (line, message)
    for table in model.tables.values() if isinstance(model.tables, dict) else model.tables:
        for col in table.columns.values() if isinstance(table.columns, dict) else table.columns:
            assert col.location.line is None or 1 <= col.location.line <= total
