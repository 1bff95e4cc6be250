"""Text -> ``list[StringSpan]``: the values in a file where a connection string could live.

Python sources give their string literals (stdlib ``tokenize``: cheap, and it never judges
grammar, so Python 2 files still yield their strings). Every other file gives its lines, minus
blank lines and comment lines in that file's syntax. The model says where text is, not what it
means.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import PurePosixPath

# -- comment syntax, by file name first, then by extension ---------------------------------------
# A line whose first non-blank characters start with one of these markers is a comment. Only
# whole-line comments count: a trailing comment may follow a value, and "#" or "//" also occur
# inside URLs. Block comments are recognised by the lines that open them (and "*" continuation
# lines in C-like files), which is how such comments are written in practice.
_HASH = ("#",)
_C_LIKE = ("//", "/*", "*")
_MARKUP = ("<!--",)
_COMMENTS_BY_SUFFIX: dict[str, tuple[str, ...]] = {
    **dict.fromkeys((".py", ".pyi", ".sh", ".bash", ".zsh", ".env", ".yaml", ".yml", ".toml",
                     ".conf", ".rb", ".pl", ".r", ".dockerfile", ".service"), _HASH),
    **dict.fromkeys((".ini", ".cfg", ".cnf"), ("#", ";")),
    ".properties": ("#", "!"),  # java.util.Properties: both start a comment line
    **dict.fromkeys((".tf", ".tfvars", ".hcl", ".php"), ("#", *_C_LIKE)),
    **dict.fromkeys((".java", ".kt", ".kts", ".scala", ".groovy", ".gradle", ".js", ".mjs", ".cjs",
                     ".ts", ".go", ".cs", ".c", ".h", ".cc", ".cpp", ".hpp", ".rs", ".swift",
                     ".jsonc", ".json5"), _C_LIKE),
    **dict.fromkeys((".sql", ".lua", ".hs"), ("--",)),
    **dict.fromkeys((".xml", ".html", ".htm", ".md", ".jsp", ".vue"), _MARKUP),
    ".json": (),  # JSON has no comments
}
_COMMENTS_BY_NAME: dict[str, tuple[str, ...]] = {
    "dockerfile": _HASH, "containerfile": _HASH, "makefile": _HASH, "procfile": _HASH,
    ".pgpass": _HASH,
}
# Files we know nothing about: the usual markers, so that commented-out settings stay quiet.
_DEFAULT_COMMENTS = ("#", "//", "--", ";")

_PYTHON_SUFFIXES = (".py", ".pyi", ".pyw")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_STRING_PREFIX = re.compile(r"^[A-Za-z]*")
# Python 3.12+ tokenizes f-strings (3.14+ also t-strings) as START/MIDDLE/END tokens.
_FSTRING_START = {getattr(tokenize, n) for n in ("FSTRING_START", "TSTRING_START")
                  if hasattr(tokenize, n)}
_FSTRING_END = {getattr(tokenize, n) for n in ("FSTRING_END", "TSTRING_END")
                if hasattr(tokenize, n)}


@dataclass(frozen=True, slots=True)
class StringSpan:
    """A value and where it starts. For a Python literal, ``text`` is its contents (unescaped when
    it fits on one line and is not an f-string; the raw source between the quotes otherwise) and
    ``line``/``column`` are those of the literal's first character (prefix or quote); each further
    physical line of a multi-line literal is its own span at column 1. For other files ``text`` is
    the whole line and ``column`` is 1. Lines and columns are 1-based."""

    text: str
    line: int
    column: int


def build(text: str, path: str) -> list[StringSpan]:
    if path.lower().endswith(_PYTHON_SUFFIXES):
        try:
            return _python_spans(text)
        except (tokenize.TokenError, SyntaxError, ValueError):
            pass  # unterminated string, bad indentation, NUL byte...: fall back to lines
    return _line_spans(text, comment_markers(path))


def comment_markers(path: str) -> tuple[str, ...]:
    """The whole-line comment markers of a file, decided by its name and extension."""
    name = PurePosixPath(path.replace("\\", "/")).name.lower()
    if name in _COMMENTS_BY_NAME:
        return _COMMENTS_BY_NAME[name]
    if name.startswith(".env") or name.endswith(".env"):  # .env, .env.production, prod.env
        return _HASH
    suffix = PurePosixPath(name).suffix
    return _COMMENTS_BY_SUFFIX.get(suffix, _DEFAULT_COMMENTS)


def _line_spans(text: str, markers: tuple[str, ...]) -> list[StringSpan]:
    spans = []
    for number, line in enumerate(_NEWLINE.split(text.removeprefix("\ufeff")), start=1):
        stripped = line.strip()
        if stripped and not (markers and stripped.startswith(markers)):
            spans.append(StringSpan(line, number, 1))
    return spans


def _python_spans(text: str) -> list[StringSpan]:
    lines = _physical_lines(text.removeprefix("\ufeff"))
    spans: list[StringSpan] = []
    depth, fstring_start = 0, (0, 0)
    for token in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
        if token.type == tokenize.STRING and depth == 0:
            spans.extend(_literal_spans(token.string, token.start, evaluate=True))
        elif token.type in _FSTRING_START:
            depth += 1
            if depth == 1:
                fstring_start = token.start
        elif token.type in _FSTRING_END:
            depth -= 1
            if depth == 0:  # the whole f-string, as 3.11 and earlier give it in one token
                source = _slice(lines, fstring_start, token.end)
                spans.extend(_literal_spans(source, fstring_start, evaluate=False))
    return spans


def _physical_lines(text: str) -> list[str]:
    """Lines with their endings normalised to "\\n", so that a lone "\\r" (old Mac files) counts
    as a line break for tokenize as it does for libcst and editors."""
    parts = _NEWLINE.split(text)
    return [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _slice(lines: list[str], start: tuple[int, int], end: tuple[int, int]) -> str:
    (first_row, first_col), (last_row, last_col) = start, end
    if first_row == last_row:
        return lines[first_row - 1][first_col:last_col]
    middle = lines[first_row:last_row - 1]
    return lines[first_row - 1][first_col:] + "".join(middle) + lines[last_row - 1][:last_col]


def _literal_spans(source: str, start: tuple[int, int], *, evaluate: bool) -> list[StringSpan]:
    row, col = start
    prefix = _STRING_PREFIX.match(source).group(0)
    body = source[len(prefix):]
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    contents = body[len(quote):len(body) - len(quote)]
    if "\n" in contents:
        pieces = contents.split("\n")
        return [StringSpan(piece, row + i, col + 1 if i == 0 else 1)
                for i, piece in enumerate(pieces) if piece.strip()]
    if evaluate and not {"f", "t", "b"} & set(prefix.lower()):
        try:
            value = ast.literal_eval(source)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = None
        contents = value if isinstance(value, str) else contents
    return [StringSpan(contents, row, col + 1)] if contents.strip() else []
