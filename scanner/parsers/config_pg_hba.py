"""pg_hba.conf -> ConfigDocument: one ``HbaRecord`` per record, in file (= matching) order.

Tokenising follows the server (src/backend/libpq/hba.c, next_token/next_field_expand): fields are
separated by blanks; a field is a comma-separated list of tokens; double quotes protect blanks,
commas and ``#`` and make keywords (``all``, ``samehost``...) plain names, ``""`` inside quotes
is a quote; ``#`` outside quotes ends the line; a backslash at the end of a line joins the next
line (PostgreSQL 14+, also inside quotes and comments). ``@file`` tokens and ``include``,
``include_if_exists``, ``include_dir`` lines are recorded, never read.

Every record's ``args`` are ``(database, user, address, method, *options)`` as written: the comma
lists are re-joined, ``address`` is ``""`` for ``local`` records and in CIDR form when it was
written as an IP address followed by a netmask (``10.0.0.0 255.0.0.0`` -> ``10.0.0.0/8``).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from scanner.model.config import ConfigDocument, Directive
from scanner.parsers.text import source_lines

FAMILY = "pg-hba"
CONNECTION_TYPES = frozenset({"local", "host", "hostssl", "hostnossl", "hostgssenc",
                              "hostnogssenc"})
INCLUDE_DIRECTIVES = frozenset({"include", "include_if_exists", "include_dir"})
ADDRESS_KEYWORDS = frozenset({"all", "samehost", "samenet"})


@dataclass(frozen=True, slots=True)
class HbaToken:
    text: str
    quoted: bool = False  # a quoted keyword is a plain name: "all" matches a database named all

    def is_keyword(self, word: str) -> bool:
        return not self.quoted and self.text.lower() == word


@dataclass
class HbaRecord(Directive):
    """One record. ``name`` is the connection type; the parsed fields are below."""

    databases: tuple[HbaToken, ...] = ()
    users: tuple[HbaToken, ...] = ()
    address: HbaToken | None = None  # None for local records
    mask: str = ""  # the separate IP-mask field, when used
    method: str = ""
    options: tuple[tuple[str, str], ...] = ()  # name=value pairs after the method
    end_line: int = 0  # last physical line, when backslash continuations were used

    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
        """The address as a network when it is an IP address (CIDR or address + mask); None for
        host names, ``.domain`` suffixes, keywords and local records."""
        if self.address is None or self.address.text.lower() in ADDRESS_KEYWORDS:
            return None
        text = self.address.text + (f"/{self.mask}" if self.mask else "")
        try:
            return ipaddress.ip_network(text, strict=False)
        except ValueError:
            return None


@dataclass
class _Line:
    number: int
    end: int
    fields: list[list[HbaToken]] = field(default_factory=list)


def parse(text: str, path: str = "") -> ConfigDocument:
    doc = ConfigDocument(family=FAMILY)
    for logical in _logical_lines(text.removeprefix("\ufeff")):
        if not logical.fields:
            continue
        try:
            doc.root.children.append(_record(logical))
        except ValueError as exc:
            doc.warnings.append((logical.number, f"pg_hba.conf: {exc}: record ignored"))
    return doc


def _logical_lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pending, start = "", 0
    for number, raw in enumerate(source_lines(text), start=1):
        if not pending:
            start = number
        stripped = raw.rstrip(" \t\r")
        if stripped.endswith("\\"):
            pending += stripped[:-1]  # the backslash and the newline are discarded
            continue
        line = _Line(start, number)
        line.fields = _fields(pending + raw)
        out.append(line)
        pending = ""
    if pending:
        line = _Line(start, start)
        line.fields = _fields(pending)
        out.append(line)
    return out


def _fields(line: str) -> list[list[HbaToken]]:
    """Fields of one logical line; a token ended by a comma continues its field."""
    fields: list[list[HbaToken]] = []
    current: list[HbaToken] = []
    pos = 0
    while pos < len(line):
        token, pos, comma, found = _next_token(line, pos)
        if found:
            current.append(token)
        if not comma and current:
            fields.append(current)
            current = []
    if current:
        fields.append(current)
    return fields


def _next_token(line: str, pos: int) -> tuple[HbaToken, int, bool, bool]:
    """(token, next position, ended by a comma, a token was found) -- hba.c next_token."""
    while pos < len(line) and line[pos] in " \t\r\n,":
        pos += 1
    chars: list[str] = []
    in_quote = was_quote = saw_quote = False
    while pos < len(line) and (line[pos] not in " \t\r\n" or in_quote):
        char = line[pos]
        if char == "#" and not in_quote:
            pos = len(line)
            break
        if char == "," and not in_quote:
            return HbaToken("".join(chars), saw_quote), pos + 1, True, bool(chars) or saw_quote
        if char != '"' or was_quote:
            chars.append(char)
        was_quote = (not was_quote) if (in_quote and char == '"') else False
        if char == '"':
            in_quote, saw_quote = not in_quote, True
        pos += 1
    return HbaToken("".join(chars), saw_quote), pos, False, bool(chars) or saw_quote


def _record(line: _Line) -> Directive:
    fields = line.fields
    head = fields[0][0]
    kind = head.text.lower()
    location = {"line": line.number, "column": 1}
    if kind in INCLUDE_DIRECTIVES and not head.quoted:
        if len(fields) != 2 or len(fields[1]) != 1:
            raise ValueError(f"{kind} takes exactly one file name")
        return Directive(name=head.text, args=(fields[1][0].text,), **location)
    if kind not in CONNECTION_TYPES or head.quoted or len(fields[0]) > 1:
        raise ValueError(f"invalid connection type {head.text!r}")
    rest = fields[1:]
    if len(rest) < 2:
        raise ValueError("end-of-line before the user field")
    databases, users, rest = tuple(rest[0]), tuple(rest[1]), rest[2:]
    address, mask = None, ""
    if kind != "local":
        if not rest:
            raise ValueError("end-of-line before the IP address specification")
        if len(rest[0]) > 1:
            raise ValueError("multiple values specified for the host address")
        address, rest = rest[0][0], rest[1:]
        if "/" not in address.text and _is_ip(address):
            if not rest or len(rest[0]) > 1 or not _is_ip(rest[0][0]):
                raise ValueError("an IP address without /prefix needs a netmask field")
            mask, rest = rest[0][0].text, rest[1:]
    if not rest:
        raise ValueError("end-of-line before the authentication method")
    if len(rest[0]) > 1:
        raise ValueError("multiple values specified for the authentication method")
    method = rest[0][0].text
    options = tuple(_option(tok) for opt_field in rest[1:] for tok in opt_field)
    shown_address = "" if address is None else _cidr(address.text, mask)
    args = (_joined(databases), _joined(users), shown_address, method,
            *(f"{n}={v}" for n, v in options))
    return HbaRecord(name=head.text, args=args, databases=databases, users=users,
                     address=address, mask=mask, method=method, options=options,
                     end_line=line.end, **location)


def _cidr(address: str, mask: str) -> str:
    """``address`` with its netmask folded into a prefix length (10.0.0.0 255.0.0.0 ->
    10.0.0.0/8); ``address/mask`` if the mask is not contiguous."""
    if not mask:
        return address
    try:
        return str(ipaddress.ip_network(f"{address}/{mask}", strict=False))
    except ValueError:
        return f"{address}/{mask}"


def _option(token: HbaToken) -> tuple[str, str]:
    name, eq, value = token.text.partition("=")
    if not eq:
        raise ValueError(f"authentication option not in name=value format: {token.text!r}")
    return name, value


def _is_ip(token: HbaToken) -> bool:
    if not token.quoted and token.text.lower() in ADDRESS_KEYWORDS:
        return False
    try:
        ipaddress.ip_address(token.text)
    except ValueError:
        return False
    return True


def _joined(tokens: tuple[HbaToken, ...]) -> str:
    return ",".join(f'"{t.text}"' if t.quoted else t.text for t in tokens)
