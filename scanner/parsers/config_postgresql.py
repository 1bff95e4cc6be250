"""postgresql.conf -> ConfigDocument: one Directive per ``name = value`` line, in file order.

The lexer follows the server's own (src/backend/utils/misc/guc-file.l): one parameter per line,
``=`` optional, ``#`` starts a comment outside quotes, values are an unquoted word (identifier,
number with an optional unit such as ``128MB`` or ``5min``, or a path-like string) or a
single-quoted string in which ``''`` and backslash escapes stand for a character. Names are
case-insensitive. ``include``, ``include_if_exists`` and ``include_dir`` are recorded as
directives of those names, never followed. A line the server would refuse is a warning, and the
rest of the file is still read.
"""

from __future__ import annotations

import re

from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.text import source_lines

FAMILY = "postgresql-conf"
INCLUDE_DIRECTIVES = frozenset({"include", "include_if_exists", "include_dir"})

# guc-file.l: ID / QUALIFIED_ID for names; INTEGER (with units), REAL, UNQUOTED_STRING for values.
# [\x80-\uffff] is spelt as "not ASCII and not astral": the same characters, but a set that mixes
# \w with a 65,000-character range costs ~40 ms to compile, paid by every dpscan start-up.
_HIGH = r"[^\x00-\x7f\U00010000-\U0010ffff]"
_ID = rf"(?:[A-Za-z_]|{_HIGH})(?:\w|{_HIGH})*"
_NAME = re.compile(rf"{_ID}(?:\.{_ID})?")
_UNQUOTED = re.compile(
    r"[+-]?(?:0x[0-9A-Fa-f]+|\d+)[A-Za-z]*(?![\w.])"  # INTEGER, units included: 128MB, 0x10
    r"|[+-]?\d*\.\d*(?:[Ee][+-]?\d+)?(?![\w.])"  # REAL
    rf"|(?:[A-Za-z_]|{_HIGH})(?:[\w\-.:/]|{_HIGH})*"  # ID, QUALIFIED_ID, UNQUOTED_STRING
)
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_OCTAL = re.compile(r"[0-7]{1,3}")


def parse(text: str, path: str = "") -> ConfigDocument:
    doc = ConfigDocument(family=FAMILY)
    for number, line in enumerate(source_lines(text.removeprefix("\ufeff")), start=1):
        try:
            directive = _parse_line(line, number)
        except _SyntaxError as exc:
            doc.warnings.append((number, f"postgresql.conf syntax error ({exc}): line ignored"))
            continue
        if directive is not None:
            doc.root.children.append(directive)
    return doc


def settings(doc: ConfigDocument) -> dict[str, Directive]:
    """The directive that takes effect for each parameter, by lower-cased name: the last one
    (the server ignores earlier duplicates). Include directives are left out."""
    return {d.key: d for d in doc.directives if d.key not in INCLUDE_DIRECTIVES}


def parse_bool(value: str) -> bool | None:
    """PostgreSQL's boolean reading (parse_bool_with_len): on/off, true/false, yes/no, 1/0, and
    any unambiguous prefix of true/false/yes/no ("of" at least for off). None if not a boolean."""
    word = value.strip().lower()
    if not word:
        return None
    if word in ("1", "0"):
        return word == "1"
    if "true".startswith(word) or "yes".startswith(word):
        return True
    if "false".startswith(word) or "no".startswith(word):
        return False
    if len(word) >= 2 and "on".startswith(word):
        return True
    if len(word) >= 2 and "off".startswith(word):
        return False
    return None


class _SyntaxError(ValueError):
    pass


def _parse_line(line: str, number: int) -> Directive | None:
    pos = _skip_blanks(line, 0)
    if pos == len(line) or line[pos] == "#":
        return None
    name = _NAME.match(line, pos)
    if name is None:
        raise _SyntaxError(f"expected a parameter name at column {pos + 1}")
    column = pos + 1
    pos = _skip_blanks(line, name.end())
    if pos < len(line) and line[pos] == "=":
        pos = _skip_blanks(line, pos + 1)
    if pos == len(line) or line[pos] == "#":
        raise _SyntaxError(f"parameter {name.group()!r} has no value")
    if line[pos] == "'":
        value, pos = _quoted(line, pos)
    else:
        word = _UNQUOTED.match(line, pos)
        if word is None or not word.group():
            raise _SyntaxError(f"unexpected {line[pos]!r} at column {pos + 1}")
        value, pos = word.group(), word.end()
    pos = _skip_blanks(line, pos)
    if pos < len(line) and line[pos] != "#":
        raise _SyntaxError(f"unexpected text after the value at column {pos + 1}")
    return Directive(name=name.group(), args=(value,), line=number, column=column)


def _quoted(line: str, start: int) -> tuple[str, int]:
    """A single-quoted string from ``start``: ``''`` and ``\\'`` are a quote, ``\\n`` and the
    like are control characters, ``\\ooo`` is an octal byte, any other ``\\x`` is ``x``."""
    out: list[str] = []
    pos = start + 1
    while pos < len(line):
        char = line[pos]
        if char == "'":
            if line.startswith("''", pos):
                out.append("'")
                pos += 2
                continue
            return "".join(out), pos + 1
        if char == "\\" and pos + 1 < len(line):
            nxt = line[pos + 1]
            octal = _OCTAL.match(line, pos + 1)
            if octal:
                out.append(chr(int(octal.group(), 8)))
                pos = octal.end()
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            pos += 2
            continue
        out.append(char)
        pos += 1
    raise _SyntaxError("unterminated quoted string")


def _skip_blanks(line: str, pos: int) -> int:
    while pos < len(line) and line[pos] in " \t\f\r\v":
        pos += 1
    return pos
