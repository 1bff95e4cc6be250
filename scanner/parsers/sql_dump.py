"""SQL dumps -> SchemaModel, one statement at a time (pg_dump, mysqldump, sqlite3 .dump, scripts).

``scanner.parsers.sql_stream`` cuts the dump into statements in bounded memory; here each
statement is dispatched on its leading keywords to one small handler. Only DDL goes to sqlglot:
INSERT rows and COPY data never do (sqlglot reads about 0.2 MB/s), and access statements that
sqlglot only returns as a bare ``Command`` (CREATE ROLE, GRANT ... ON ALL TABLES, MySQL
'user'@'host') are read from tokens by ``_sql_facts``. Statements nobody handles are ignored
quietly; a handled statement that no dialect parses becomes a warning and the dump goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import islice

from scanner.finding import Location
from scanner.mask import redact_text
from scanner.model.schema import Column, SchemaModel, Table
from scanner.parsers import _sql_facts as facts
from scanner.parsers._sql_facts import Lines, Token, lex
from scanner.parsers.source import InputSource

_HEAD_CHARS = 64 * 1024
# Tried in this order when the dump does not say which dialect wrote it.
_CANDIDATES = ("postgres", "mysql", "tsql", "oracle", "sqlite")
# One retry when the detected dialect fails: SQLite dumps written by tools often carry MySQL-isms;
# otherwise sqlglot's own dialect ("" here) is the most lenient reader.
_SECOND_GUESS = {"sqlite": "mysql", "mysql": "", "postgres": "", "tsql": "", "oracle": ""}
_DEFINITION_CHARS = 2000


def parse_dump(source: InputSource) -> SchemaModel:
    from scanner.parsers.sql_stream import detect_dialect, iter_statements

    model = SchemaModel(source="sql")
    dialect = source.settings.dialect
    if not dialect:
        with source.open_text() as head:
            dialect = detect_dialect(head.read(_HEAD_CHARS))
    model.dialect = dialect or ""  # "" until the first DDL statement parses in some dialect
    max_samples = source.settings.max_samples
    with source.open_text() as stream:
        for statement in iter_statements(stream, dialect=dialect, max_copy_rows=max_samples):
            if statement.meta:
                continue  # psql \restrict, \connect: no schema facts
            apply_statement(model, statement.sql, statement.line, model.dialect, source.path,
                            max_samples=max_samples, copy_rows=statement.copy_rows)
    return model


@dataclass
class _Ctx:
    """One statement being applied, with what every handler needs."""

    model: SchemaModel
    sql: str
    line: int
    dialect: str
    path: str
    max_samples: int
    copy_rows: tuple[tuple[str | None, ...], ...] | None
    _tokens: list[Token] | None = None
    _lines: Lines | None = None

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = list(lex(self.sql, self.dialect))
        return self._tokens

    def location(self, offset: int, obj: str | None = None) -> Location:
        if self._lines is None:
            self._lines = Lines(self.sql, self.line)
        return self._lines.location(self.path, offset, obj)

    def warn(self, what: str = "skipped unparsable statement") -> None:
        # Masked before it is cut (issue 10: the head of an unparsable INSERT or CHECK quoted a phone
        # number or an ID number into the result's warnings): a value cut in two would escape the mask.
        head = redact_text(" ".join(self.sql[:400].split())[:200])[:60]
        self.model.warnings.append((self.line, f"{what}: {head}"))


def apply_statement(model: SchemaModel, sql: str, line: int, dialect: str, path: str, *,
                    max_samples: int = 200,
                    copy_rows: tuple[tuple[str | None, ...], ...] | None = None) -> None:
    """Fold one statement into ``model``. ``dialect`` "" means unknown: DDL then tries each."""
    head = list(islice(lex(sql, dialect), 16))
    if not head:
        return
    handler = _HANDLERS.get(_dispatch_key(head))
    if handler is None:
        return
    ctx = _Ctx(model, sql, line, dialect, path, max_samples, copy_rows)
    cut = _next_batch_statement(ctx) if dialect == "tsql" and handler not in (_insert, _copy, _routine) else None
    if cut is None:
        try:
            handler(ctx)
        except Exception as error:  # one odd statement must not cost the rest of a multi-GB dump
            ctx.warn(f"skipped statement ({type(error).__name__})")
        return
    apply_statement(model, sql[:cut], line, dialect, path, max_samples=max_samples)
    rest_line = ctx.location(cut).line or line
    apply_statement(model, sql[cut:], rest_line, dialect, path, max_samples=max_samples)


# A T-SQL batch (text between GO lines) may hold several statements with no ";" between them, as
# sakila's film_text and inventory do. A statement keyword opening a line at depth 0 starts the next.
_BATCH_STARTS = {"CREATE", "ALTER", "DROP", "GRANT", "REVOKE", "DENY", "INSERT", "EXEC", "EXECUTE", "USE"}


def _next_batch_statement(ctx: _Ctx) -> int | None:
    depth = 0
    for tok in ctx.tokens[1:]:
        depth += (tok.text == "(") - (tok.text == ")")
        if depth == 0 and tok.kind == "word" and tok.value in _BATCH_STARTS \
                and not ctx.sql[ctx.sql.rfind("\n", 0, tok.start) + 1:tok.start].strip():
            return tok.start
    return None


# Object kinds after CREATE/ALTER/DROP; modifiers before them (OR REPLACE, TEMPORARY, UNIQUE,
# MATERIALIZED, MySQL ALGORITHM=... DEFINER=... SQL SECURITY ...) are skipped by looking for these.
_OBJECT_WORDS = {"TABLE", "VIEW", "TRIGGER", "FUNCTION", "PROCEDURE", "EXTENSION", "ROLE", "USER",
                 "INDEX", "SEQUENCE", "TYPE", "DATABASE", "SCHEMA", "DOMAIN", "AGGREGATE", "LANGUAGE",
                 "POLICY", "RULE", "EVENT", "SERVER", "LOGIN", "SYNONYM", "PACKAGE", "DEFAULT"}


def _dispatch_key(head: list[Token]) -> tuple[str, str | None]:
    first = head[0].value if head[0].kind == "word" else head[0].text
    if first in ("CREATE", "ALTER", "DROP"):
        kind = next((t.value for t in head[1:] if t.kind == "word" and t.value in _OBJECT_WORDS), None)
        return first, kind
    if first == "COMMENT":
        return first, "ON"
    return first, None


# ---- sqlglot ------------------------------------------------------------------------------------

class _QuietFallback(logging.Filter):
    """sqlglot logs a warning for each statement it falls back to Command for; we handle those."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Falling back to parsing as a 'Command'" not in record.getMessage()


