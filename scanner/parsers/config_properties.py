"""Java ``.properties`` and simple YAML -> ConfigDocument of flattened keys (Spring Boot style).

``parse`` reads ``.properties`` as java.util.Properties.load does: ``#`` and ``!`` comment lines;
the key ends at the first unescaped ``=``, ``:`` or blank; a line ending in an odd number of
backslashes continues on the next one (whose leading blanks are dropped); ``\\t \\n \\r \\f
\\uXXXX`` escapes, and ``\\x`` is ``x``.

``parse_yaml`` is a restricted, line-based reader, not a YAML implementation (PyYAML is not a
dependency): block mappings and block sequences, plain and quoted scalars, flat flow sequences and
mappings (``[a, b]``, ``{k: v}``), block scalars (``|``, ``>``), comments and ``---`` documents.
Keys are flattened as Spring flattens them: ``server.ssl.enabled``, list items as
``server.ssl.enabled-protocols[0]``. Anchors, aliases, tags, complex keys and nested flow
collections are kept as raw text. Every leaf is one Directive named by its flattened key with
``args=(value,)`` at the line of its key or list item; documents after the first have the
context ``("document N",)``.
"""

from __future__ import annotations

import re

from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.text import source_lines

_PROP_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}
_YAML_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", '"': '"', "\\": "\\", "/": "/"}
# A mapping key (quoted, or plain up to the first ": ") and the rest of the line.
_KEY = re.compile(r"""(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'"""
                  r"""|[^\s#'"\-?:,\[\]{}][^#]*?|-[^\s#][^#]*?)"""
                  r""":(?:\s+|$)(?P<value>.*)$""")
_BLOCK_SCALAR = re.compile(r"[|>][+-]?\d?[+-]?$")
_INDEX = re.compile(r"\[\d+\]$")


def relaxed(key: str) -> str:
    """Spring's relaxed-binding form of a key: lower case, dashes and underscores dropped, list
    indexes dropped (``server.ssl.enabledProtocols[1]`` -> ``server.ssl.enabledprotocols``)."""
    parts = [_INDEX.sub("", p) for p in key.split(".")]
    return ".".join(re.sub(r"[-_]", "", p).lower() for p in parts)


# -- .properties -----------------------------------------------------------------------------
def parse(text: str, path: str = "") -> ConfigDocument:
    doc = ConfigDocument(family="properties")
    lines = source_lines(text.removeprefix("\ufeff"))
    index = 0
    while index < len(lines):
        start, raw = index, lines[index]
        index += 1
        body = raw.lstrip(" \t\f")
        if not body or body[0] in "#!":
            continue
        column = len(raw) - len(body) + 1
        while _continues(body) and index < len(lines):
            body = body[:-1] + lines[index].lstrip(" \t\f")
            index += 1
        if _continues(body):
            body = body[:-1]
        try:
            key, value = _split_property(body)
        except ValueError as exc:
            doc.warnings.append((start + 1, f"properties: {exc}: line ignored"))
            continue
        doc.root.children.append(Directive(name=key, args=(value,), line=start + 1,
                                           column=column))
    return doc


def _continues(line: str) -> bool:
    return (len(line) - len(line.rstrip("\\"))) % 2 == 1


def _split_property(line: str) -> tuple[str, str]:
    pos = 0
    while pos < len(line) and line[pos] not in "=: \t\f":
        pos += 2 if line[pos] == "\\" else 1
    key, rest = line[:pos], line[pos:].lstrip(" \t\f")
    if rest[:1] in ("=", ":"):
        rest = rest[1:].lstrip(" \t\f")
    return _unescape_property(key), _unescape_property(rest)


