"""redis.conf -> ConfigDocument: one Directive per ``directive arg arg ...`` line, in file order.

The reading follows the server (config.c loadServerConfigFromString, sds.c sdssplitargs): a line
is trimmed; an empty line or one whose first character is ``#`` is skipped (a ``#`` later in the
line is an ordinary argument); arguments are separated by blanks; double-quoted arguments take
``\\n \\r \\t \\b \\a \\xHH`` and ``\\<char>`` escapes; single-quoted ones take ``\\'``
only; a closing quote must be followed by a blank or the end of the line; a quote inside an
unquoted word opens a quoted part of the same argument. Directive names are case-insensitive;
for most directives the last occurrence wins (``last``). ``include`` lines are recorded, never
followed.
"""

from __future__ import annotations

from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.text import source_lines

FAMILY = "redis-conf"
INCLUDE_DIRECTIVES = frozenset({"include"})
_BLANKS = " \t\n\r\v\f"
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "a": "\a"}
_HEX = "0123456789abcdefABCDEF"


def parse(text: str, path: str = "") -> ConfigDocument:
    doc = ConfigDocument(family=FAMILY)
    for number, raw in enumerate(source_lines(text.removeprefix("\ufeff")), start=1):
        line = raw.strip(" \t\r\n")
        if not line or line.startswith("#"):
            continue
        try:
            argv = split_args(line)
        except ValueError as exc:
            doc.warnings.append((number, f"redis.conf: {exc}: line ignored"))
            continue
        if not argv:  # only \f or \v left after the trim: redis skips a line of no arguments
            continue  # (config.c "argc == 0"); argv[0] below raised IndexError
        column = raw.find(line[0]) + 1
        doc.root.children.append(
            Directive(name=argv[0], args=tuple(argv[1:]), line=number, column=column))
    return doc


def last(doc: ConfigDocument, name: str) -> Directive | None:
    """The occurrence of ``name`` that takes effect (the last one), or None."""
    found = doc.find_all(name)
    return found[-1] if found else None


def split_args(line: str) -> list[str]:
    """sdssplitargs: the arguments of one line; ValueError on unbalanced quotes."""
    args: list[str] = []
    pos, size = 0, len(line)
    while True:
        while pos < size and line[pos] in _BLANKS:
            pos += 1
        if pos >= size:
            return args
        current: list[str] = []
        quote = ""
        while True:
            if pos >= size:
                if quote:
                    raise ValueError("unbalanced quotes")
                break
            char = line[pos]
            if quote == '"':
                if char == "\\" and pos + 3 < size and line[pos + 1] == "x" \
                        and line[pos + 2] in _HEX and line[pos + 3] in _HEX:
                    current.append(chr(int(line[pos + 2:pos + 4], 16)))
                    pos += 4
                    continue
                if char == "\\" and pos + 1 < size:
                    current.append(_ESCAPES.get(line[pos + 1], line[pos + 1]))
                    pos += 2
                    continue
                if char == '"':
                    _closing_quote(line, pos)
                    pos += 1
                    break
                current.append(char)
            elif quote == "'":
                if char == "\\" and pos + 1 < size and line[pos + 1] == "'":
                    current.append("'")
                    pos += 2
                    continue
                if char == "'":
                    _closing_quote(line, pos)
                    pos += 1
                    break
                current.append(char)
            elif char in _BLANKS:
                break
            elif char in "\"'":
                quote = char
            else:
                current.append(char)
            pos += 1
        args.append("".join(current))


def _closing_quote(line: str, pos: int) -> None:
    # "closing quote must be followed by a space or nothing at all" (sds.c)
    if pos + 1 < len(line) and line[pos + 1] not in _BLANKS:
        raise ValueError("unbalanced quotes")
