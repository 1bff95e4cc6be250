"""HAProxy configuration -> ConfigDocument: sections (global, defaults, frontend, backend,
listen, ...) as blocks holding their keyword lines.

Follows HAProxy's line reader (src/cfgparse.c, parse_line): ``#`` starts a comment outside
quotes; ``"..."`` (with ``\\"`` escapes) and ``'...'`` quote; a backslash outside quotes escapes
the next character (``\\ ``, ``\\#``). A line whose first word is a section keyword opens a new
section; indentation carries no meaning. Each line becomes a directive named after its first word
(``bind``, ``http-request``, ``ssl-default-bind-ciphers``) with the rest as arguments.
"""

from __future__ import annotations

from scanner.model.config import ConfigDocument, Directive
from scanner.parsers import ParseError
from scanner.parsers.text import source_lines

SECTIONS = frozenset({
    "global", "defaults", "frontend", "backend", "listen", "peers", "resolvers", "userlist",
    "mailers", "program", "http-errors", "ring", "cache", "log-forward", "fcgi-app", "crt-store",
    "traces", "acme",
})


def parse(text: str, path: str = "") -> ConfigDocument:
    document = ConfigDocument(family="haproxy")
    section: Directive | None = None
    for number, raw in enumerate(source_lines(text.lstrip("\ufeff")), start=1):
        words = _words(raw, number)
        if not words:
            continue
        column = len(raw) - len(raw.lstrip()) + 1
        (name, _), args = words[0], tuple(w for w, _ in words[1:])
        if name.lower() in SECTIONS:
            section = Directive(name=name, args=args, line=number, column=column)
            document.root.children.append(section)
            continue
        directive = Directive(name=name, args=args, line=number, column=column)
        if section is None:
            document.warnings.append((number, f"{name!r} outside any section (global, defaults, "
                                              "frontend, backend, listen)"))
            document.root.children.append(directive)
        else:
            directive.context = (" ".join((section.name, *section.args[:1])),)
            section.children.append(directive)
    return document


def _words(line: str, number: int) -> list[tuple[str, int]]:
    """Words of one line and their columns; comments dropped, quotes and escapes resolved."""
    words: list[tuple[str, int]] = []
    out: list[str] = []
    start, quote, i = -1, "", 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and quote == '"' and i + 1 < len(line):
                out.append(line[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = ""
            else:
                out.append(ch)
        elif ch == "#":
            break
        elif ch.isspace():
            if start >= 0:
                words.append(("".join(out), start + 1))
                out, start = [], -1
        elif ch in "\"'":
            quote, start = ch, start if start >= 0 else i
        elif ch == "\\" and i + 1 < len(line):
            start = start if start >= 0 else i
            out.append(line[i + 1])
            i += 2
            continue
        else:
            start = start if start >= 0 else i
            out.append(ch)
        i += 1
    if quote:
        raise ParseError(f"unterminated {quote} quote", number)
    if start >= 0:
        words.append(("".join(out), start + 1))
    return words