logging.getLogger("sqlglot").addFilter(_QuietFallback())


def _parse(ctx: _Ctx, want: type, command_ok: bool = False, text: str | None = None, warn: bool = True):
    """The sqlglot tree of the statement (``text``: a version cleaned of options we never read),
    in the dump's dialect or one second guess; None, warned, when neither reads it."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel

    tries = (ctx.dialect, _SECOND_GUESS.get(ctx.dialect, "")) if ctx.dialect else _CANDIDATES
    for dialect in tries:
        try:
            node = sqlglot.parse_one(text or ctx.sql, read=dialect or None, error_level=ErrorLevel.RAISE)
        except Exception:  # ParseError, TokenError, and sqlglot's own bugs alike
            continue
        if isinstance(node, want) or (command_ok and isinstance(node, exp.Command)):
            if not ctx.model.dialect and dialect:
                ctx.model.dialect = dialect
            return node
    if warn:
        ctx.warn()
    return None


def _table_parts(node) -> list[str]:
    """A sqlglot Table as name parts: [catalog, db, name] without the empty ones."""
    return [part.name for part in (node.args.get("catalog"), node.args.get("db"), node.this) if part]


def _lookup(model: SchemaModel, parts: list[str]) -> Table | None:
    if not parts:
        return None
    schema = ".".join(parts[:-1]) or None
    table = model.find_table(parts[-1], schema)
    # Declared unqualified under `SET search_path` (old pg_dump), referenced qualified later.
    return table if table is not None or schema is None else model.find_table(parts[-1])


def _new_table(ctx: _Ctx, parts: list[str], kind: str, after: int = 0) -> Table:
    table = Table(name=parts[-1], schema=".".join(parts[:-1]) or None, kind=kind)
    index = _find_name(ctx.tokens, table.name, after)
    offset = ctx.tokens[index].start if index is not None else 0
    table.location = ctx.location(offset, table.qualified_name)
    return ctx.model.add_table(table)


def _find_name(tokens: list[Token], name: str, start: int = 0) -> int | None:
    """Index of the next token naming ``name`` (case-insensitively, quotes removed)."""
    lowered = name.lower()
    for index in range(start, len(tokens)):
        if tokens[index].kind in ("word", "ident", "string") and tokens[index].name.lower() == lowered:
            return index
    return None


# ---- handlers: DDL through sqlglot ---------------------------------------------------------------

def _for_sqlglot(ctx: _Ctx) -> str:
    """The statement with the SQL Server clauses sqlglot 30 cannot read blanked out (offsets kept):
    [NON]CLUSTERED after PRIMARY KEY/UNIQUE, and Always Encrypted's ENCRYPTED WITH (...), which
    the token pass reads as a protection hint."""
    text, tokens = ctx.sql, ctx.tokens
    for k, tok in enumerate(tokens):
        end = None
        if tok.is_("CLUSTERED", "NONCLUSTERED"):
            end = tok.end
        elif tok.is_("ENCRYPTED") and k + 2 < len(tokens) and tokens[k + 1].is_("WITH") and tokens[k + 2].text == "(":
            end = tokens[facts.matching_paren(tokens, k + 2)].end
        if end is not None:
            text = text[:tok.start] + " " * (end - tok.start) + text[end:]
    return text


def _create_table(ctx: _Ctx) -> None:
    from sqlglot import exp

    tokens = ctx.tokens
    kind_at = next((k for k, t in enumerate(tokens) if t.is_("TABLE")), 0)
    open_at = next((k for k in range(kind_at, len(tokens)) if tokens[k].text in ("(", "AS")), None)
    items = facts.split_items(tokens, open_at) if open_at is not None and tokens[open_at].text == "(" else []
    node = _parse(ctx, exp.Create, text=_for_sqlglot(ctx), warn=not items)
    if node is None:
        if items:
            _table_from_tokens(ctx, kind_at, open_at, items)
        return
    target = node.this
    table = _new_table(ctx, _table_parts(target.this if isinstance(target, exp.Schema) else target), "table", kind_at)
    comment = node.find(exp.SchemaCommentProperty)
    table.comment = comment.this.name if comment is not None else ""
    cursor = 0
    for definition in target.expressions if isinstance(target, exp.Schema) else []:
        if isinstance(definition, (exp.ColumnDef, exp.Identifier)):  # SQLite: a bare name, no type
            # Match each column with its own source item, in order, for its line and its type.
            while cursor < len(items) and items[cursor][0].name.lower() != definition.name.lower():
                cursor += 1
            item = items[cursor] if cursor < len(items) else []
            cursor += 1
            tree = definition if isinstance(definition, exp.ColumnDef) else None
            _define_column(ctx, table, tree, item, Column(name=definition.name))
        else:
            _mark_primary(table, [i.name for key in definition.find_all(exp.PrimaryKey) for i in key.find_all(exp.Identifier)])
    for item in items:
        if item[0].is_(*facts.CONSTRAINT_WORDS):
            _check_hints(ctx, table, item)


def _table_from_tokens(ctx: _Ctx, kind_at: int, open_at: int, items: list[list[Token]]) -> None:
    """SQLite takes any words as a type ("BLOB SUB_TYPE TEXT" in sakila) and no sqlglot dialect
    does: read such a table from its tokens rather than lose it, and say so."""
    tokens = ctx.tokens
    parts = facts.qualified_name(tokens, kind_at + 1 + 3 * (kind_at + 1 < len(tokens) and tokens[kind_at + 1].is_("IF")))[0]
    if not parts:
        ctx.warn()
        return
    ctx.warn("read from tokens, sqlglot could not parse")
    table = _new_table(ctx, parts, "table", kind_at)
    table.comment = facts.option_comment(tokens[facts.matching_paren(tokens, open_at) + 1:])
    for item in items:
        if not item[0].is_(*facts.CONSTRAINT_WORDS):
            _define_column(ctx, table, None, item, Column(name=item[0].name))
    for item in items:
        if item[0].is_(*facts.CONSTRAINT_WORDS):
            _mark_primary(table, facts.primary_key_columns(item))
            _check_hints(ctx, table, item)


def _mark_primary(table: Table, names: list[str]) -> None:
    for name in names:
        column = table.get_column(name)
        if column is not None:
            column.primary_key, column.nullable = True, False


def _define_column(ctx: _Ctx, table: Table, definition, item: list[Token], column: Column, add: bool = True
                   ) -> Column:
    """(Re)define ``column`` from its source tokens (``item``, name first) and, when sqlglot read
    the statement, its ColumnDef; a column redefined by MODIFY/CHANGE keeps its first line."""
    from sqlglot import exp

    column.data_type = facts.declared_type(item)
    found = facts.default_text(ctx.sql, item)
    column.default = found[0] if found else None
    column.nullable, column.primary_key, column.comment = facts.column_words(item)
    if definition is not None:  # sqlglot's reading wins where it has one
        column.name, column.nullable, column.comment = definition.name, True, ""
        for constraint in definition.args.get("constraints") or []:
            kind = constraint.args.get("kind")
            if isinstance(kind, exp.NotNullColumnConstraint):
                column.nullable = bool(kind.args.get("allow_null"))
            elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
                column.primary_key, column.nullable = True, False
            elif isinstance(kind, exp.CommentColumnConstraint):
                column.comment = kind.this.name
    if not column.location.line:
        column.location = ctx.location(item[0].start if item else 0, table.column_name(column))
    for function, _ in facts.crypto_calls(item, ctx.dialect):
        _hint(column, f"default:{function}")
    if any(t.is_("ENCRYPTED") for t in item):
        _hint(column, "tsql:always-encrypted")  # SQL Server Always Encrypted: ENCRYPTED WITH (...)
    return table.add_column(column) if add else column


def _hint(column: Column, hint: str) -> None:
    if hint not in column.protection_hints:
        column.protection_hints.append(hint)


def _check_hints(ctx: _Ctx, table: Table, item: list[Token]) -> None:
    """A table CHECK calling a crypto function speaks for the columns it names."""
    functions = [f for f, _ in facts.crypto_calls(item, ctx.dialect)]
    for tok in item if functions else ():
        column = table.get_column(tok.name) if tok.kind in ("word", "ident") else None
        for function in functions if column is not None else ():
            _hint(column, f"default:{function}")


def _create_view(ctx: _Ctx) -> None:
    """Views (also materialized, and mysqldump's ALGORITHM=... DEFINER=... SQL SECURITY ... VIEW)."""
    from sqlglot import exp

    tokens = ctx.tokens
    view_at = next((k for k, t in enumerate(tokens) if t.is_("VIEW")), 0)
    # sqlglot 30 fails on DEFINER=CURRENT_USER and on pg_dump's "... WITH NO DATA" after a
    # materialized view; neither the options before VIEW nor that suffix carry column facts.
    modifiers = " ".join(t.value for t in tokens[1:view_at] if t.is_("OR", "REPLACE", "MATERIALIZED"))
    end = len(ctx.sql)
    if len(tokens) > 3 and tokens[-1].is_("DATA") and tokens[-3 if tokens[-2].is_("NO") else -2].is_("WITH"):
        end = tokens[-3 if tokens[-2].is_("NO") else -2].start
    node = _parse(ctx, exp.Create, text=f"CREATE {modifiers} {ctx.sql[tokens[view_at].start:end]}", warn=False)
    if node is not None:
        target = node.this.this if isinstance(node.this, exp.Schema) else node.this
        parts = _table_parts(target)
    else:
        ctx.warn("read from tokens, sqlglot could not parse")
        i = view_at + 1 + 3 * (view_at + 1 < len(tokens) and tokens[view_at + 1].is_("IF"))
        parts = facts.qualified_name(tokens, i)[0]
    if not parts:
        return
    view = _new_table(ctx, parts, "view", view_at)
    depth, body = 0, None
    for k in range(view_at, len(tokens)):  # the first AS outside a column list starts the query
        depth += (tokens[k].text == "(") - (tokens[k].text == ")")
        if depth == 0 and tokens[k].is_("AS"):
            body = k + 1
            break
    if body is None or body >= len(tokens):
        return
    view.definition = ctx.sql[tokens[body].start:].strip()[:_DEFINITION_CHARS]
    for function, offset in facts.crypto_calls(tokens[body:], ctx.dialect):
        ctx.model.crypto_mentions.append((view.qualified_name, function, ctx.location(offset, view.qualified_name)))


def _comment_on(ctx: _Ctx) -> None:
    """COMMENT ON TABLE|VIEW|COLUMN (PostgreSQL, Oracle); other objects carry no column facts."""
    from sqlglot import exp

    tokens = ctx.tokens
    if len(tokens) < 4 or not tokens[2].is_("TABLE", "COLUMN", "VIEW", "MATERIALIZED"):
        return
    if tokens[-1].is_("NULL") and tokens[-2].is_("IS"):
        # sqlglot cannot read IS NULL (it removes a comment); the name is all we need.
        start = 4 if tokens[2].is_("MATERIALIZED") else 3
        _set_comment(ctx, tokens[2].is_("COLUMN"), facts.qualified_name(tokens, start)[0], "")
        return
    # The usual shape, COMMENT ON COLUMN a.b IS '...';, is read from the tokens: a dump with a
    # comment on every column would otherwise send each one through sqlglot.
    start = 4 if tokens[2].is_("MATERIALIZED") else 3
    parts, cursor = facts.qualified_name(tokens, start)
    rest = tokens[cursor:]
    if (parts and len(rest) >= 2 and rest[0].is_("IS") and rest[1].kind == "string"
            and rest[1].text.startswith("'") and all(t.text == ";" for t in rest[2:])):
        _set_comment(ctx, tokens[2].is_("COLUMN"), parts, rest[1].value)
        return
    node = _parse(ctx, exp.Comment)
    if node is not None:
        target = node.this
        is_column = isinstance(target, exp.Column)
        parts = [p.name for p in (target.args.get("catalog"), target.args.get("db"), target.args.get("table"),
                                  target.this) if p] if is_column else _table_parts(target)
        _set_comment(ctx, is_column, parts, node.expression.name)


def _set_comment(ctx: _Ctx, is_column: bool, parts: list[str], text: str) -> None:
    table = _lookup(ctx.model, parts[:-1] if is_column else parts)
    if table is None:
        return
    if not is_column:
        table.comment = text
    elif (column := table.get_column(parts[-1])) is not None:
        column.comment = text


def _alter_table(ctx: _Ctx) -> None:
    from sqlglot import exp

    tokens = ctx.tokens
    i = 2
    while i < len(tokens) and tokens[i].is_("IF", "EXISTS", "ONLY", "ONLINE", "IGNORE"):
        i += 1
    parts, cursor = facts.qualified_name(tokens, i)
    table = _lookup(ctx.model, parts)
    words = [t.value for t in tokens[cursor:] if t.kind == "word"]
    if table is None or words[:2] == ["OWNER", "TO"]:
        return  # a table this dump never created (or a sequence), or only its owner
    if " ROW LEVEL SECURITY" in " ".join(words):
        # pg_dump writes ENABLE (and FORCE, which binds the owner too); DISABLE turns it off.
        if words[0] in ("ENABLE", "FORCE", "DISABLE"):
            table.row_level_security = words[0] != "DISABLE"
        return
    node = _parse(ctx, exp.Alter, command_ok=True)
    if isinstance(node, exp.Alter):
        for action in node.args.get("actions") or []:
            cursor = _alter_action(ctx, table, action, cursor)
        for option in node.args.get("options") or []:
            if isinstance(option, exp.SchemaCommentProperty):
                table.comment = option.this.name
    elif node is not None:
        _alter_command(ctx, table, cursor)


def _alter_action(ctx: _Ctx, table: Table, action, cursor: int) -> int:
    """Apply one ALTER TABLE action; returns the token index after the column it named."""
    from sqlglot import exp

    tokens = ctx.tokens
    if isinstance(action, (exp.ColumnDef, exp.Schema)):  # ADD [COLUMN] c ...; Oracle ADD (c ..., d ...)
        for definition in [action] if isinstance(action, exp.ColumnDef) else action.expressions:
            at = _find_name(tokens, definition.name, cursor)
            item = facts.item_from(tokens, at) if at is not None else []
            _define_column(ctx, table, definition, item, Column(name=definition.name))
            cursor = at + len(item) if at is not None else cursor
    elif isinstance(action, exp.ModifyColumn):  # MySQL MODIFY c ..., CHANGE old new ...
        definition, old = action.this, action.args.get("rename_from")
        at = _find_name(tokens, old.name, cursor) if old is not None else cursor
        at = _find_name(tokens, definition.name, (at or cursor) + (old is not None))
        old_name = old.name if old is not None else definition.name
        item = facts.item_from(tokens, at) if at is not None else []
        column = table.get_column(old_name)
        if column is None:
            _define_column(ctx, table, definition, item, Column(definition.name))
        else:
            _rename_column(table, old_name, _define_column(ctx, table, definition, item, column, add=False))
        cursor = at + len(item) if at is not None else cursor
    elif isinstance(action, exp.AlterColumn):
        at = _find_name(tokens, action.this.name, cursor)
        column = table.get_column(action.this.name)
        if column is not None and at is not None:
            item = facts.item_from(tokens, at)
            _alter_column(ctx, column, action, item)
            cursor = at + len(item)
    elif isinstance(action, exp.RenameColumn):
        column = table.get_column(action.this.name)
        if column is not None:
            column.name = action.args["to"].name
            _rename_column(table, action.this.name, column)
    elif isinstance(action, exp.Drop) and str(action.args.get("kind", "")).upper() == "COLUMN":
        for dropped in action.args.get("tables") or []:
            table.columns.pop(dropped.name.lower(), None)
    elif isinstance(action, exp.AddConstraint):
        _mark_primary(table, [i.name for key in action.find_all(exp.PrimaryKey) for i in key.find_all(exp.Identifier)])
        check = next((k for k in range(cursor, len(tokens)) if tokens[k].is_("CHECK")), None)
        if check is not None:
            _check_hints(ctx, table, facts.item_from(tokens, check))
    elif isinstance(action, exp.AlterRename):
        _rename_table(ctx.model, table, _table_parts(action.this))
    return cursor


def _alter_column(ctx: _Ctx, column: Column, action, item: list[Token]) -> None:
    """ALTER COLUMN c [SET DATA] TYPE t | SET DEFAULT e | DROP DEFAULT | SET/DROP NOT NULL."""
    if action.args.get("dtype") is not None:
        start = 1
        while start < len(item) and item[start].is_("SET", "DATA", "TYPE"):
            start += 1
        column.data_type = facts.declared_type(item, start)
    if action.args.get("allow_null") is not None:
        column.nullable = bool(action.args["allow_null"])
    elif action.args.get("drop"):
        column.default = None
    if action.args.get("default") is not None:
        found = facts.default_text(ctx.sql, item)
        column.default = found[0] if found else action.args["default"].sql(dialect=ctx.dialect or None)
        for function, _ in facts.crypto_calls(item, ctx.dialect):
            _hint(column, f"default:{function}")


def _alter_command(ctx: _Ctx, table: Table, cursor: int) -> None:
    """ALTER TABLE forms sqlglot returns as a bare Command."""
    tokens = ctx.tokens
    words = [t.value if t.kind == "word" else t.text for t in tokens[cursor:cursor + 2]]
    if words == ["MODIFY", "("]:  # Oracle: MODIFY (c VARCHAR2(100) NOT NULL, ...)
        for item in facts.split_items(tokens, cursor + 1):
            column = table.get_column(item[0].name)
            if column is not None:
                column.data_type = facts.declared_type(item) or column.data_type
                _alter_column_words(ctx, column, item)
        return
    at = next((k for k in range(cursor, len(tokens) - 1) if tokens[k].is_("FOR")), None)
    if at is not None and any(t.is_("DEFAULT") for t in tokens[cursor:at]):
        # SQL Server: ADD CONSTRAINT df DEFAULT (getdate()) FOR c
        column = table.get_column(tokens[at + 1].name)
        if column is not None:
            _alter_column_words(ctx, column, tokens[cursor:at])


def _alter_column_words(ctx: _Ctx, column: Column, item: list[Token]) -> None:
    words = [t.value for t in item if t.kind == "word"]
    if "NULL" in words:
        column.nullable = "NOT" not in words
    found = facts.default_text(ctx.sql, item)
    if found:
        column.default = found[0]
    for function, _ in facts.crypto_calls(item, ctx.dialect):
        _hint(column, f"default:{function}")


def _rename_column(table: Table, old_name: str, column: Column) -> None:
    """Re-key a renamed column in place: INSERTs without a column list rely on declared order."""
    old_key = old_name.lower()
    table.columns = {(column.name.lower() if key == old_key else key): value for key, value in table.columns.items()}
    _renamed(table, column)


def _renamed(table: Table, column: Column) -> None:
    column.location = replace(column.location, object=table.column_name(column))


def _rename_table(model: SchemaModel, table: Table, parts: list[str]) -> None:
    model.tables.pop(table.qualified_name.lower(), None)
    table.name, table.schema = parts[-1], ".".join(parts[:-1]) or table.schema
    table.location = replace(table.location, object=table.qualified_name)
    for column in table.columns.values():
        _renamed(table, column)
    model.add_table(table)


# ---- handlers: access, extensions, routines, samples, drops --------------------------------------

def _grant(ctx: _Ctx) -> None:
    facts.apply_grant(ctx.model, ctx.tokens, ctx.location(0))


def _role(ctx: _Ctx) -> None:
    facts.apply_role(ctx.model, ctx.tokens, ctx.location(0))


def _default_privileges(ctx: _Ctx) -> None:
    facts.apply_default_privileges(ctx.model, ctx.tokens, ctx.location(0))


def _extension(ctx: _Ctx) -> None:
    facts.apply_extension(ctx.model, ctx.tokens)


def _routine(ctx: _Ctx) -> None:
    """Triggers, functions, procedures: crypto calls in the body, against the trigger's table."""
    tokens, owner, table = ctx.tokens, "", None
    if any(t.is_("TRIGGER") for t in tokens[:12]):
        on = next((k for k, t in enumerate(tokens) if t.is_("ON")), None)
        if on is not None:
            parts, _ = facts.qualified_name(tokens, on + 1)
            table = _lookup(ctx.model, parts)
            owner = table.qualified_name if table is not None else ".".join(parts)
    for function, offset in facts.crypto_calls(tokens, ctx.dialect):
        ctx.model.crypto_mentions.append((owner, function, ctx.location(offset, owner or None)))
    if table is not None:
        # MySQL/Oracle triggers that assign NEW.col = AES_ENCRYPT(...): a hint on that column.
        for column_name, function in facts.trigger_assignments(tokens):
            column = table.get_column(column_name)
            if column is not None and f"trigger:{function}" not in column.protection_hints:
                column.protection_hints.append(f"trigger:{function}")


def _drop(ctx: _Ctx) -> None:
    """DROP TABLE/VIEW removes it: mysqldump replaces each view's stand-in table this way."""
    tokens = ctx.tokens
    i = next((k for k, t in enumerate(tokens) if t.is_("TABLE", "VIEW")), len(tokens)) + 1
    if i + 1 < len(tokens) and tokens[i].is_("IF"):
        i += 2
    while i < len(tokens):
        parts, i = facts.qualified_name(tokens, i)
        table = _lookup(ctx.model, parts)
        if table is not None:
            ctx.model.tables.pop(table.qualified_name.lower(), None)
        if i >= len(tokens) or tokens[i].text != ",":
            return
        i += 1


_INSERT_WORDS = {"INSERT", "REPLACE", "INTO", "IGNORE", "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY",
                 "OR", "ROLLBACK", "ABORT", "FAIL"}


def _insert(ctx: _Ctx) -> None:
    """Sample values of INSERT ... VALUES rows, for a table the dump created."""
    from scanner.parsers.sql_stream import iter_insert_rows

    head = list(islice(lex(ctx.sql, ctx.dialect), 40))  # never tokenise a whole extended INSERT
    i = 0
    while i < len(head) and head[i].kind == "word" and head[i].value in _INSERT_WORDS:
        i += 1
    table = _lookup(ctx.model, facts.qualified_name(head, i)[0])
    if table is None or table.kind != "table" or not table.columns:
        return
    kept = min(len(column.samples) for column in table.columns.values())
    if kept >= ctx.max_samples:
        return
    parsed = iter_insert_rows(ctx.sql, limit=ctx.max_samples - kept, dialect=ctx.dialect or None)
    if parsed is not None:
        _add_samples(table, parsed[1], parsed[2], ctx.max_samples)


def _copy(ctx: _Ctx) -> None:
    """pg_dump data: COPY t (a, b) FROM stdin; the rows come with the statement."""
    if not ctx.copy_rows:
        return
    tokens = ctx.tokens
    parts, i = facts.qualified_name(tokens, 1)
    table = _lookup(ctx.model, parts)
    if table is None:
        return
    names = None
    if i < len(tokens) and tokens[i].text == "(":
        names = [item[0].name for item in facts.split_items(tokens, i)]
    _add_samples(table, names, ctx.copy_rows, ctx.max_samples)


def _add_samples(table: Table, names, rows, max_samples: int) -> None:
    columns = [table.get_column(n) for n in names] if names else list(table.columns.values())
    for row in rows:
        for column, value in zip(columns, row):
            if column is not None and value is not None and len(column.samples) < max_samples:
                column.samples.append(str(value))


def _extended_property(ctx: _Ctx) -> None:
    """SQL Server column comments: EXEC sp_addextendedproperty 'MS_Description', N'...', ..."""
    args = facts.procedure_arguments(ctx.tokens, "sp_addextendedproperty")
    if args is None or args.get("name", "").lower() != "ms_description":
        return
    parts = [p for p in (args.get("level0name"), args.get("level1name")) if p]
    table = _lookup(ctx.model, parts) if args.get("level1type", "").upper() in ("TABLE", "VIEW") else None
    if table is None:
        return
    if args.get("level2type", "").upper() == "COLUMN":
        column = table.get_column(args.get("level2name", ""))
        if column is not None:
            column.comment = args.get("value", "")
    elif "level2type" not in args:
        table.comment = args.get("value", "")


_HANDLERS: dict[tuple[str, str | None], Callable[[_Ctx], None]] = {
    ("CREATE", "TABLE"): _create_table,
    ("CREATE", "VIEW"): _create_view,
    ("ALTER", "TABLE"): _alter_table,
    ("COMMENT", "ON"): _comment_on,
    ("CREATE", "TRIGGER"): _routine,
    ("CREATE", "FUNCTION"): _routine,
    ("CREATE", "PROCEDURE"): _routine,
    ("CREATE", "EXTENSION"): _extension,
    ("CREATE", "ROLE"): _role,
    ("CREATE", "USER"): _role,
    ("ALTER", "ROLE"): _role,
    ("ALTER", "USER"): _role,
    ("ALTER", "DEFAULT"): _default_privileges,
    ("GRANT", None): _grant,
    ("REVOKE", None): _grant,
    ("INSERT", None): _insert,
    ("REPLACE", None): _insert,
    ("COPY", None): _copy,
    ("DROP", "TABLE"): _drop,
    ("DROP", "VIEW"): _drop,
    ("EXEC", None): _extended_property,
    ("EXECUTE", None): _extended_property,
}
