"""SQL dumps as a stream of statements, in bounded memory.

Reads pg_dump (with psql meta-commands and COPY ... FROM stdin data), mysqldump and Navicat
(versioned /*!NNNNN ... */ comments, DELIMITER blocks, backslash escapes), sqlite3 .dump, SQL
Server scripts (GO batches) and Oracle scripts (/ after PL/SQL blocks). The stream is read in
chunks; only the current statement (capped at ``max_statement_bytes``) and one chunk are held,
and COPY data is consumed line by line. Lexical rules per dialect live in ``_sql_lexer``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TextIO

from scanner import regex_compat
from scanner.parsers import _sql_lexer as lx

# -- dialect signals: (dialect, weight, pattern), searched in the lower-cased head, line by line --
# A header written by the dump tool is decisive (10); syntax that only one dialect accepts is
# strong (4-6); what several dialects share is a hint (1-3). Patterns are lower case because the
# head is lower-cased once, and none starts with \b: both would defeat the fast literal search.
_SERVER = r"(?:source server type|target server type|db server)\s*:\s*"  # Navicat and others
SIGNALS: tuple[tuple[str, int, str], ...] = (
    ("postgres", 10, r"^--\s*postgresql database (?:cluster )?dump"),
    ("mysql", 10, r"^--\s*(?:mysql|mariadb) dump\b"),
    ("sqlite", 10, r"^pragma\s+foreign_keys\s*=\s*off;\s*\nbegin transaction;"),  # sqlite3 .dump
    ("tsql", 10, r"^\s*set\s+(?:ansi_nulls|quoted_identifier)\s+on\b"),  # SSMS "Script as"
    ("mysql", 10, _SERVER + r"(?:mysql|mariadb)"),
    ("postgres", 10, _SERVER + r"postgresql"),
    ("sqlite", 10, _SERVER + r"sqlite"),
    ("tsql", 10, _SERVER + r"(?:sql ?server|mssql)"),
    ("oracle", 10, _SERVER + r"oracle"),
    ("postgres", 6, r"^\\(?:restrict|unrestrict|connect|c)\b"),  # psql meta-commands
    ("postgres", 6, r"^copy\s+\S.*\bfrom\s+stdin;"),
    ("postgres", 5, r"set\s+(?:standard_conforming_strings|search_path|client_encoding)\b"),
    ("postgres", 5, r"pg_catalog\."),
    ("postgres", 3, r"owner\s+to\b"),
    ("postgres", 3, r"serial\b"),
    ("postgres", 2, r"::[a-z_]"),
    ("postgres", 2, r"public\.\w"),
    ("mysql", 6, r"/\*!\d{5}"),
    ("mysql", 5, r"engine\s*=\s*\w+"),
    ("mysql", 4, r"^delimiter\s+\S"),
    ("mysql", 3, r"`\w+`"),
    ("mysql", 2, r"auto_increment\b"),
    ("mysql", 2, r"(?:unsigned|tinyint|mediumtext|longtext)\b"),
    ("mysql", 2, r"comment\s*=?\s*'"),
    ("sqlite", 6, r"pragma\s+\w+"),
    ("sqlite", 6, r"sqlite_(?:sequence|master|schema)\b"),
    ("sqlite", 3, r"autoincrement\b"),
    ("sqlite", 3, r"datetime\s*\(\s*'now'"),
    ("sqlite", 3, r"where\s+rowid\s*="),
    ("sqlite", 2, r"^begin transaction;"),
    ("tsql", 6, r"^\s*go\s*$"),
    ("tsql", 6, r"\[dbo\]"),
    ("tsql", 3, r"identity\b"),
    ("tsql", 3, r"clustered\b"),
    ("tsql", 2, r"nvarchar\b"),
    ("tsql", 2, r"getdate\s*\("),
    ("tsql", 1, r"\[\w+\]"),
    ("oracle", 6, r"varchar2\b"),
    ("oracle", 5, r"^\s*/\s*$"),
    ("oracle", 4, r"number\s*\("),
    ("oracle", 4, r":(?:new|old)\.\w"),
    ("oracle", 4, r"create\s+or\s+replace\s+(?:trigger|procedure|function|package)\b"
                  r"[^$]{0,400}?\bbegin\b"),  # no '$' between: a PostgreSQL body is dollar-quoted
    ("oracle", 2, r"from\s+dual\b"),
    ("oracle", 2, r"\.nextval\b"),
)
_COMPILED_SIGNALS = tuple((d, w, regex_compat.compile(p, re.M)) for d, w, p in SIGNALS)
_MIN_SCORE = 4

CHUNK_CHARS = 1 << 20
_KEEP_BEHIND = 2  # characters kept before the resume point: E'..' and $ look one or two back
_COMMAND_LINE_MAX = 4096  # a client command (\meta, DELIMITER, GO, /) is a short line
_DETECT_CHARS = 64 * 1024  # the head searched for dialect signals when none is given
_HEAD_CHARS = 300  # enough of a statement to tell CREATE ... TRIGGER and COPY ... FROM stdin
_BLOCK_SCAN_MAX = 1 << 20  # a routine body longer than this: ';' ends it after all
_CONFORMING_STRINGS = regex_compat.compile(
    r"SET\s+(?:SESSION\s+)?standard_conforming_strings\s*(?:=|TO)\s*'?(on|off)", re.I)


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str  # without terminator; /*!NNNNN ... */ wrappers unwrapped; leading comments stripped
    line: int  # 1-based line of the first token
    copy_rows: tuple[tuple[str | None, ...], ...] | None = None  # COPY ... FROM stdin: kept rows
    copy_row_count: int = 0  # every data row of the COPY block, kept or not
    meta: bool = False  # a psql meta-command line (\restrict, \connect ...): sql holds the line
    truncated: bool = False  # sql holds only the first max_statement_bytes characters


def detect_dialect(head: str) -> str | None:
    """The sqlglot dialect that wrote this dump head, or None when the signals do not agree."""
    head = head.lower()
    scores: dict[str, int] = {}
    for dialect, weight, pattern in _COMPILED_SIGNALS:
        if pattern.search(head):
            scores[dialect] = scores.get(dialect, 0) + weight
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    top, runner_up = [*sorted(scores.values(), reverse=True), 0][:2]
    return best if top >= _MIN_SCORE and top > runner_up else None


def iter_statements(stream: TextIO, *, dialect: str | None = None, max_copy_rows: int = 200,
                    max_statement_bytes: int = 8 << 20) -> Iterator[Statement]:
    """Statements of a SQL script in order. Never raises on odd text: at the end of the stream an
    unterminated statement, string or comment is yielded as far as it goes. The dialect is
    detected from the first 64 KiB when not given. Sizes count characters."""
    yield from _Splitter(stream, dialect, max_copy_rows, max_statement_bytes).run()


Row = tuple[str | None, ...]


def iter_insert_rows(sql: str, *, limit: int, dialect: str | None = None
                     ) -> tuple[str | None, tuple[str, ...] | None, list[Row]] | None:
    """(table, columns or None, up to ``limit`` rows) of INSERT/REPLACE ... VALUES, else None.

    Values are Python strings (None for NULL): strings unescaped, numbers and keywords as written,
    expressions such as now() or nextval('s') as their source text. Backslash escapes apply for
    MySQL (also guessed from a backquoted table name when ``dialect`` is None) and in E'..'.
    """
    family = lx.syntax_for(dialect).family
    return lx.insert_rows(sql, max(limit, 0), True if family == "mysql" else None if family is None
                          else False)


# First letters of statements that need no decision beyond "where does it end": not a client
# command (\, DELIMITER, GO), a routine (CREATE, ALTER, DECLARE, BEGIN), COPY or SET.
_PLAIN_START = frozenset("EeFfHhIiJjKkLlMmNnOoPpQqRrTtUuVvWwXxYyZz")
_BETWEEN, _CODE, _QUOTED, _DOLLAR, _LINE_COMMENT, _BLOCK_COMMENT, _COPY = range(7)
_NEED, _NONE, _LINE, _BLOCK, _VERSIONED = range(5)


class _Splitter:
    """A state machine over a buffer that holds one chunk plus the tail it could not decide yet.

    Each step handles the text at ``pos`` and returns False when it needs more text to decide
    (the driver then reads a chunk, or at the end of the stream yields what is left).
    """

    def __init__(self, stream: TextIO, dialect: str | None, max_copy_rows: int, max_chars: int):
        self.stream, self.dialect = stream, dialect
        self.max_copy_rows, self.max_chars = max(max_copy_rows, 0), max(max_chars, 1)
        # buf_starts_line: only blanks precede buf[0] on its line (a client command may start there)
        self.buf, self.pos, self.eof, self.buf_starts_line = "", 0, False, True
        self.line_no, self.line_pos = 1, 0  # line number of buf[line_pos]
        self.mode, self.delimiter, self.versioned = _BETWEEN, ";", False
        self.seg, self.parts, self.kept, self.truncated = -1, [], 0, False  # the open statement
        self.length = 0  # characters of the open statement committed so far, kept or not
        self.head = ""  # its first committed characters, kept whatever max_chars says
        self.stmt_line, self.routine, self.closer, self.escapes = 0, "", "", False
        self.copy: lx.CopyData | None = None
        self.copy_statement: Statement | None = None
        self.ready: list[Statement] = []

    def run(self) -> Iterator[Statement]:
        dialect = self.dialect
        if not dialect:
            while len(self.buf) < _DETECT_CHARS and not self.eof:  # short reads: a real head
                self._refill()
            dialect = detect_dialect(self.buf[:_DETECT_CHARS])
        self._set_syntax(lx.syntax_for(dialect))
        steps = {_BETWEEN: self._between, _CODE: self._code, _QUOTED: self._quoted,
                 _DOLLAR: self._dollar, _LINE_COMMENT: self._line_comment,
                 _BLOCK_COMMENT: self._block_comment, _COPY: self._copy}
        while True:
            progressed = steps[self.mode]()
            if self.ready:
                yield from self.ready
                self.ready.clear()
            if not progressed:
                if self.eof:
                    break
                self._refill()
        self._finish_at_eof()
        yield from self.ready

    # -- buffer and lines --------------------------------------------------------------------
    def _refill(self) -> None:
        chunk = self.stream.read(CHUNK_CHARS)
        while chunk.endswith("\r"):  # keep a \r\n pair in one chunk
            more = self.stream.read(1)
            if not more:
                break
            chunk += more
        if not chunk:
            self.eof = True
            return
        if "\r" in chunk:  # \r\n and a lone \r end a line as \n does
            chunk = chunk.replace("\r\n", "\n").replace("\r", "\n")
        if self.seg >= 0:
            self._commit(self.pos)
        drop = max(self.pos - _KEEP_BEHIND, 0)
        self._line_at(drop)
        if drop:
            self.buf_starts_line = self._blank_before(drop)
        self.buf = self.buf[drop:] + chunk
        self.pos -= drop
        self.line_pos -= drop
        if self.seg >= 0:
            self.seg -= drop

    def _line_at(self, pos: int) -> int:
        if pos > self.line_pos:
            self.line_no += self.buf.count("\n", self.line_pos, pos)
            self.line_pos = pos
        return self.line_no

    def _blank_before(self, pos: int) -> bool:
        """Only blanks between the start of pos's line and pos?"""
        buf = self.buf
        while pos and buf[pos - 1] in " \t\ufeff":
            pos -= 1
        return buf[pos - 1] == "\n" if pos else self.buf_starts_line

    def _line(self, pos: int) -> tuple[str, int] | None:
        """The short line starting at pos and where it ends; None to wait for more text."""
        end = self.buf.find("\n", pos, pos + _COMMAND_LINE_MAX)
        if end < 0:
            if len(self.buf) - pos >= _COMMAND_LINE_MAX:
                return "", pos  # too long for a client command
            if not self.eof:
                return None
            end = len(self.buf)
        return self.buf[pos:end], end

    def _set_syntax(self, syntax: lx.Syntax) -> None:
        """New lexical rules or a new delimiter: pick the regexes that skip statement text."""
        self.syntax, self.gap_run = syntax, lx.gap_run(syntax).match
        self.plain_run = lx.code_run(syntax, self.delimiter, False)
        self.code_run = lx.code_run(syntax, self.delimiter, self.versioned)

    # -- between statements: whitespace, comments, client commands ---------------------------
    def _between(self) -> bool:
        buf = self.buf
        pos = self.pos = self.gap_run(buf, self.pos).end()
        if pos >= len(buf):
            return False
        if buf[pos] in "\\DdGg/" and self._blank_before(pos):
            handled = self._client_command(pos)
            if handled is not False:
                return bool(handled)
        kind = self._comment_at(pos) if buf[pos] in "-#/" else _NONE
        if kind == _NEED:
            return False
        if kind in (_LINE, _BLOCK):
            self.mode = _LINE_COMMENT if kind == _LINE else _BLOCK_COMMENT
            self.pos = pos + (1 if buf[pos] == "#" else 2)
            return True
        if buf.startswith(self.delimiter, pos):  # an empty statement
            self.pos = pos + len(self.delimiter)
            return True
        short = len(buf) - pos < len(self.delimiter)
        if short and self.delimiter.startswith(buf[pos:]) and not self.eof:
            return False  # perhaps the start of a delimiter such as ;;
        if buf[pos] in _PLAIN_START and (after := self._plain_statements(pos)) != pos:
            self.pos = after
            return True
        self.seg, self.parts, self.kept, self.truncated, self.length = pos, [], 0, False, 0
        self.head = ""
        self.stmt_line, self.routine, self.versioned = self._line_at(pos), "", False
        self.code_run, self.mode = self.plain_run, _CODE
        return self._code()

    def _plain_statements(self, pos: int) -> int:
        """Emit statements that the skip regex carries straight to the delimiter, as long as they
        follow each other (a dump with one INSERT a row), without a trip through the states."""
        buf, delimiter, ready, max_chars = self.buf, self.delimiter, self.ready, self.max_chars
        skip, gap = self.plain_run.match, self.gap_run
        while pos < len(buf) and buf[pos] in _PLAIN_START:
            end = skip(buf, pos).end()
            if not buf.startswith(delimiter, end) or end - pos > max_chars:
                break
            ready.append(Statement(buf[pos:end].rstrip(), self._line_at(pos)))
            pos = gap(buf, end + len(delimiter)).end()
        return pos

    def _client_command(self, pos: int) -> bool | None:
        """Consume a psql meta-command, DELIMITER, GO or / line: True; False if none; None: wait."""
        found = self._line(pos)
        if found is None:
            return None
        line, end = found
        if line.startswith("\\"):
            self.ready.append(Statement(line.rstrip(), self._line_at(pos), meta=True))
        elif self.syntax.client_delimiter and (m := lx.DELIMITER_LINE.match(line)):
            self.delimiter = m.group(1)
            self._set_syntax(self.syntax)
        elif not ((self.syntax.go_batches and lx.GO_LINE.fullmatch(line))
                  or (self.syntax.slash_blocks and lx.SLASH_LINE.fullmatch(line))):
            return False
        self.pos = end
        return True

    def _comment_at(self, pos: int) -> int:
        """What starts at pos: _LINE, _BLOCK or _VERSIONED comment, _NONE, or _NEED more text."""
        buf, syntax = self.buf, self.syntax
        if buf[pos] == "#":
            return _LINE if syntax.hash_comments else _NONE
        if len(buf) - pos < 4 and not self.eof:
            return _NEED
        two = buf[pos:pos + 2]
        if two == "--":
            after = buf[pos + 2:pos + 3]  # MySQL: "--" then whitespace, or the end of the text
            return _LINE if not syntax.dash_needs_space or not after or after.isspace() else _NONE
        if two == "/*":
            versioned = syntax.versioned_comments and buf.startswith(("!", "M!"), pos + 2)
            return _VERSIONED if versioned else _BLOCK
        return _NONE

    # -- inside a statement ------------------------------------------------------------------
    def _code(self) -> bool:
        buf = self.buf
        pos = self.pos = self.code_run.match(buf, self.pos).end()
        if pos >= len(buf):
            return False
        char, delimiter = buf[pos], self.delimiter
        if char == delimiter[0]:
            if len(buf) - pos < len(delimiter) and not self.eof:
                return False
            inside = delimiter == ";" and self._semicolon_inside(pos)
            if buf.startswith(delimiter, pos) and not inside:
                self._end_statement(pos, pos + len(delimiter))
                return True
            if len(delimiter) == 1:
                self.pos = pos + 1
                return True
        if char in "'\"`" or (char == "[" and self.syntax.brackets):
            return self._open_quote(pos, char)
        if char == "$" and self.syntax.dollar_quotes:
            return self._open_dollar(pos)
        if char in "-#/":
            return self._code_comment(pos)
        if char == "*" and self.versioned:
            if len(buf) - pos < 2 and not self.eof:
                return False
            if buf.startswith("*/", pos):  # the end of a /*!NNNNN ... */ wrapper: cut it out
                self._commit(pos)
                self.seg = self.pos = pos + 2
                self._set_versioned(False)
                return True
        if char == "\n":
            return self._newline(pos)
        self.pos = pos + 1
        return True

    def _newline(self, pos: int) -> bool:
        """A GO or / line ends the statement (and batch); in T-SQL a statement keyword may too."""
        found = self._line(pos + 1)
        if found is None:
            return False
        line, end = found
        syntax = self.syntax
        if ((syntax.go_batches and lx.GO_LINE.fullmatch(line))
                or (syntax.slash_blocks and lx.SLASH_LINE.fullmatch(line))):
            self._end_statement(pos, end)
        elif (syntax.statement_lines and lx.STATEMENT_LINE.match(self.buf, pos + 1)
              and self._complete_before(pos)):
            self._end_statement(pos, pos + 1)
        else:
            self.pos = pos + 1
        return True

    def _complete_before(self, pos: int) -> bool:
        """Could the statement end at pos: no routine, no open parenthesis or BEGIN, and the
        line before does not end with a comma or an operator?"""
        if self._routine(pos) != "none" or self._too_long_to_scan(pos):
            return False
        still_open, last = lx.block_state("".join(self.parts) + self.buf[self.seg:pos], self.syntax)
        return not still_open and (last.isalnum() or last in ")]'\"_")

    def _open_quote(self, pos: int, char: str) -> bool:
        buf, syntax = self.buf, self.syntax
        if char == "`" and syntax.family is None and not syntax.backslash_escapes:
            self._set_syntax(replace(syntax, backslash_escapes=True))  # backquotes: MySQL strings
        escapes = syntax.backslash_escapes and char in "'\""
        if char == "'" and syntax.e_strings and pos and buf[pos - 1] in "Ee":
            escapes = escapes or pos < 2 or not (buf[pos - 2].isalnum() or buf[pos - 2] == "_")
        self.closer, self.escapes = ("]" if char == "[" else char), escapes
        self.mode, self.pos = _QUOTED, pos + 1
        return True

    def _open_dollar(self, pos: int) -> bool:
        buf = self.buf
        if pos and (buf[pos - 1].isalnum() or buf[pos - 1] == "_"):
            self.pos = pos + 1  # inside an identifier such as a$b
            return True
        m = lx.DOLLAR_TAG.match(buf, pos)
        if m:
            self.closer, self.mode, self.pos = m.group(), _DOLLAR, m.end()
            return True
        if not self.eof and lx.OPEN_DOLLAR_TAG.match(buf, pos):
            return False
        self.pos = pos + 1
        return True

    def _code_comment(self, pos: int) -> bool:
        kind = self._comment_at(pos)
        if kind == _NEED:
            return False
        if kind == _VERSIONED:  # /*!50001 CREATE ... */: the inside is SQL, the wrapper is cut out
            end = lx.VERSIONED_OPEN.match(self.buf, pos).end()
            if end == len(self.buf) and not self.eof:
                return False  # the version number may go on in the next chunk
            self._commit(pos)
            self.seg = self.pos = end
            self._set_versioned(True)
        elif kind in (_LINE, _BLOCK):
            self.mode = _LINE_COMMENT if kind == _LINE else _BLOCK_COMMENT
            self.pos = pos + (1 if self.buf[pos] == "#" else 2)
        else:
            self.pos = pos + 1
        return True

    def _set_versioned(self, value: bool) -> None:
        self.versioned = value
        self.code_run = lx.code_run(self.syntax, self.delimiter, value)

    def _semicolon_inside(self, pos: int) -> bool:
        """Is this ';' inside a routine body (a trigger's BEGIN ... END, a PL/SQL block)?"""
        routine = self._routine(pos)
        if routine in ("go", "slash"):
            return True
        if routine == "none" or self._too_long_to_scan(pos):
            return False
        return lx.block_state("".join(self.parts) + self.buf[self.seg:pos], self.syntax)[0]

    def _too_long_to_scan(self, pos: int) -> bool:
        return self.length + pos - self.seg > min(_BLOCK_SCAN_MAX, self.max_chars)

    def _routine(self, pos: int) -> str:
        """'go', 'slash', 'depth' or 'none': how this statement's routine body ends (cached)."""
        first = self.buf[self.seg]
        if self.routine == "" and not self.head and first.isalpha() and first not in "CcAaDdBb":
            self.routine = "none"  # a routine starts with CREATE, ALTER, DECLARE or BEGIN
        if self.routine == "":
            head = self.head + self.buf[self.seg:min(pos, self.seg + _HEAD_CHARS)]
            self.routine = lx.routine_kind(head[:_HEAD_CHARS], self.syntax) or "none"
        return self.routine

    def _quoted(self) -> bool:
        buf = self.buf
        pos = self.pos = lx.QUOTED_BODY[self.closer, self.escapes].match(buf, self.pos).end()
        if pos + 1 >= len(buf) and not self.eof:
            return False  # a closing quote may be the first of a doubled one
        if pos >= len(buf):
            return False
        self.mode, self.pos = _CODE, pos + 1
        return True

    def _dollar(self) -> bool:
        end = self.buf.find(self.closer, self.pos)
        if end < 0:
            self.pos = max(self.pos, len(self.buf) - len(self.closer) + 1)
            return False
        self.mode, self.pos = _CODE, end + len(self.closer)
        return True

    def _line_comment(self) -> bool:
        end = self.buf.find("\n", self.pos)
        if end < 0:
            self.pos = len(self.buf)
            return False
        self.mode, self.pos = (_CODE if self.seg >= 0 else _BETWEEN), end
        return True

    def _block_comment(self) -> bool:
        end = self.buf.find("*/", self.pos)
        if end < 0:
            self.pos = max(self.pos, len(self.buf) - 1)
            return False
        self.mode, self.pos = (_CODE if self.seg >= 0 else _BETWEEN), end + 2
        return True

    # -- statement text ----------------------------------------------------------------------
    def _commit(self, end: int) -> None:
        """Move buf[seg:end] into the statement's parts, keeping at most max_chars in all."""
        self.length += max(end - self.seg, 0)
        if len(self.head) < _HEAD_CHARS:
            self.head += self.buf[self.seg:min(end, self.seg + _HEAD_CHARS - len(self.head))]
        if not self.truncated and end > self.seg:
            piece = self.buf[self.seg:end]
            room = self.max_chars - self.kept
            if len(piece) > room:
                piece, self.truncated = piece[:room], True
            self.parts.append(piece)
            self.kept += len(piece)
        self.seg = end

    def _end_statement(self, end: int, resume: int) -> None:
        if self.parts or end - self.seg > self.max_chars:
            self._commit(end)
            sql = "".join(self.parts).strip()
        else:  # the whole statement is in the buffer: no copy into parts
            sql = self.buf[self.seg:end].strip()
        self.seg, self.parts, self.mode, self.pos = -1, [], _BETWEEN, resume
        if self.versioned:
            self._set_versioned(False)
        if not sql:
            return
        statement = Statement(sql, self.stmt_line, truncated=self.truncated)
        head = sql[:4].upper() if sql[0] in "CcSs" else ""
        if head == "COPY" and not self.truncated and (m := lx.COPY_FROM_STDIN.match(sql)):
            csv_format = re.search(r"\bCSV\b", m.group(1), re.I) is not None
            self.copy = lx.CopyData(csv_format, self.max_copy_rows, self.max_chars)
            self.copy_statement, self.mode = statement, _COPY
        else:
            self.ready.append(statement)
        if head.startswith("SET") and self.syntax.e_strings:  # PostgreSQL: '\' escapes when off
            m = _CONFORMING_STRINGS.match(sql)
            if m:
                off = m.group(1).lower() == "off"
                self._set_syntax(replace(self.syntax, backslash_escapes=off))

    # -- COPY ... FROM stdin data ------------------------------------------------------------
    def _copy(self) -> bool:
        self.pos, progressed = self.copy.consume(self.buf, self.pos, self.eof)
        if self.copy.done:
            self._finish_copy()
        return progressed

    def _finish_copy(self) -> None:
        self.ready.append(replace(self.copy_statement, copy_rows=tuple(self.copy.rows),
                                  copy_row_count=self.copy.count))
        self.copy, self.mode = None, _BETWEEN

    def _finish_at_eof(self) -> None:
        if self.mode == _COPY:  # data without its "\." line: the steps consumed every row
            self._finish_copy()
        elif self.seg >= 0:
            self._end_statement(len(self.buf), len(self.buf))
            if self.mode == _COPY:  # a COPY statement at the very end, with no data
                self._finish_copy()
