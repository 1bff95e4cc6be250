"""Lexical facts about SQL dump dialects, shared by ``sql_stream``: what each dialect quotes and
comments with, regexes that jump over the boring stretches of a statement in one C-level call,
PostgreSQL COPY text-format rows, and a reader for the literal rows of INSERT ... VALUES.

Nothing here reads a stream; everything works on strings that are already in memory.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache

from scanner import regex_compat


@dataclass(frozen=True, slots=True)
class Syntax:
    """Which lexical rules apply. Each flag cites the client or server that defines it."""

    family: str | None  # mysql | postgres | sqlite | tsql | oracle | None (unknown: permissive)
    # MySQL '\'' (also in "..."); PostgreSQL with standard_conforming_strings=off
    backslash_escapes: bool = False
    e_strings: bool = False  # PostgreSQL E'...' escape strings
    hash_comments: bool = False  # MySQL: '#' to end of line
    dash_needs_space: bool = False  # MySQL: '--' opens a comment only before whitespace: 1--1 is 2
    versioned_comments: bool = False  # MySQL /*!50001 ... */ (MariaDB /*M!100101 ... */) is code
    dollar_quotes: bool = False  # PostgreSQL $$...$$ and $tag$...$tag$
    brackets: bool = False  # SQL Server and SQLite [identifier]
    go_batches: bool = False  # sqlcmd/SSMS: GO alone on a line ends a batch
    slash_blocks: bool = False  # SQL*Plus: / alone on a line runs the buffer (ends PL/SQL blocks)
    client_delimiter: bool = False  # mysql client: DELIMITER xx changes the terminator
    # T-SQL needs no ';' between statements of a batch (SSMS data scripts write one INSERT a line):
    # a line starting with a statement keyword begins the next statement when the last is complete
    statement_lines: bool = False
    # How ';' inside a routine body is told apart from a terminator: "depth" counts BEGIN/CASE/END
    # and parentheses (psql, sqlite3_complete do so); "go" and "slash": only GO or / end it.
    routine_end: str = "depth"


SYNTAXES: dict[str | None, Syntax] = {
    "mysql": Syntax("mysql", backslash_escapes=True, hash_comments=True, dash_needs_space=True,
                    versioned_comments=True, client_delimiter=True),
    "postgres": Syntax("postgres", e_strings=True, dollar_quotes=True),
    "sqlite": Syntax("sqlite", brackets=True),
    "tsql": Syntax("tsql", brackets=True, go_batches=True, routine_end="go", statement_lines=True),
    "oracle": Syntax("oracle", slash_blocks=True, routine_end="slash"),
    None: Syntax(None, e_strings=True, dollar_quotes=True, brackets=True, go_batches=True,
                 slash_blocks=True, client_delimiter=True, versioned_comments=True),
}
_FAMILY = {  # sqlglot dialect names -> whose lexical rules their dumps follow
    **dict.fromkeys(("mysql", "mariadb", "doris", "starrocks", "singlestore", "tidb"), "mysql"),
    **dict.fromkeys(("postgres", "postgresql", "redshift", "materialize", "risingwave"),
                    "postgres"),
    "sqlite": "sqlite", "tsql": "tsql", "fabric": "tsql", "oracle": "oracle"}


def syntax_for(dialect: str | None) -> Syntax:
    return SYNTAXES[_FAMILY.get((dialect or "").lower())]


# -- jumping over statement text ------------------------------------------------------------------
_SQ_PLAIN, _SQ_ESCAPED = r"(?:[^']++|'')*+", r"(?:[^'\\]++|\\[\s\S]|'')*+"
_DQ_PLAIN, _DQ_ESCAPED = r'(?:[^"]++|"")*+', r'(?:[^"\\]++|\\[\s\S]|"")*+'
QUOTED_BODY = {  # (closing character, backslash escapes) -> body up to the closing character
    ("'", False): regex_compat.compile(_SQ_PLAIN), ("'", True): regex_compat.compile(_SQ_ESCAPED),
    ('"', False): regex_compat.compile(_DQ_PLAIN), ('"', True): regex_compat.compile(_DQ_ESCAPED),
    ("`", False): regex_compat.compile(r"(?:[^`]++|``)*+"), ("]", False): regex_compat.compile(r"(?:[^\]]++|\]\])*+"),
}


@lru_cache(maxsize=64)
def code_run(syntax: Syntax, delimiter: str, in_versioned: bool) -> re.Pattern[str]:
    """A regex consuming statement text up to the next character that needs a decision.

    It swallows plain runs and whole quoted tokens, so a 5 MB extended INSERT is one C-level call.
    Every alternative insists on seeing the character after it (the lookaheads): at the end of the
    buffer it stops short, and the caller decides there with more text, so a chunk boundary
    never splits a doubled quote, a '--' or a '/*'.
    """
    esc = syntax.backslash_escapes
    e_guard = r"(?<![Ee])" if syntax.e_strings and not esc else ""  # E'..' needs its own escapes
    # (first character, alternative): an alternative never consumes the delimiter's first char
    alts = [("'", e_guard + "'" + (_SQ_ESCAPED if esc else _SQ_PLAIN) + r"'(?=[^'])"),
            ('"', '"' + (_DQ_ESCAPED if esc else _DQ_PLAIN) + r'"(?=[^"])'),
            ("-", r"-(?=[^-])"), ("/", r"/(?=[^*])")]
    # In an unknown dialect the first backquote must reach the caller: it turns on MySQL escapes
    alts.append(("`", r"`(?:[^`]++|``)*+`(?=[^`])" if syntax.family or esc else ""))
    if syntax.brackets:
        alts.append(("[", r"\[(?:[^\]]++|\]\])*+\](?=[^\]])"))
    if syntax.dollar_quotes:  # $1 parameters and a$b identifiers are no dollar quotes
        alts.append(("$", r"(?<=\w)\$|\$(?=\d)"))
    if syntax.hash_comments:
        alts.append(("#", ""))
    if in_versioned:
        alts.append(("*", r"\*(?=[^/])"))
    if syntax.statement_lines:  # stop before lines that might be GO, / or a statement keyword
        alts.append(("\n", r"\n(?=[ \t]*+(?:[^ \t\nA-Za-z/]|\n))"))
    elif syntax.go_batches or syntax.slash_blocks:  # stop only before lines that might be GO or /
        alts.append(("\n", r"\n(?=[ \t]*+(?:[^ \t\nGg/]|\n))"))
    stop = sorted({c for c, _ in alts} | {delimiter[0]})
    run = "[^" + "".join(re.escape(c) for c in stop) + "]++"
    return regex_compat.compile("(?:" + "|".join([run] + [a for c, a in alts if a and c != delimiter[0]])
                      + ")*+")


@lru_cache(maxsize=16)
def gap_run(syntax: Syntax) -> re.Pattern[str]:
    """Blanks and whole comments between statements (pg_dump writes three comment lines before
    every object). Only complete comments match; the caller decides on the rest."""
    dash = r"--(?:[ \t\f\v][^\n]*+)?\n" if syntax.dash_needs_space else r"--[^\n]*+\n"
    block = r"/\*(?!M?!)[\s\S]*?\*/" if syntax.versioned_comments else r"/\*[\s\S]*?\*/"
    hashed = r"|\#[^\n]*+\n" if syntax.hash_comments else ""
    return regex_compat.compile(rf"(?:[ \t\n\f\v\ufeff]++|{dash}|{block}{hashed})*+")


DOLLAR_TAG = regex_compat.compile(r"\$(?:[^\W\d]\w{0,62})?\$")
OPEN_DOLLAR_TAG = regex_compat.compile(r"\$(?:[^\W\d]\w{0,62})?\Z")  # could still become a tag
VERSIONED_OPEN = regex_compat.compile(r"/\*M?!\d{0,6}")  # MySQL 5-digit, MariaDB 6-digit versions
WHITESPACE = regex_compat.compile(r"[ \t\n\f\v\ufeff]*+")
GO_LINE = regex_compat.compile(r"[ \t]*GO(?:[ \t]+\d+)?[ \t]*(?:--.*)?", re.I)
SLASH_LINE = regex_compat.compile(r"[ \t]*/[ \t]*")
DELIMITER_LINE = regex_compat.compile(r"[ \t]*DELIMITER[ \t]+(\S+)", re.I)
# Keywords that never continue the statement before them (unlike SET after UPDATE, DELETE after
# ON, or SELECT after INSERT), so a line starting with one may begin a T-SQL statement.
STATEMENT_LINE = regex_compat.compile(r"[ \t]*(?:CREATE|ALTER|DROP|INSERT|TRUNCATE|GRANT|REVOKE|DENY|USE"
                            r"|EXEC|EXECUTE|PRINT)\b", re.I)

# -- routine bodies: when is ';' inside a statement? ---------------------------------------------
_ROUTINE_HEAD = regex_compat.compile(
    r"\s*(?:CREATE|ALTER)\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?(?:(?:NON)?EDITIONABLE\s+|TEMP(?:ORARY)?"
    r"\s+|CONSTRAINT\s+|AGGREGATE\s+|DEFINER\s*=\s*\S+\s+)*(TRIGGER|FUNCTION|PROCEDURE|PROC|PACKAGE"
    r"|TYPE|RULE|EVENT)\b", re.I)
_ANONYMOUS_BLOCK = regex_compat.compile(r"\s*(?:DECLARE\b|BEGIN\s+(?!TRANSACTION\b|TRAN\b|WORK\b))", re.I)
_UNTIL_GO = {"TRIGGER", "FUNCTION", "PROCEDURE", "PROC"}  # T-SQL: CREATE PROC must own its batch
_PLSQL = {"TRIGGER", "FUNCTION", "PROCEDURE", "PACKAGE", "TYPE"}  # SQL*Plus waits for '/'
_COUNTED = {"TRIGGER", "FUNCTION", "PROCEDURE", "EVENT", "RULE"}


def routine_kind(head: str, syntax: Syntax) -> str | None:
    """'go', 'slash' or 'depth' when ';' may occur inside this statement; None when it ends it."""
    word = head.lstrip()[:7].upper()
    if not word.startswith(("CREATE", "ALTER", "DECLARE", "BEGIN")):
        return None
    m = _ROUTINE_HEAD.match(head)
    kind = m.group(1).upper() if m else None
    if syntax.routine_end == "go":
        return "go" if kind in _UNTIL_GO else None
    if syntax.routine_end == "slash":
        return "slash" if kind in _PLSQL or (not m and _ANONYMOUS_BLOCK.match(head)) else None
    return "depth" if kind in _COUNTED else None


@lru_cache(maxsize=16)
def _block_tokens(syntax: Syntax) -> re.Pattern[str]:
    string = _SQ_ESCAPED if syntax.backslash_escapes else _SQ_PLAIN
    comment = r"--[^\n]*|/\*[\s\S]*?\*/" + (r"|\#[^\n]*" if syntax.hash_comments else "")
    parts = [f"(?P<comment>{comment})", f"'{string}'", f'"{_DQ_PLAIN}"', r"`[^`]*`",
             r"\b(?P<word>BEGIN(?!\s+(?:TRAN|TRANSACTION|DISTRIBUTED|WORK)\b)|CASE"
             r"|END(?!\s+(?:IF|LOOP|WHILE|REPEAT)\b))\b", r"(?P<paren>[()])"]
    if syntax.brackets:
        parts.append(r"\[[^\]]*\]")
    if syntax.dollar_quotes:
        parts.insert(0, r"(?<!\w)(?P<tag>\$(?:[^\W\d]\w*)?\$)[\s\S]*?(?P=tag)")
    return regex_compat.compile("|".join(parts), re.I)


def block_state(text: str, syntax: Syntax) -> tuple[bool, str]:
    """(is a BEGIN ... END or a parenthesis still open at the end, last character of code).

    psql (psqlscan.l) counts BEGIN, CASE and END inside CREATE FUNCTION/PROCEDURE and parentheses
    everywhere; sqlite3_complete() waits for END before ';' in CREATE TRIGGER. END IF / END LOOP
    close words that never counted. Comments are no code.
    """
    depth = parens = done = 0
    last = ""
    for m in _block_tokens(syntax).finditer(text):
        gap = text[done:m.start()].rstrip()
        last, done = gap[-1] if gap else last, m.end()
        if m.group("comment"):
            continue
        last = m.group()[-1]
        word, paren = m.group("word"), m.group("paren")
        if word:
            word = word.upper()
            if word == "BEGIN" or (word == "CASE" and depth):
                depth += 1
            elif word.startswith("END") and depth:
                depth -= 1
        elif paren:
            parens += 1 if paren == "(" else -1 if parens else 0
    gap = text[done:].rstrip()
    return depth > 0 or parens > 0, gap[-1] if gap else last


# -- PostgreSQL COPY ... FROM stdin, text format ----------------------------------------------
COPY_FROM_STDIN = regex_compat.compile(r"COPY\b[\s\S]*?\bFROM\s+STDIN\b([\s\S]*)", re.I)
_COPY_ESCAPE = regex_compat.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|([\s\S]))")
_COPY_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _copy_unescape(m: re.Match[str]) -> str:
    octal, hexa, char = m.groups()
    if octal:
        return chr(int(octal, 8))
    if hexa:
        return chr(int(hexa, 16))
    return _COPY_SIMPLE.get(char, char)


def copy_row(line: str, csv_format: bool) -> tuple[str | None, ...]:
    """One data line: tab-separated fields, \\N is NULL, backslash escapes per the COPY docs."""
    if csv_format:
        # csv raises on a field over its 128 KiB field_size_limit (a long JSON or text column)
        # and on a bare \r: that aborted the whole dump. Such a row is kept split at commas.
        try:
            return tuple(next(csv.reader([line]), []))
        except csv.Error:
            return tuple(line.split(","))
    return tuple(None if f == r"\N" else f if "\\" not in f else _COPY_ESCAPE.sub(_copy_unescape, f)
                 for f in line.split("\t"))


@dataclass(slots=True)
class CopyData:
    """The data lines of one COPY ... FROM stdin block, read from text the caller buffers.

    Data starts on the line after the COPY statement and ends at a line "\\." (or the end of the
    input). The first ``max_rows`` rows are parsed and kept; the rest are only counted, with
    str.find and str.count over the buffer, never a Python loop per line.
    """

    csv_format: bool
    max_rows: int
    max_chars: int  # a longer row is counted, never kept
    rows: list[tuple[str | None, ...]] = field(default_factory=list)
    count: int = 0
    done: bool = False
    started: bool = False  # the rest of the COPY statement's line has been skipped
    in_long_line: bool = False  # inside a row too long to keep: skip to its end

    def consume(self, buf: str, pos: int, eof: bool) -> tuple[int, bool]:
        """Read from buf[pos:]: (where reading stopped, False when more text is needed)."""
        n = len(buf)
        while not self.done:
            if not self.started or self.in_long_line:
                end = buf.find("\n", pos)
                if end < 0:
                    return n, False
                self.started, self.in_long_line, pos = True, False, end + 1
            elif len(self.rows) < self.max_rows:
                end = buf.find("\n", pos)
                if end < 0:
                    if not eof and n - pos > self.max_chars:
                        self.count, self.in_long_line = self.count + 1, True
                        return n, False
                    if not eof or pos >= n:
                        return pos, False
                    end = n
                pos = self._keep(buf, pos, end)
            else:
                pos, progressed = self._count(buf, pos, eof)
                if not progressed:
                    return pos, False
        return pos, True

    def _keep(self, buf: str, pos: int, end: int) -> int:
        if end - pos == 2 and buf.startswith("\\.", pos):
            self.done = True
        else:
            self.count += 1
            if end - pos <= self.max_chars:
                self.rows.append(copy_row(buf[pos:end], self.csv_format))
        return min(end + 1, len(buf))

    def _count(self, buf: str, pos: int, eof: bool) -> tuple[int, bool]:
        n = len(buf)
        if buf.startswith("\\.\n", pos) or (eof and n == pos + 2 and buf.startswith("\\.", pos)):
            self.done = True
            return min(pos + 3, n), True
        marker = buf.find("\n\\.\n", pos)
        last = marker if marker >= 0 else buf.rfind("\n", pos)
        if last >= 0:  # whole lines up to the end marker, or up to the last complete line
            self.count += buf.count("\n", pos, last + 1)
            return last + 1, True
        if (eof or n - pos >= 3) and pos < n and not (n - pos == 2 and buf.startswith("\\.", pos)):
            self.count, self.in_long_line = self.count + 1, True  # a line that is no end marker
            return n, False
        return pos, False


# -- INSERT ... VALUES literals ------------------------------------------------------------------
_NAME = r"""(?:`(?:[^`]|``)+`|"(?:[^"]|"")+"|\[(?:[^\]]|\]\])+\]|[^\s.,;()'"`\[\]]+)"""
_NAME_RE = regex_compat.compile(_NAME)
INSERT_HEAD = regex_compat.compile(
    rf"""\s*(?:INSERT|REPLACE)\b
    (?:\s+(?:LOW_PRIORITY|DELAYED|HIGH_PRIORITY|IGNORE
          |OR\s+(?:REPLACE|IGNORE|ABORT|FAIL|ROLLBACK)))*
    (?:\s+INTO)?\s+(?P<table>{_NAME}(?:\s*\.\s*{_NAME}){{0,2}})
    \s*(?P<cols>\(\s*{_NAME}(?:\s*,\s*{_NAME})*\s*\))?
    \s*(?:OVERRIDING\s+(?:SYSTEM|USER)\s+VALUE\s+)?VALUES?\s*(?=\()""", re.I | re.X)
_CAST = r"(?:\s*::\s*[A-Za-z_][\w ]*?(?:\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\[\])*)?"
_NUMBER = r"(?P<num>[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|0[xX][0-9A-Fa-f]+|0[bB][01]+)"
_INTRODUCER = r"(?:[Nn]|_[A-Za-z0-9]+\s*)"  # N'..' national, MySQL _utf8mb4'..' charset introducer


def _fast_value(prefix: str, body: str) -> re.Pattern[str]:
    return regex_compat.compile(rf"\s*(?:(?P<pre>{prefix})?'(?P<str>{body})'|{_NUMBER}|(?P<null>NULL)\b)"
                      rf"{_CAST}\s*(?=[,)])", re.I)


_VALUE_PLAIN = _fast_value(_INTRODUCER, _SQ_PLAIN)  # standard SQL: only '' escapes a quote
_VALUE_ESTRING = _fast_value("[Ee]", _SQ_ESCAPED)  # PostgreSQL E'..'
_VALUE_MYSQL = _fast_value(_INTRODUCER, _SQ_ESCAPED)
_EXPRESSION_PART = {False: regex_compat.compile(rf"[^'\"`(),]++|'{_SQ_PLAIN}'|\"{_DQ_PLAIN}\"|`[^`]*`"),
                    True: regex_compat.compile(rf"[^'\"`(),]++|'{_SQ_ESCAPED}'|\"{_DQ_ESCAPED}\"|`[^`]*`")}
_PG_BACKSLASH = regex_compat.compile(
    r"\\([0-7]{1,3}|x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[\s\S])|''")
_MYSQL_BACKSLASH = regex_compat.compile(r"\\([\s\S])|''")
_MYSQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a",
                  "%": "\\%", "_": "\\_"}  # MySQL keeps the backslash of \% and \_ (LIKE escapes)
_PG_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(body: str, mysql: bool) -> str:
    """Backslash escapes: MySQL string literals, or PostgreSQL E'..' (octal, hex, unicode too)."""
    def one(m: re.Match[str]) -> str:
        seq = m.group(1)
        if seq is None:
            return "'"
        if mysql:
            return _MYSQL_ESCAPES.get(seq, seq)
        if seq[0] in "01234567":
            return chr(int(seq, 8))
        if seq[0] in "xuU" and len(seq) > 1:
            code = int(seq[1:], 16)
            return chr(code) if code <= 0x10FFFF else m.group(0)
        return _PG_ESCAPES.get(seq, seq)

    return (_MYSQL_BACKSLASH if mysql else _PG_BACKSLASH).sub(one, body)


def _literal(m: re.Match[str], mysql: bool) -> str | None:
    if m.group("null"):
        return None
    if m.group("num"):
        return m.group("num")
    body, prefix = m.group("str"), (m.group("pre") or "").strip()
    if prefix in ("E", "e"):
        return _unescape(body, mysql=False)
    if mysql:
        return _unescape(body, mysql=True) if "\\" in body or "''" in body else body
    return body.replace("''", "'")


def _expression(sql: str, pos: int, mysql: bool) -> tuple[str, int] | None:
    """Source text of a value that is no plain literal (now(), nextval('s'), 1 + 2, X'41')."""
    part, start, depth, n = _EXPRESSION_PART[mysql], pos, 0, len(sql)
    while pos < n:
        c = sql[pos]
        if c == "(":
            depth += 1
        elif c == ")" or c == ",":
            if not depth:
                return sql[start:pos].strip(), pos
            depth -= c == ")"
        else:
            m = part.match(sql, pos)
            if not m or m.end() == pos:
                return None  # an unterminated quote: the statement was cut short
            pos = m.end()
            continue
        pos += 1
    return None


def _row(sql: str, pos: int, mysql: bool) -> tuple[tuple[str | None, ...], int] | None:
    fast = _VALUE_MYSQL if mysql else _VALUE_PLAIN
    values: list[str | None] = []
    while True:
        m = fast.match(sql, pos) or (None if mysql else _VALUE_ESTRING.match(sql, pos))
        if m:
            values.append(_literal(m, mysql))
            pos = m.end()
        else:
            found = _expression(sql, pos, mysql)
            if found is None:
                return None
            values.append(None if found[0].upper() == "NULL" else found[0])
            pos = found[1]
        if pos >= len(sql):
            return None
        pos += 1
        if sql[pos - 1] == ")":
            return tuple(values), pos


def unquote_name(name: str) -> str:
    if name[0] in "`\"[" and len(name) > 1:
        close = "]" if name[0] == "[" else name[0]
        return name[1:-1].replace(close * 2, close)
    return name


def insert_rows(sql: str, limit: int, mysql: bool | None):
    """(table, columns, rows) of INSERT ... VALUES; None when the statement is something else.

    mysql=None guesses from the table name: backticks mean MySQL backslash escapes.
    """
    head = INSERT_HEAD.match(sql)
    if not head:
        return None
    table_text, cols_text = head.group("table"), head.group("cols")
    if mysql is None:
        mysql = table_text.startswith("`")
    table = ".".join(unquote_name(n) for n in _NAME_RE.findall(table_text))
    columns = None
    if cols_text:
        columns = tuple(unquote_name(n) for n in _NAME_RE.findall(cols_text[1:-1]))
    rows: list[tuple[str | None, ...]] = []
    pos, n = head.end(), len(sql)
    while len(rows) < limit and pos < n and sql[pos] == "(":
        found = _row(sql, pos + 1, mysql)
        if found is None:
            break  # malformed or cut short (a truncated statement): keep the rows read so far
        rows.append(found[0])
        pos = WHITESPACE.match(sql, found[1]).end()
        if pos < n and sql[pos] == ",":
            pos = WHITESPACE.match(sql, pos + 1).end()
        else:
            break
    return table, columns, rows
