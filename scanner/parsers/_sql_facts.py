"""A small SQL lexer and the facts read from tokens rather than from sqlglot trees.

sqlglot gives the meaning of a statement but neither reliable source offsets nor the text as
written ("character varying(18)" comes back as VARCHAR), and it returns a bare ``Command`` for
GRANT ... ON ALL TABLES, CREATE ROLE/USER, CREATE EXTENSION, MySQL user@host and trigger bodies.
This module reads those from tokens: offsets and lines, declared types and DEFAULT text, crypto
calls, grants, roles and extensions.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import NamedTuple

from scanner.finding import Location
from scanner.model.schema import Grant, Role, SchemaModel

# Column-level crypto that dumps show in defaults, checks, views, triggers and functions:
# pgcrypto (pgp_*, encrypt/decrypt, digest, hmac, crypt), MySQL (AES_*, DES_*, MD5, SHA*),
# SQL Server (ENCRYPTBY*/DECRYPTBY*, HASHBYTES) and Oracle (DBMS_CRYPTO, STANDARD_HASH).
CRYPTO_FUNCTIONS = frozenset({
    "pgp_sym_encrypt", "pgp_sym_decrypt", "pgp_sym_encrypt_bytea", "pgp_sym_decrypt_bytea",
    "pgp_pub_encrypt", "pgp_pub_decrypt", "pgp_pub_encrypt_bytea", "pgp_pub_decrypt_bytea",
    "encrypt", "decrypt", "encrypt_iv", "decrypt_iv", "digest", "hmac", "crypt",
    "aes_encrypt", "aes_decrypt", "des_encrypt", "des_decrypt",
    "md5", "sha", "sha1", "sha2", "sha224", "sha256", "sha384", "sha512",
    "encryptbykey", "decryptbykey", "encryptbypassphrase", "decryptbypassphrase",
    "encryptbycert", "decryptbycert", "encryptbyasymkey", "decryptbyasymkey", "hashbytes",
    "dbms_crypto.encrypt", "dbms_crypto.decrypt", "dbms_crypto.hash", "standard_hash",
})

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks scanner.parsers.text counts
_WORD = re.compile(r"[^\W\d]\w*(?:[$#]\w*)*|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+", re.UNICODE)
_DOLLAR_TAG = re.compile(r"\$(?:[^\W\d]\w*)?\$")
# The common case in one regex step: whitespace, -- and /* */ comments, words, numbers, plain
# punctuation and single-quoted strings without a backslash (the same in every dialect). Other
# quotes, backslashes, dollar quotes, brackets and MySQL # comments take the careful path below.
# One match per token instead of a Python branch per character: about 4x faster on big schemas.
_FAST = re.compile(
    r"\s+|--[^\n]*(?:\n|\Z)|/\*.*?(?:\*/|\Z)"
    rf"|(?P<word>{_WORD.pattern})"
    r"|(?P<punct>::|[(),;.=*+\-<>!|&%^~@:?{}])"
    r"|(?P<string>'[^'\\]*(?:''[^'\\]*)*')",
    re.S,
)


class Token(NamedTuple):
    """One SQL token. A NamedTuple, not a frozen dataclass: a 100,000-column dump makes over a
    million of them, and a frozen dataclass's __init__ cost twice as much as the lexing."""

    kind: str  # "word" | "number" | "ident" (quoted identifier) | "string" | "punct"
    text: str  # as written
    value: str  # words upper-cased; identifiers and strings unquoted
    start: int
    end: int

    def is_(self, *words: str) -> bool:
        return self.kind == "word" and self.value in words

    @property
    def name(self) -> str:
        """An identifier as written, quotes removed (words keep their case)."""
        return self.value if self.kind in ("ident", "string") else self.text


