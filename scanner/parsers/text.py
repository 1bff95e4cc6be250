"""The plainest model: the decoded text with its lines, for rules that read any text file."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Only \n, \r\n and \r end a line. str.splitlines also splits on form feeds, \x1c-\x1e, \x85
# and \u2028, which libcst, tokenize and every editor do not: line numbers would drift.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The physical lines of a source text, numbered as parsers and editors number them."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()  # a final newline ends the last line; it does not start another
    return lines


@dataclass(frozen=True, slots=True)
class TextDocument:
    text: str
    lines: tuple[str, ...]


def build(text: str, path: str) -> TextDocument:
    return TextDocument(text=text, lines=tuple(source_lines(text)))
