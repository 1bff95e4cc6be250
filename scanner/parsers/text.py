"""The plainest model: the decoded text with its lines, for rules that read any text file."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TextDocument:
    text: str
    lines: tuple[str, ...]


def build(text: str, path: str) -> TextDocument:
    return TextDocument(text=text, lines=tuple(text.splitlines()))
