"""Parsers turn decoded text into the models that rules read. They judge nothing.

``MODELS`` maps a model name (a rule's ``model`` attribute) to the dotted path of a builder
``build(text: str, path: str) -> model``. Builders are imported on first use, so a run that never
needs libcst or sqlglot never pays for importing them. A builder raises ``ParseError`` (or any
exception, which the engine records the same way) when the input cannot be parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

MODELS: dict[str, str] = {
    "text": "scanner.parsers.text:build",  # TextDocument: the decoded text and its lines
    "strings": "scanner.parsers.strings:build",  # list[StringSpan]: literal/config values
    "python": "scanner.parsers.python:build",  # PythonModule: libcst with qualified names
}


class ParseError(Exception):
    """An input could not be parsed into the model a rule needs."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def builder(model: str) -> Callable[[str, str], Any]:
    try:
        target = MODELS[model]
    except KeyError:
        raise KeyError(f"no parser is registered for model {model!r}") from None
    module_name, _, attr = target.partition(":")
    return getattr(import_module(module_name), attr)
