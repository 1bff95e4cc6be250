"""What a source-reading parser receives: one input, readable whole or as a stream.

Text parsers get ``(text, path)``. Parsers that must stay within bounded memory on multi-GB
inputs (SQL dumps) get an ``InputSource`` instead and read it with ``open_text()``. Both kinds may
ask for another model of the same input through ``model()``, which the engine builds once.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO


@dataclass(frozen=True)
class ParserSettings:
    dialect: str | None = None  # force a SQL dialect (sqlglot name); None: detect
    max_samples: int = 200  # sampled values kept per column


@dataclass
class InputSource:
    path: str | None  # relative to the scan root; None for a live database
    kind: str
    abspath: str | None = None  # None for in-memory inputs (rule examples, tests)
    encoding: str = "utf-8"
    settings: ParserSettings = field(default_factory=ParserSettings)
    _text: str | None = None
    _model: Callable[[str], Any] | None = None

    @property
    def text(self) -> str:
        """The whole decoded text. Streaming parsers should prefer ``open_text``."""
        if self._text is None:
            with self.open_text() as handle:
                self._text = handle.read()
        return self._text

    def open_text(self) -> TextIO:
        """A text stream; newlines are passed through untranslated so line numbers stay true."""
        if self._text is not None:
            return io.StringIO(self._text, newline="")
        if self.abspath is None:
            raise ValueError(f"{self.path}: no text and no file to read")
        return open(self.abspath, encoding=self.encoding, errors="replace", newline="")

    def model(self, name: str) -> Any:
        """Another model of this same input (built once per input by the engine)."""
        if self._model is None:
            from scanner.parsers import build_model

            return build_model(name, self)
        return self._model(name)