def _unescape_property(text: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char != "\\" or pos + 1 >= len(text):
            out.append(char)
            pos += 1
            continue
        nxt = text[pos + 1]
        if nxt == "u":
            digits = text[pos + 2:pos + 6]
            if not re.fullmatch(r"[0-9A-Fa-f]{4}", digits):
                raise ValueError("malformed \\uXXXX escape")
            out.append(chr(int(digits, 16)))
            pos += 6
            continue
        out.append(_PROP_ESCAPES.get(nxt, nxt))
        pos += 2
    return "".join(out)


# -- restricted YAML -------------------------------------------------------------------------
def parse_yaml(text: str, path: str = "") -> ConfigDocument:
    reader = _YamlReader(ConfigDocument(family="yaml"))
    reader.read(source_lines(text.removeprefix("\ufeff")))
    return reader.doc


class _YamlReader:
    def __init__(self, doc: ConfigDocument) -> None:
        self.doc = doc
        self.frames: list[tuple[int, str, bool]] = []  # (indent, path, is a list item)
        self.counters: dict[str, int] = {}
        self.document, self.seen = 1, False
        self.last: tuple[Directive, int] | None = None  # the last scalar and its line's indent

    def read(self, lines: list[str]) -> None:
        index = 0
        while index < len(lines):
            number, raw = index + 1, lines[index]
            index += 1
            line = _strip_yaml_comment(raw).rstrip()
            if not line.strip() or line.startswith("%"):
                continue
            if line in ("---", "...") or line.startswith("--- "):
                self.frames, self.counters, self.last = [], {}, None
                if line.startswith("---") and self.seen:
                    self.document, self.seen = self.document + 1, False
                continue
            body = line.lstrip(" ")
            if body.startswith("\t"):
                self.doc.warnings.append((number, "yaml: tab indentation: line ignored"))
                continue
            indent = len(line) - len(body)
            while _depth(_node_value(body)) > 0 and index < len(lines):  # flow over lines
                body += " " + _strip_yaml_comment(lines[index]).strip()
                index += 1
            block = self.entry(body, indent, number)
            if block is not None:  # a block scalar: the more indented lines are its value
                content: list[str] = []
                while index < len(lines) and (not lines[index].strip()
                                              or _indent(lines[index]) > indent):
                    content.append(lines[index].strip())
                    index += 1
                self.emit(block[0], "\n".join(content).strip(), block[1], indent + 1, indent)

    def entry(self, body: str, indent: int, number: int) -> tuple[str, int] | None:
        """Read one node; returns (path, line) when a block scalar follows."""
        if body == "-" or body.startswith("- "):
            while self.frames and (self.frames[-1][0] > indent
                                   or (self.frames[-1][0] == indent and self.frames[-1][2])):
                self.frames.pop()
            owner = self.frames[-1][1] if self.frames else ""
            position = self.counters.get(owner, 0)
            self.counters[owner] = position + 1
            self.frames.append((indent, f"{owner}[{position}]", True))
            rest = body[1:].lstrip(" ")
            return self.entry(rest, indent + len(body) - len(rest), number) if rest else None
        if self.last is not None and indent > self.last[1] and _KEY.match(body) is None:
            directive = self.last[0]  # a plain scalar continued on the next line
            directive.args = (f"{directive.args[0]} {body.strip()}",)
            return None
        while self.frames and self.frames[-1][0] >= indent:
            self.frames.pop()
        parent = self.frames[-1][1] if self.frames else ""
        match = _KEY.match(body)
        if match is None:  # a scalar list item (after "- "), or nothing this reader models
            if self.frames and self.frames[-1][2]:
                self.value(parent, body, number, indent + 1, indent)
            return None
        key = _scalar(match.group("key"))
        path = f"{parent}.{key}" if parent else key
        value = match.group("value").strip()
        if not value:
            self.frames.append((indent, path, False))
            self.last = None
        elif _BLOCK_SCALAR.fullmatch(value):
            return path, number
        else:
            self.value(path, value, number, indent + 1, indent)
        return None

    def value(self, path: str, value: str, number: int, column: int, indent: int) -> None:
        items = _flow_items(value)
        if items is None:
            self.emit(path, _scalar(value), number, column, indent)
        elif value.startswith("["):
            for position, item in enumerate(items):
                self.emit(f"{path}[{position}]", _scalar(item), number, column, indent)
        else:
            for item in items:
                key, _, inner = item.partition(":")
                self.emit(f"{path}.{_scalar(key)}", _scalar(inner), number, column, indent)
        self.last = None if items is not None else self.last

    def emit(self, path: str, value: str, number: int, column: int, indent: int) -> None:
        context = (f"document {self.document}",) if self.document > 1 else ()
        directive = Directive(name=path, args=(value,), line=number, column=column,
                              context=context)
        self.doc.root.children.append(directive)
        self.seen, self.last = True, (directive, indent)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _node_value(body: str) -> str:
    """The value part of a line: after "- " or after "key: "."""
    while body.startswith("- "):
        body = body[2:].lstrip(" ")
    match = _KEY.match(body)
    return match.group("value").strip() if match else body


def _strip_yaml_comment(line: str) -> str:
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"" and (index == 0 or line[index - 1] in " \t[{,:-"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index]
    return line


def _depth(value: str) -> int:
    """How many flow brackets a value leaves open (0 unless it starts a flow collection)."""
    if not value.startswith(("[", "{")):
        return 0
    depth, quote = 0, ""
    for char in value:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return depth


def _flow_items(value: str) -> list[str] | None:
    """The items of a flat ``[a, b]`` or ``{k: v}``; None for anything else (nested: raw)."""
    if not (value.startswith("[") and value.endswith("]")
            or value.startswith("{") and value.endswith("}")):
        return None
    inner = value[1:-1]
    if any(c in inner for c in "[]{}"):
        return None
    items, current, quote = [], "", ""
    for char in inner:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == ",":
            items.append(current.strip())
            current = ""
            continue
        current += char
    items.append(current.strip())
    return [i for i in items if i]


def _scalar(text: str) -> str:
    text = text.strip()
    text = re.sub(r"^(?:!\S*\s+|&\S+\s+)+", "", text)  # tags and anchors: the value follows
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", lambda m: _YAML_ESCAPES.get(m.group(1), m.group(1)), text[1:-1])
    return text