def lex(sql: str, dialect: str, start: int = 0) -> Iterator[Token]:
    """Tokens of ``sql`` without whitespace and comments. A generator, so callers that only need
    the head of a huge statement stop early."""
    brackets = dialect in ("tsql", "sqlite", "")  # [name] is an identifier there, not an array
    mysql = dialect == "mysql"
    i, n = start, len(sql)
    fast = _FAST.match
    while i < n:
        m = fast(sql, i)
        if m is not None:
            kind = m.lastgroup
            if kind == "word":
                text = m.group()
                if text[0].isdigit() or text[0] == ".":
                    yield Token("number", text, text, i, m.end())
                else:
                    yield Token("word", text, text.upper(), i, m.end())
            elif kind == "punct":
                text = m.group()
                yield Token("punct", text, text, i, m.end())
            elif kind == "string":
                text = m.group()
                yield Token("string", text, text[1:-1].replace("''", "'"), i, m.end())
            i = m.end()
            continue
        c = sql[i]
        if c.isspace():
            i += 1
        elif sql.startswith("--", i) or (mysql and c == "#"):
            j = sql.find("\n", i)
            i = n if j < 0 else j + 1
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == "'" or (c == '"' and mysql):
            # MySQL strings take backslash escapes; standard SQL doubles the quote.
            j = _close_quote(sql, i, c, backslash=mysql or (i > 0 and sql[i - 1] in "eE"))
            yield Token("string", sql[i:j], _unquote(sql[i:j], mysql), i, j)
            i = j
        elif c in '"`' or (c == "[" and brackets):
            close = "]" if c == "[" else c
            j = _close_quote(sql, i, close, backslash=False)
            yield Token("ident", sql[i:j], sql[i + 1:j - 1].replace(close * 2, close), i, j)
            i = j
        elif c == "$" and (m := _DOLLAR_TAG.match(sql, i)) and not mysql:
            # PostgreSQL dollar quoting ($$ ... $$, $body$ ... $body$): function bodies.
            j = sql.find(m.group(), m.end())
            j = n if j < 0 else j + len(m.group())
            yield Token("string", sql[i:j], sql[m.end():max(m.end(), j - len(m.group()))], i, j)
            i = j
        elif m := _WORD.match(sql, i):
            text = m.group()
            kind = "number" if text[0].isdigit() or text[0] == "." else "word"
            yield Token(kind, text, text.upper() if kind == "word" else text, i, m.end())
            i = m.end()
        else:
            width = 2 if sql.startswith("::", i) else 1
            yield Token("punct", sql[i:i + width], sql[i:i + width], i, i + width)
            i += width


def _close_quote(sql: str, i: int, close: str, backslash: bool) -> int:
    j = i + 1
    while j < len(sql):
        ch = sql[j]
        if backslash and ch == "\\":
            j += 2
            continue
        if ch == close:
            if sql.startswith(close * 2, j) and close != "]" or sql.startswith("]]", j):
                j += 2
                continue
            return j + 1
        j += 1
    return len(sql)


_MYSQL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "Z": "\x1a", "b": "\b"}


def _unquote(text: str, backslash: bool) -> str:
    quote, body = text[0], text[1:-1] if len(text) > 1 and text[-1] == text[0] else text[1:]
    body = body.replace(quote * 2, quote)
    if backslash and "\\" in body:
        body = re.sub(r"\\(.)", lambda m: _MYSQL_ESCAPES.get(m.group(1), m.group(1)), body, flags=re.S)
    return body


class Lines:
    """Offsets inside one statement -> 1-based line and column in the file."""

    def __init__(self, sql: str, first_line: int) -> None:
        self.first_line = first_line
        self.breaks = [m.end() for m in _LINE_BREAK.finditer(sql)]

    def at(self, offset: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.breaks, offset)
        # A statement's first line is assumed to start at column 1, as dump statements do.
        column = offset - (self.breaks[k - 1] if k else 0) + 1
        return self.first_line + k, column

    def location(self, path: str, offset: int, obj: str | None = None) -> Location:
        line, column = self.at(offset)
        return Location(path=path, line=line, column=column, object=obj)


