"""Apache httpd configuration -> ConfigDocument: directives and ``<Section>`` blocks.

Follows httpd's reader (server/util.c ap_cfg_getline, ap_getword_conf; server/config.c): a line
ending in a backslash continues on the next; a line whose first non-blank character is ``#`` is a
comment (a ``#`` later in a line is an argument, as httpd reads it); ``"..."`` and ``'...'``
quote, with the quote escaped by a backslash; ``<VirtualHost *:443>`` ... ``</VirtualHost>``
nest, names case-insensitive. Directive names are kept as written; ``Directive.key`` is their
lower-case form. ``Include`` / ``IncludeOptional`` are recorded, not resolved.
"""

from __future__ import annotations

from scanner.model.config import ConfigDocument, Directive
from scanner.parsers import ParseError
from scanner.parsers.text import source_lines


def parse(text: str, path: str = "") -> ConfigDocument:
    document = ConfigDocument(family="apache")
    stack: list[Directive] = [document.root]
    for number, column, line in _logical_lines(text.lstrip("\ufeff")):
        if line.startswith("</"):
            name = line[2:].rstrip(">").strip()
            if not line.endswith(">"):
                raise ParseError(f"{line!r}: a closing section needs '>'", number)
            if len(stack) == 1:
                raise ParseError(f"</{name}> without a matching <{name}>", number)
            opened = stack.pop()
            if opened.key != name.lower():
                raise ParseError(f"</{name}> closes <{opened.name}> opened at line {opened.line}",
                                 number)
            continue
        if line.startswith("<"):
            if not line.endswith(">"):
                raise ParseError(f"{line!r}: a section line must end with '>'", number)
            words = _words(line[1:-1], number)
            if not words:
                raise ParseError("empty section name", number)
            section = Directive(name=words[0], args=tuple(words[1:]), line=number, column=column)
            stack[-1].children.append(section)
            stack.append(section)
            continue
        words = _words(line, number)
        stack[-1].children.append(Directive(name=words[0], args=tuple(words[1:]), line=number,
                                            column=column))
    if len(stack) > 1:
        opened = stack[-1]
        raise ParseError(f"<{opened.name}> opened at line {opened.line} is never closed",
                         opened.line)
    _set_contexts(document.root, ())
    return document


def _logical_lines(text: str):
    """(first physical line number, column, stripped text) of each non-comment logical line."""
    pending, start, column = "", 0, 1
    for number, raw in enumerate(source_lines(text), start=1):
        line = raw.rstrip()
        if not pending:
            stripped = line.lstrip()
            start, column = number, len(line) - len(stripped) + 1
            line = stripped
        if line.endswith("\\"):
            pending += line[:-1]
            continue
        line, pending = (pending + line).strip(), ""
        if line and not line.startswith("#"):
            yield start, column, line
    if pending.strip() and not pending.lstrip().startswith("#"):
        yield start, column, pending.strip()


def _words(line: str, number: int) -> list[str]:
    """ap_getword_conf: whitespace-separated words; quoted words may hold spaces."""
    words, i = [], 0
    while i < len(line):
        if line[i].isspace():
            i += 1
            continue
        if line[i] in "\"'":
            quote, i, out = line[i], i + 1, []
            while i < len(line) and line[i] != quote:
                if line[i] == "\\" and i + 1 < len(line) and line[i + 1] == quote:
                    i += 1
                out.append(line[i])
                i += 1
            if i >= len(line):
                raise ParseError(f"unterminated {quote} quote", number)
            words.append("".join(out))
            i += 1
            continue
        end = i
        while end < len(line) and not line[end].isspace():
            end += 1
        words.append(line[i:end])
        i = end
    return words


def _set_contexts(block: Directive, context: tuple[str, ...]) -> None:
    for child in block.children:
        child.context = context
        if child.children or child.key in _SECTIONS:
            _set_contexts(child, (*context, section_label(child)))


_SECTIONS = frozenset({"virtualhost", "ifmodule", "ifdefine", "ifversion", "directory",
                       "directorymatch", "location", "locationmatch", "files", "filesmatch",
                       "if", "elseif", "else", "proxy", "proxymatch", "limit", "limitexcept"})


def section_label(section: Directive) -> str:
    """``VirtualHost shop.example.com *:443`` (ServerName first if set), ``IfModule ssl_module``."""
    if section.key == "virtualhost":
        names = [d.args[0] for d in section.children if d.key == "servername" and d.args]
        return " ".join(("VirtualHost", *names[:1], *section.args))
    return " ".join((section.name, *section.args))
