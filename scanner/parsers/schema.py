"""The "schema" model of one input: its front end by kind, then column classification.

SQL dumps go through the streaming sqlglot front end, Python files through the ORM front end,
SQLite database files through their own catalog;
both fill one SchemaModel, which scanner.enrich.pii then classifies so that every schema rule
sees the same facts whatever the source.
"""

from __future__ import annotations

from scanner.model.schema import SchemaModel
from scanner.parsers.source import InputSource


def build(source: InputSource) -> SchemaModel:
    if source.kind == "sql":
        from scanner.parsers.sql_dump import parse_dump

        model = parse_dump(source)
    elif source.kind == "python":
        from scanner.parsers._orm_markers import may_define_models

        if not may_define_models(source.text):
            return SchemaModel()  # a plain module: no parse
        from scanner.parsers.orm import parse_orm

        model = parse_orm(source)
    elif source.kind == "sqlite":
        from scanner.parsers.sqlite_db import parse_sqlite

        model = parse_sqlite(source)
    else:
        model = SchemaModel()
    if model.tables:
        from scanner.enrich.pii import classify_model

        classify_model(model)
    return model
