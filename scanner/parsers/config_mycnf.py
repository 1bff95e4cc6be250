"""my.cnf / my.ini (MySQL, MariaDB) -> ConfigDocument: option groups holding options.

The reading follows mysys/my_default.cc (search_default_file_with_buffers): ``#`` and ``;`` start
comment lines; ``[group]`` opens a group (names are case-insensitive); ``name = value`` or a bare
``name`` (a flag, given with no value); a ``#`` outside quotes ends the line; a value wrapped in
matching single or double quotes is unwrapped; ``\\n \\t \\r \\b \\s \\\\ \\" \\'``
are escapes and any other backslash is kept. ``!include FILE`` and ``!includedir DIR`` are
recorded, never followed.

Each group is a Directive named as written with its brackets (``[mysqld]``) whose children are
``CnfOption`` directives with that group as their context. An option's ``args`` is ``(value,)``,
or ``()`` for a bare flag. Its ``key`` is the name MySQL matches: lower-case, dashes read as
underscores, the ``loose-`` prefix dropped (``loose-require-secure-transport`` ->
``require_secure_transport``); query groups with underscore names. ``skip-``/``disable-``/
``enable-`` prefixes are kept in the key and read by ``flag``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.text import source_lines

FAMILY = "mysql-cnf"
INCLUDE_DIRECTIVES = frozenset({"!include", "!includedir"})

# Groups the server reads (MySQL "Using Option Files", MariaDB "Configuring MariaDB with Option
# Files"): [mysqld], [server], [mysqld-8.0], [mariadb], [mariadbd], [mariadb-10.6], [galera].
_SERVER_GROUP = re.compile(r"(mysqld|server|mariadbd?|galera)(-\d+(\.\d+)*)?")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "s": " ", "\\": "\\", '"': '"', "'": "'"}
_TRUE = frozenset({"1", "on", "true", "yes"})
_FALSE = frozenset({"0", "off", "false", "no"})


def normalize(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    return key.removeprefix("loose_")


@dataclass
class CnfOption(Directive):
    """An option inside a group; ``key`` is the normalised name MySQL matches."""

    @property
    def key(self) -> str:
        return normalize(self.name)


def parse(text: str, path: str = "") -> ConfigDocument:
    doc = ConfigDocument(family=FAMILY)
    group: Directive | None = None
    for number, raw in enumerate(source_lines(text.removeprefix("\ufeff")), start=1):
        line = raw.strip()
        column = len(raw) - len(raw.lstrip()) + 1
        if not line or line[0] in "#;":
            continue
        if line.startswith("!"):
            name, _, arg = line.partition(" ")
            if name.lower() not in INCLUDE_DIRECTIVES or not arg.strip():
                doc.warnings.append((number, f"my.cnf: unknown directive {name!r}: line ignored"))
                continue
            target = group.children if group else doc.root.children
            target.append(Directive(name=name.lower(), args=(arg.strip(),), line=number,
                                    column=column, context=group_context(group)))
            continue
        if line.startswith("["):
            end = line.find("]")
            if end < 0:
                doc.warnings.append((number, "my.cnf: group without a closing ']': line ignored"))
                continue
            group = Directive(name=f"[{line[1:end].strip()}]", line=number, column=column)
            doc.root.children.append(group)
            continue
        option = _option(_strip_comment(line), number, column, group)
        if not option.name:
            doc.warnings.append((number, "my.cnf: option without a name: line ignored"))
            continue
        if group is None:
            doc.warnings.append((number, "my.cnf: option before any [group]: MySQL refuses it"))
            doc.root.children.append(option)
        else:
            group.children.append(option)
    return doc


def group_context(group: Directive | None) -> tuple[str, ...]:
    return (group.name,) if group is not None else ()


def group_name(group: Directive) -> str:
    return group.name.strip("[]").strip().lower()


def is_server_group(group: Directive) -> bool:
    return _SERVER_GROUP.fullmatch(group_name(group)) is not None


def groups(doc: ConfigDocument) -> list[Directive]:
    return [d for d in doc.directives if d.name.startswith("[")]


def value(option: Directive) -> str | None:
    """The option's value; None for a bare flag."""
    return option.args[0] if option.args else None


def flag(options: Iterable[Directive], name: str) -> tuple[Directive, bool | None] | None:
    """The last of ``name``, ``skip_name``, ``disable_name``, ``enable_name`` among ``options``
    and the boolean it amounts to (my_getopt: a bare flag is true, ``skip-``/``disable-`` negate,
    1/ON/TRUE and 0/OFF/FALSE in any case). None when none of them is set; the boolean is None
    when the value is not a boolean."""
    base = normalize(name)
    negating = {f"skip_{base}", f"disable_{base}"}
    found: tuple[Directive, bool | None] | None = None
    for option in options:
        key = option.key
        if key not in negating and key not in (base, f"enable_{base}"):
            continue
        given = value(option)
        truth = True if given is None else _bool(given)
        if truth is not None and key in negating:
            truth = not truth
        found = (option, truth)
    return found


def _bool(text: str) -> bool | None:
    word = text.strip().lower()
    return True if word in _TRUE else False if word in _FALSE else None


def _strip_comment(line: str) -> str:
    """remove_end_comment: a '#' outside quotes ends the line (a backslash escapes in quotes)."""
    quote, escape = "", False
    for index, char in enumerate(line):
        if char in "'\"" and not escape:
            quote = "" if quote == char else (quote or char)
        elif not quote and char == "#":
            return line[:index].rstrip()
        escape = bool(quote) and char == "\\" and not escape
    return line


def _option(line: str, number: int, column: int, group: Directive | None) -> CnfOption:
    name, eq, rest = line.partition("=")
    args: tuple[str, ...] = ()
    if eq:
        args = (_unescape(_unquote(rest.strip())),)
    return CnfOption(name=name.strip(), args=args, line=number, column=column,
                     context=group_context(group))


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] in "'\"" and text[-1] == text[0]:
        return text[1:-1]
    return text


def _unescape(text: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            nxt = text[pos + 1]
            out.append(_ESCAPES.get(nxt, "\\" + nxt))
            pos += 2
            continue
        out.append(char)
        pos += 1
    return "".join(out)