# ---- token-list helpers -------------------------------------------------------------------------

def matching_paren(tokens: list[Token], i: int) -> int:
    """Index of the ")" closing the "(" at ``i`` (or the last index when unbalanced)."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].text == "(":
            depth += 1
        elif tokens[j].text == ")":
            depth -= 1
            if depth == 0:
                return j
    return len(tokens) - 1


def split_items(tokens: list[Token], open_index: int) -> list[list[Token]]:
    """The comma-separated items inside the parentheses opening at ``open_index``."""
    items: list[list[Token]] = [[]]
    depth = 0
    for tok in tokens[open_index + 1:matching_paren(tokens, open_index)]:
        if tok.text in "([" and tok.kind == "punct":
            depth += 1
        elif tok.text in ")]" and tok.kind == "punct":
            depth -= 1
        elif tok.text == "," and depth == 0:
            items.append([])
            continue
        items[-1].append(tok)
    return [item for item in items if item]


def qualified_name(tokens: list[Token], i: int) -> tuple[list[str], int]:
    """A dotted name starting at ``i``: its parts and the index after it."""
    parts = []
    while i < len(tokens) and tokens[i].kind in ("word", "ident", "string"):
        parts.append(tokens[i].name)
        if i + 1 < len(tokens) and tokens[i + 1].text == "." and i + 2 < len(tokens):
            i += 2
            continue
        return parts, i + 1
    return parts, i


def crypto_calls(tokens: list[Token], dialect: str) -> Iterator[tuple[str, int]]:
    """(function name lower-case, offset) for each crypto call, also inside $$ bodies."""
    for k, tok in enumerate(tokens):
        if tok.kind == "string" and tok.text.startswith("$"):
            body_start = tok.start + tok.text.index("$", 1) + 1
            yield from ((f, body_start + off) for f, off in crypto_calls(list(lex(tok.value, dialect)), dialect))
        elif tok.kind in ("word", "ident") and k + 1 < len(tokens) and tokens[k + 1].text == "(":
            name = tok.name.lower()
            if k >= 2 and tokens[k - 1].text == "." and f"{tokens[k - 2].name.lower()}.{name}" in CRYPTO_FUNCTIONS:
                yield f"{tokens[k - 2].name.lower()}.{name}", tok.start
            elif name in CRYPTO_FUNCTIONS:
                yield name, tok.start


# ---- GRANT / REVOKE ------------------------------------------------------------------------------

_OBJECT_KINDS = {"TABLE": "table", "VIEW": "table", "SEQUENCE": "sequence", "SCHEMA": "schema",
                 "DATABASE": "database", "FUNCTION": "function", "PROCEDURE": "function",
                 "ROUTINE": "function", "OBJECT": "table"}
# Privileges that can be granted without ON (system privileges); anything else is a role name.
_SYSTEM_PRIVILEGE_WORDS = {"ALL", "SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP",
                           "EXECUTE", "GRANT", "CONNECT", "USAGE", "RESOURCE", "UNLIMITED", "ANY",
                           "REFERENCES", "TRIGGER", "TRUNCATE", "TEMPORARY", "TEMP", "BACKUP", "AUDIT"}


def apply_grant(model: SchemaModel, tokens: list[Token], loc: Location) -> None:
    revoked, option_only = tokens[0].is_("REVOKE"), False
    i = 1
    if revoked and [t.value for t in tokens[1:4]] == ["GRANT", "OPTION", "FOR"]:
        # REVOKE GRANT OPTION FOR ...: the privilege stays, only the option goes. Recorded as a
        # revoked grant with with_grant_option=True.
        i, option_only = 4, True
    target = next((k for k in range(i, len(tokens)) if tokens[k].is_("TO", "FROM", "ON")), len(tokens))
    privileges = _privileges(tokens[i:target])
    if target < len(tokens) and tokens[target].is_("ON"):
        object_type, objects, target = _grant_objects(tokens, target + 1)
    elif all(p.split()[0] in _SYSTEM_PRIVILEGE_WORDS or " ANY " in f" {p} " for p in privileges):
        object_type, objects = "global", ["*"]  # Oracle system privileges: GRANT CREATE SESSION TO u
    else:
        # Role membership: GRANT app_rw TO alice. One grant per role, privilege "MEMBER".
        object_type, objects, privileges = "role", list(_privileges(tokens[i:target], upper=False)), ("MEMBER",)
    grantees, end = _grantees(tokens, target + 1)
    rest = " ".join(t.value for t in tokens[end:])
    with_option = option_only or "WITH GRANT OPTION" in rest or "WITH ADMIN OPTION" in rest
    for obj in objects:
        for grantee in grantees:
            model.grants.append(Grant(privileges=tuple(privileges), object_type=object_type,
                                      object_name=obj, grantee=grantee, with_grant_option=with_option,
                                      revoked=revoked, location=loc))


_DEFAULT_KINDS = {"TABLES": "table", "SEQUENCES": "sequence", "FUNCTIONS": "function",
                  "ROUTINES": "function", "TYPES": "type", "SCHEMAS": "schema"}


def apply_default_privileges(model: SchemaModel, tokens: list[Token], loc: Location) -> None:
    """ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s, ...] GRANT|REVOKE ... ON TABLES ...

    Recorded as grants with object_type "default_table" (or default_function, ...) on "s.*",
    or "*" without IN SCHEMA: privileges every object created later will carry.
    """
    at = next((k for k, t in enumerate(tokens) if t.is_("GRANT", "REVOKE")), None)
    if at is None:
        return
    schemas: list[str] = []
    for k in range(at):
        if tokens[k].is_("SCHEMA"):
            schemas, _ = _name_list(tokens[:at], k + 1)
    on = next((k for k in range(at, len(tokens)) if tokens[k].is_("ON")), None)
    kind = _DEFAULT_KINDS.get(tokens[on + 1].value, "table") if on is not None and on + 1 < len(tokens) else "table"
    first = len(model.grants)
    apply_grant(model, tokens[at:], loc)
    added = model.grants[first:]
    del model.grants[first:]
    for grant in added:
        for schema in schemas or ["*"]:
            model.grants.append(Grant(privileges=grant.privileges, object_type=f"default_{kind}",
                                      object_name=f"{schema}.*" if schema != "*" else "*",
                                      grantee=grant.grantee, with_grant_option=grant.with_grant_option,
                                      revoked=grant.revoked, location=loc))


def _privileges(tokens: list[Token], upper: bool = True) -> tuple[str, ...]:
    out: list[list[str]] = [[]]
    depth = 0
    for tok in tokens:
        if tok.text == "(":
            depth += 1  # column list: SELECT (a, b)
        elif tok.text == ")":
            depth -= 1
        elif depth == 0 and tok.text == ",":
            out.append([])
        elif depth == 0:
            out[-1].append(tok.value if tok.kind == "word" and upper else tok.name)
    names = [" ".join(words) for words in out if words]
    return tuple("ALL" if name == "ALL PRIVILEGES" else name for name in names)


def _grant_objects(tokens: list[Token], i: int) -> tuple[str, list[str], int]:
    object_type = "table"
    if i + 1 < len(tokens) and tokens[i].is_("ALL") and tokens[i + 1].value in ("TABLES", "SEQUENCES", "FUNCTIONS", "ROUTINES", "PROCEDURES"):
        # ON ALL TABLES IN SCHEMA s: every table of s, written "s.*" as MySQL writes db.*.
        kind = {"TABLES": "table", "SEQUENCES": "sequence"}.get(tokens[i + 1].value, "function")
        i += 4 if i + 3 < len(tokens) and tokens[i + 2].is_("IN") else 2
        names, end = _name_list(tokens, i)
        return kind, [f"{name}.*" for name in names], end
    tok, nxt = tokens[i] if i < len(tokens) else None, tokens[i + 1] if i + 1 < len(tokens) else None
    if tok is not None and tok.kind == "word" and tok.value in _OBJECT_KINDS and nxt is not None:
        if nxt.text == "::":  # SQL Server: ON SCHEMA::dbo, ON OBJECT::dbo.t
            object_type, i = _OBJECT_KINDS[tok.value], i + 2
        elif nxt.kind != "punct":  # ON TABLE t (but not ON schema.t, a table named "schema")
            object_type, i = _OBJECT_KINDS[tok.value], i + 1
    names, end = _name_list(tokens, i)
    if object_type == "table" and names and names[0].endswith(".*"):
        object_type = "global" if names[0] == "*.*" else "database"  # MySQL db.* and *.*
    elif object_type == "table" and names == ["*"]:
        object_type = "database"  # MySQL ON *: the current database
    return object_type, names, end


def _name_list(tokens: list[Token], i: int) -> tuple[list[str], int]:
    names: list[str] = []
    current = ""
    while i < len(tokens) and not tokens[i].is_("TO", "FROM"):
        tok = tokens[i]
        if tok.text == ",":
            names.append(current)
            current = ""
        elif tok.text == "(":
            i = matching_paren(tokens, i)  # function signature: f(integer)
        else:
            current += tok.name if tok.kind != "punct" else tok.text
        i += 1
    if current:
        names.append(current)
    return names, i


def _grantees(tokens: list[Token], i: int) -> tuple[list[str], int]:
    grantees, current = [], []
    while i < len(tokens) and not tokens[i].is_("WITH", "GRANTED", "IDENTIFIED", "CASCADE", "RESTRICT", "REQUIRE", "AS"):
        tok = tokens[i]
        if tok.text == ",":
            grantees.append(current)
            current = []
        elif not (tok.is_("GROUP", "USER", "ROLE") and not current):
            current.append(tok)
        i += 1
    grantees.append(current)
    return [account_name(g) for g in grantees if g], i


def account_name(tokens: list[Token]) -> str:
    """A role name, or MySQL 'user'@'host' normalised to that quoted form."""
    if len(tokens) >= 3 and tokens[1].text == "@":
        return f"'{tokens[0].name}'@'{tokens[2].name}'"
    name = "".join(t.name if t.kind != "punct" else t.text for t in tokens)
    return "PUBLIC" if name.upper() == "PUBLIC" else name


# ---- CREATE/ALTER ROLE and USER, CREATE EXTENSION -----------------------------------------------

# PostgreSQL role options (CREATE ROLE); NOxxx removes xxx, which matters for ALTER ROLE.
_ROLE_FLAGS = {"SUPERUSER", "CREATEDB", "CREATEROLE", "INHERIT", "LOGIN", "REPLICATION", "BYPASSRLS"}


def apply_role(model: SchemaModel, tokens: list[Token], loc: Location) -> None:
    create = tokens[0].is_("CREATE")
    i = 2
    while i < len(tokens) and tokens[i].is_("IF", "NOT", "EXISTS"):
        i += 1
    if i < len(tokens) and tokens[i].is_("MAPPING"):
        return  # CREATE USER MAPPING: a foreign-server login, not a role
    # MySQL accounts are 'user'@'host' (three tokens); other dialects name a role.
    name_end = i + 3 if i + 2 < len(tokens) and tokens[i + 1].text == "@" else i + 1
    account = tokens[i:name_end]
    if not account:
        return
    name = account[0].name
    host = account[2].name if len(account) >= 3 else None
    key = account_name(account)
    role = model.roles.get(key) or Role(name=name, host=host, location=loc)
    if create:
        role.location = loc
        if tokens[1].is_("USER"):
            role.attributes.add("LOGIN")  # CREATE USER is CREATE ROLE ... LOGIN; MySQL/Oracle users log in
    _role_attributes(role, tokens[name_end:])
    model.roles[key] = role


def _role_attributes(role: Role, tokens: list[Token]) -> None:
    plugin = ""
    for k, tok in enumerate(tokens):
        word = tok.value if tok.kind == "word" else ""
        nxt = tokens[k + 1] if k + 1 < len(tokens) else None
        if word in _ROLE_FLAGS:
            role.attributes.add(word)
        elif word.startswith("NO") and word[2:] in _ROLE_FLAGS:
            role.attributes.discard(word[2:])
        elif word in ("PASSWORD", "BY", "AS") and nxt is not None and nxt.kind == "string":
            # PASSWORD 'x' (PostgreSQL), IDENTIFIED [WITH plugin] BY|AS 'x' (MySQL); AS gives
            # the stored authentication string (a hash), never the password itself.
            role.attributes -= {a for a in role.attributes if a.startswith("PASSWORD_")}
            role.attributes |= {"PASSWORD", _password_form(nxt.value, stored=word == "AS")}
        elif word == "PASSWORD" and nxt is not None and nxt.is_("NULL"):
            role.attributes -= {a for a in role.attributes if a.startswith("PASSWORD")}
        elif word == "VALID" and nxt is not None and nxt.is_("UNTIL") and k + 2 < len(tokens):
            # PostgreSQL password expiry; 'infinity' says outright that it never expires.
            role.attributes -= {"VALID_UNTIL", "VALID_UNTIL_INFINITY"}
            never = tokens[k + 2].value.strip().lower() == "infinity"
            role.attributes.add("VALID_UNTIL_INFINITY" if never else "VALID_UNTIL")
        elif word == "IDENTIFIED" and nxt is not None and nxt.is_("WITH", "VIA") and k + 2 < len(tokens):
            # MySQL IDENTIFIED WITH plugin, MariaDB IDENTIFIED VIA plugin
            role.attributes -= {a for a in role.attributes if a.startswith(("PLUGIN_", "PASSWORD"))}
            plugin = tokens[k + 2].name.lower()
            role.attributes.add("PASSWORD")
        elif word == "IDENTIFIED" and nxt is not None:
            if nxt.is_("EXTERNALLY", "GLOBALLY"):
                role.attributes.add(f"IDENTIFIED_{nxt.value}")
            else:
                role.attributes.add("PASSWORD")
                after = tokens[k + 2] if k + 2 < len(tokens) else None
                if nxt.is_("BY") and after is not None and after.kind in ("word", "ident") and not after.is_("PASSWORD", "VALUES"):
                    role.attributes.add("PASSWORD_PLAINTEXT")  # Oracle: IDENTIFIED BY secret
        elif word in ("SET", "RENAME", "RESET"):
            break  # ALTER ROLE x SET search_path ...: a session setting, not an attribute
    # The plugin as PLUGIN_<NAME>, unless the stored hash already says it: a '*'+40 hex string
    # (PASSWORD_MYSQL_HASH) is a mysql_native_password hash.
    if plugin and not (plugin == "mysql_native_password" and "PASSWORD_MYSQL_HASH" in role.attributes):
        role.attributes.add(f"PLUGIN_{plugin.upper()}")


def _password_form(value: str, stored: bool = False) -> str:
    """How a password is given, never the value: pg_dumpall writes verifiers, scripts plaintext.
    PASSWORD_EMPTY: '' (no password at all)."""
    if value == "":
        return "PASSWORD_EMPTY"
    if value.startswith("SCRAM-SHA-256$"):
        return "PASSWORD_SCRAM"
    if re.fullmatch(r"md5[0-9a-f]{32}", value):
        return "PASSWORD_MD5"
    if re.fullmatch(r"\*[0-9A-F]{40}", value):
        return "PASSWORD_MYSQL_HASH"
    return "PASSWORD_HASH" if stored else "PASSWORD_PLAINTEXT"


def apply_extension(model: SchemaModel, tokens: list[Token]) -> None:
    i = 2
    if i < len(tokens) and tokens[i].is_("IF"):
        i += 3
    if i < len(tokens):
        model.extensions.add(tokens[i].name.lower())


# ---- column definitions as written ---------------------------------------------------------------

# Words that end a column's declared type: the constraints and options that may follow it.
_TYPE_END = frozenset({
    "NOT", "NULL", "DEFAULT", "PRIMARY", "UNIQUE", "REFERENCES", "CHECK", "CONSTRAINT", "COMMENT",
    "AUTO_INCREMENT", "AUTOINCREMENT", "IDENTITY", "COLLATE", "GENERATED", "CHARSET", "ON", "AS",
    "KEY", "STORAGE", "COLUMN_FORMAT", "INVISIBLE", "VISIBLE", "SRID", "ENABLE", "DISABLE",
    "ROWGUIDCOL", "SPARSE", "FILESTREAM", "MASKED", "ENCRYPTED", "USING", "FIRST", "AFTER",
})
_DEFAULT_END = _TYPE_END - {"NULL", "AS", "KEY", "USING"}


def _ends_type(item: list[Token], k: int) -> bool:
    word, nxt = item[k].value, item[k + 1].value if k + 1 < len(item) else ""
    if word == "CHARACTER":
        return nxt == "SET"  # "character varying" is a type, "CHARACTER SET utf8" is not
    if word == "WITH":
        return nxt not in ("TIME", "LOCAL")  # "timestamp with time zone"
    return word in _TYPE_END


def declared_type(item: list[Token], start: int = 1) -> str:
    """The type as written after the column name, lower-cased: "character varying(18)"."""
    out, depth, previous = "", 0, ""
    for k in range(start, len(item)):
        tok = item[k]
        if depth == 0 and tok.kind == "word" and _ends_type(item, k):
            break
        depth += tok.text in "([" and tok.kind == "punct"
        depth -= tok.text in ")]" and tok.kind == "punct"
        piece = tok.name if tok.kind == "ident" else tok.text
        if out and piece not in ("(", ")", "[", "]", ",") and previous not in ("(", "[", ","):
            out += " "
        out, previous = out + piece, piece
    return out.lower()


def default_text(sql: str, item: list[Token]) -> tuple[str, int] | None:
    """The DEFAULT expression as written, and the index of its first token in ``item``."""
    depth = 0
    for k, tok in enumerate(item):
        depth += tok.text == "("
        depth -= tok.text == ")"
        if depth == 0 and tok.is_("DEFAULT") and k + 1 < len(item):
            end, inner = k + 1, 0
            for j in range(k + 1, len(item)):
                if j > k + 1 and inner == 0 and item[j].kind == "word" and item[j].value in _DEFAULT_END:
                    break
                inner += item[j].text == "("
                inner -= item[j].text == ")"
                end = j
            return sql[item[k + 1].start:item[end].end], k + 1
    return None


def item_from(tokens: list[Token], i: int) -> list[Token]:
    """Tokens from ``i`` to the end of that list item: a comma or ")" at the starting depth."""
    depth, out = 0, []
    for tok in tokens[i:]:
        if tok.kind == "punct" and tok.text in "([":
            depth += 1
        elif tok.kind == "punct" and tok.text in ")]":
            depth -= 1
            if depth < 0:
                break
        elif tok.text == "," and depth == 0:
            break
        out.append(tok)
    return out


def trigger_assignments(tokens: list[Token]) -> Iterator[tuple[str, str]]:
    """(column, function) for trigger statements `SET NEW.col = AES_ENCRYPT(...)` or
    Oracle `:NEW.col := ...`: the column the trigger protects."""
    for k, tok in enumerate(tokens):
        if tok.kind != "word" or k + 1 >= len(tokens) or tokens[k + 1].text != "(":
            continue
        function = tok.name.lower()
        if function not in CRYPTO_FUNCTIONS:
            continue
        j = k - 1
        while j >= 3 and k - j < 40 and tokens[j].text not in ("=", ";"):
            j -= 1
            if tokens[j].name.lower() in CRYPTO_FUNCTIONS and tokens[j + 1].text == "(":
                break  # nested, as SHA2 in AES_ENCRYPT(x, UNHEX(SHA2(k))): the outer call counts
        if j < 3 or tokens[j].text != "=":
            continue
        j -= tokens[j - 1].text == ":"  # Oracle :=
        if tokens[j - 2].text == "." and tokens[j - 3].is_("NEW"):
            yield tokens[j - 1].name, function


# sp_addextendedproperty's parameters in positional order.
_PROPERTY_PARAMETERS = ("name", "value", "level0type", "level0name", "level1type", "level1name",
                        "level2type", "level2name")


def procedure_arguments(tokens: list[Token], procedure: str) -> dict[str, str] | None:
    """Arguments of `EXEC [sys.]procedure 'a', @p = N'b', ...` by parameter name."""
    at = next((k for k, t in enumerate(tokens[:6]) if t.name.lower() == procedure), None)
    if at is None:
        return None
    args: dict[str, str] = {}
    position = 0
    for k in range(at + 1, len(tokens)):
        tok = tokens[k]
        if tok.text == ",":
            position += 1
        elif tok.kind == "string" and position < len(_PROPERTY_PARAMETERS):
            named = k >= 3 and tokens[k - 1].text == "=" or k >= 4 and tokens[k - 2].text == "="
            back = k - 2 if tokens[k - 1].text == "=" else k - 3
            key = tokens[back].name.lower() if named and tokens[back - 1].text == "@" else _PROPERTY_PARAMETERS[position]
            args[key] = tok.value
    return args


# Words that open a table constraint rather than a column in a CREATE TABLE column list.
CONSTRAINT_WORDS = frozenset({"CONSTRAINT", "PRIMARY", "UNIQUE", "KEY", "INDEX", "FOREIGN", "CHECK",
                              "FULLTEXT", "SPATIAL", "EXCLUDE", "PERIOD", "LIKE"})


def column_words(item: list[Token]) -> tuple[bool, bool, str]:
    """(nullable, primary key, comment) of a column definition read from its tokens alone."""
    nullable, primary, comment, depth = True, False, "", 0
    for k, tok in enumerate(item):
        depth += (tok.text == "(") - (tok.text == ")")
        if depth or tok.kind != "word":
            continue
        if tok.value == "NULL":
            nullable = not (k and item[k - 1].is_("NOT")) and nullable
        elif tok.value == "PRIMARY":
            primary, nullable = True, False
        elif tok.value == "COMMENT" and k + 1 < len(item) and item[k + 1].kind == "string":
            comment = item[k + 1].value
    return nullable, primary, comment


def primary_key_columns(item: list[Token]) -> list[str]:
    """Column names of a table-level PRIMARY KEY [CLUSTERED] (a, b)."""
    at = next((k for k, t in enumerate(item) if t.is_("PRIMARY")), None)
    paren = next((k for k in range(at, len(item)) if item[k].text == "("), None) if at is not None else None
    return [part[0].name for part in split_items(item, paren)] if paren is not None else []


def option_comment(tokens: list[Token]) -> str:
    """MySQL table option COMMENT[=]'...' after the column list."""
    for k, tok in enumerate(tokens):
        if tok.is_("COMMENT"):
            value = tokens[k + 2] if k + 2 < len(tokens) and tokens[k + 1].text == "=" else tokens[k + 1] if k + 1 < len(tokens) else None
            if value is not None and value.kind == "string":
                return value.value
    return ""
