"""The JSON Schema of the result (schema_version "1"), shipped as package data."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

RESULT_SCHEMA = "schema/result.schema.json"


@cache
def _schema_text() -> str:
    return resources.files(__package__).joinpath(RESULT_SCHEMA).read_text("utf-8")


def load_result_schema() -> dict:
    """A fresh copy of the result schema (callers may not mutate a shared one by accident)."""
    return json.loads(_schema_text())
