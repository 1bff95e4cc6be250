"""SQLite database files found in a scanned tree, read through their catalog like a live database.

Opened read-only and immutable (never written, no journal created), so scanning a tree never
changes a database in it. Each column gets up to ``max_samples`` distinct non-empty values with
a bounded ``LIMIT``: no full scan of a large table.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scanner.finding import Location
from scanner.model.schema import Column, SchemaModel, Table
from scanner.parsers import ParseError
from scanner.parsers.source import InputSource

# Rows read per table to find sample values; bounded so a huge table costs no more than a small one.
_ROWS_PER_TABLE = 2000


def parse_sqlite(source: InputSource) -> SchemaModel:
    if source.abspath is None:
        raise ParseError("a SQLite database can only be read from a file")
    uri = Path(source.abspath).resolve().as_uri() + "?mode=ro&immutable=1"
    model = SchemaModel(dialect="sqlite", source="sqlite-file")
    try:
        with sqlite3.connect(uri, uri=True) as db:
            for name, kind, sql in db.execute(
                "SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            ):
                table = model.add_table(
                    Table(name=name, kind=kind, location=Location(path=source.path, object=name),
                          definition=(sql or "")[:2000] if kind == "view" else "")
                )
                _read_columns(db, table, source.path)
                if kind == "table" and source.settings.max_samples:
                    _read_samples(db, table, source.settings.max_samples)
    except sqlite3.DatabaseError as exc:
        raise ParseError(f"not a readable SQLite database: {exc}") from exc
    return model


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _read_columns(db: sqlite3.Connection, table: Table, path: str) -> None:
    for _, name, declared, notnull, default, pk in db.execute(f"PRAGMA table_info({_quote(table.name)})"):
        table.add_column(Column(
            name=name,
            data_type=(declared or "").lower(),
            default=default,
            nullable=not notnull,
            primary_key=bool(pk),
            location=Location(path=path, object=f"{table.name}.{name}"),
        ))


def _read_samples(db: sqlite3.Connection, table: Table, max_samples: int) -> None:
    columns = list(table.columns.values())
    if not columns:
        return
    names = ", ".join(_quote(c.name) for c in columns)
    rows = db.execute(f"SELECT {names} FROM {_quote(table.name)} LIMIT {_ROWS_PER_TABLE}")
    seen: list[set[str]] = [set() for _ in columns]
    for row in rows:
        for index, value in enumerate(row):
            if value is None or isinstance(value, bytes) and not value:
                continue
            text = value.hex() if isinstance(value, bytes) else str(value)
            if text and text not in seen[index] and len(seen[index]) < max_samples:
                seen[index].add(text)
                columns[index].samples.append(text)
