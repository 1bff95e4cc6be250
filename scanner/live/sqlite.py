"""SQLite "live" front end: a database file named by a URL, read like any live database.

``sqlite:///relative/path.db`` (relative to the working directory) and
``sqlite:////absolute/path.db``. The file is opened read-only and immutable through the same
catalog reader the tree scan uses for .sqlite files (scanner.parsers.sqlite_db), so a SQLite
database gets the same facts whether it is found in a tree or named on the command line, and it
is never written (no journal, no WAL, no lock).
"""

from __future__ import annotations

import os
from fnmatch import fnmatchcase
from urllib.parse import unquote, urlsplit

from scanner.live import LiveError, LiveOptions, LiveSnapshot, mask_url
from scanner.model.schema import SchemaModel
from scanner.parsers import ParseError
from scanner.parsers.source import InputSource, ParserSettings

# SQLite's own name for the main database: what --schema / --exclude-schema globs match.
_SCHEMA = "main"


def database_path(url: str) -> str:
    """The file a sqlite: URL names (relative paths against the working directory)."""
    parts = urlsplit(url)
    if parts.netloc:
        raise LiveError(f"a SQLite URL names a file, not a host: {mask_url(url)} "
                        "(use sqlite:///relative/path.db or sqlite:////absolute/path.db)")
    path = unquote(parts.path)
    # sqlite:///rel.db -> path "/rel.db"; sqlite:////abs.db -> path "//abs.db"
    path = path.removeprefix("/")
    if not path or path == ":memory:":
        raise LiveError(f"a SQLite URL must name a database file: {mask_url(url)}")
    return path


def snapshot(url: str, options: LiveOptions) -> LiveSnapshot:
    from scanner.enrich.pii import classify_model
    from scanner.parsers.sqlite_db import parse_sqlite

    masked = mask_url(url)
    path = database_path(url)
    if not os.path.isfile(path):
        reason = "is not a file" if os.path.exists(path) else "does not exist"
        raise LiveError(f"cannot open {masked}: {path} {reason}")
    settings = ParserSettings(max_samples=options.max_samples if options.sample else 0)
    source = InputSource(path=None, kind="sqlite", abspath=os.path.abspath(path), encoding="binary",
                         settings=settings)
    try:
        model = parse_sqlite(source)
    except ParseError as exc:
        raise LiveError(f"cannot read {masked}: {exc}") from exc
    model.source = "live"
    _filter_tables(model, options)
    if model.tables:
        classify_model(model)
    notes = [] if options.sample else ["value sampling is off (--no-sample): columns classified by name, type and comment only"]
    return LiveSnapshot(url=masked, engine="sqlite", schema=model, notes=notes)


def _matches(globs: tuple[str, ...], *names: str) -> bool:
    return any(fnmatchcase(name.lower(), glob.lower()) for glob in globs for name in names)


def _selected(table_name: str, options: LiveOptions) -> bool:
    if options.schemas and not _matches(options.schemas, _SCHEMA):
        return False
    if options.exclude_schemas and _matches(options.exclude_schemas, _SCHEMA):
        return False
    names = (table_name, f"{_SCHEMA}.{table_name}")
    if options.tables and not _matches(options.tables, *names):
        return False
    return not (options.exclude_tables and _matches(options.exclude_tables, *names))


def _filter_tables(model: SchemaModel, options: LiveOptions) -> None:
    for key, table in list(model.tables.items()):
        if not _selected(table.name, options):
            del model.tables[key]
