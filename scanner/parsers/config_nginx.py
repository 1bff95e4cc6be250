"""nginx configuration -> ConfigDocument: directives, ``{}`` blocks, quotes, comments.

The tokenizer follows nginx's own (src/core/ngx_conf_file.c, ngx_conf_read_token): a ``#`` starts
a comment only where a token could start; ``"..."`` and ``'...'`` quote, with ``\\"``, ``\\'``,
``\\\\``, ``\\t``, ``\\r``, ``\\n`` unescaped; a backslash outside quotes keeps the next character;
``${var}`` is one word (its braces open no block); ``}`` ends a block only where a token could
start. ``*_by_lua_block { ... }`` bodies are Lua, not nginx: they are skipped, braces balanced.

``include`` directives are recorded as directives and not resolved: the parser sees one input, and
discovery scans the included files on their own. Contexts name the enclosing blocks:
``("http", "server shop.example.com:443", "location /api")``. Inheritance between http, server and
location is for rules to compute (detectors/transport/_webserver.py).
"""

from __future__ import annotations

from scanner.model.config import ConfigDocument, Directive
from scanner.parsers import ParseError

_UNESCAPE = {'"': '"', "'": "'", "\\": "\\", "t": "\t", "r": "\r", "n": "\n"}
_SPACE = " \t\r\n"


class _Tokens:
    """Words of nginx syntax with their positions, plus the punctuation ``;``, ``{`` and ``}``."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line, self.col = text, 0, 1, 1

    def _advance(self) -> str:
        ch = self.text[self.pos]
        self.pos += 1
        if ch == "\n":
            self.line, self.col = self.line + 1, 1
        else:
            self.col += 1
        return ch

    def next(self) -> tuple[str, str, int, int] | None:
        """("word" | "punct", value, line, column) or None at the end of the text."""
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in _SPACE:
                self._advance()
            elif ch == "#":
                while self.pos < len(text) and text[self.pos] != "\n":
                    self._advance()
            else:
                break
        if self.pos >= len(text):
            return None
        line, col, ch = self.line, self.col, text[self.pos]
        if ch in ";{}":
            self._advance()
            return "punct", ch, line, col
        if ch in "\"'":
            return "word", self._quoted(ch, line), line, col
        return "word", self._bare(), line, col

    def _quoted(self, quote: str, line: int) -> str:
        self._advance()
        out = []
        while self.pos < len(self.text):
            ch = self._advance()
            if ch == quote:  # nginx wants a space, ";", "{" or ")" next
                if self.pos < len(self.text) and self.text[self.pos] not in _SPACE + ";{)":
                    raise ParseError(f'unexpected "{self.text[self.pos]}" after a quoted string',
                                     self.line)
                return "".join(out)
            if ch == "\\" and self.pos < len(self.text):
                nxt = self._advance()
                out.append(_UNESCAPE.get(nxt, "\\" + nxt))
            else:
                out.append(ch)
        raise ParseError("unexpected end of file in a quoted string", line)

    def _bare(self) -> str:
        out, variable = [], False
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == "{" and variable:
                out.append(self._advance())
                continue
            if ch in _SPACE or ch in ";{":
                break
            self._advance()
            variable = ch == "$"
            if ch == "\\" and self.pos < len(self.text):
                nxt = self._advance()  # nginx unescapes the same pairs as in quotes
                out.append(_UNESCAPE.get(nxt, "\\" + nxt))
            else:
                out.append(ch)
        return "".join(out)

    def skip_block(self, line: int) -> None:
        """After the ``{`` of a Lua block: skip to its matching ``}``."""
        depth, quote = 1, ""
        while self.pos < len(self.text):
            ch = self._advance()
            if quote:
                if ch == "\\" and self.pos < len(self.text):
                    self._advance()
                elif ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return
        raise ParseError("unexpected end of file: unbalanced braces in a Lua block", line)


def parse(text: str, path: str = "") -> ConfigDocument:
    document = ConfigDocument(family="nginx")
    tokens = _Tokens(text.lstrip("\ufeff"))
    stack: list[Directive] = [document.root]
    words: list[tuple[str, int, int]] = []
    while (token := tokens.next()) is not None:
        kind, value, line, col = token
        if kind == "word":
            words.append((value, line, col))
            continue
        if value == "}":
            if words:
                raise ParseError(f'unexpected "}}" after "{words[0][0]}": missing ";"', line)
            if len(stack) == 1:
                raise ParseError('unexpected "}": no block to close', line)
            stack.pop()
            continue
        if not words:
            raise ParseError(f'unexpected "{value}"', line)
        name, dline, dcol = words[0]
        directive = Directive(name=name, args=tuple(w for w, _, _ in words[1:]), line=dline,
                              column=dcol)
        stack[-1].children.append(directive)
        words = []
        if value == "{":
            if name.endswith("_by_lua_block"):
                tokens.skip_block(line)
            else:
                stack.append(directive)
    if words:
        raise ParseError(f'unexpected end of file after "{words[0][0]}": expecting ";" or "}}"',
                         words[0][1])
    if len(stack) > 1:
        opened = stack[-1]
        raise ParseError(f'unexpected end of file: "{opened.name}" block opened at line '
                         f'{opened.line} is not closed', opened.line)
    _set_contexts(document.root, ())
    return document


def _set_contexts(block: Directive, context: tuple[str, ...]) -> None:
    for child in block.children:
        child.context = context
        if child.children:
            _set_contexts(child, (*context, block_label(child)))


def block_label(block: Directive) -> str:
    """``server shop.example.com:443``, ``location /api``, ``upstream app``, ``http``."""
    if block.key == "server" and not block.args:
        names = [d.args[0] for d in block.find("server_name") if d.args]
        listens = [d.args[0] for d in block.find("listen") if d.args]
        return f"server {names[0] if names else '_'}:{listen_port(listens[0]) if listens else '80'}"
    return " ".join((block.name, *block.args))


def listen_port(address: str) -> str:
    """The port of a ``listen`` address: ``443``, ``[::]:443`` and ``10.0.0.1:443`` give 443;
    a bare host gives nginx's default 80; ``unix:/run/x.sock`` is returned as written."""
    if address.startswith("unix:"):
        return address
    if address.isdigit():
        return address
    tail = address.rsplit("]", 1)[-1]
    if ":" in tail and tail.rsplit(":", 1)[1].isdigit():
        return tail.rsplit(":", 1)[1]
    return "80"
