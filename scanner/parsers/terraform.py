"""Terraform HCL: resources, data sources and the IAM policies written inside them.

python-hcl2 parses; it keeps no line numbers, so ``Locator`` finds them again in the source: a
block by its header (``resource "TYPE" "NAME" {``) at depth 0, an attribute or nested block by its
name at depth 1 inside that block's span. Policies come from ``jsonencode({...})`` literals, JSON
strings or heredocs with a ``Statement``, and ``data "aws_iam_policy_document"`` blocks, all in the
Statement form of scanner.parsers.iam_policy. The parser judges nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from scanner.parsers import ParseError
from scanner.parsers.iam_policy import Policy, Statement, as_list, statements_from

_EFFECT_KEY = re.compile(r'(?<![\w"])"?Effect"?\s*[=:]')
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_][\w-]*)\s*$")
_JSONENCODE = ("${jsonencode(", ")}")


@dataclass
class Block:
    kind: str  # "resource" | "data"
    type: str
    name: str
    attributes: dict[str, Any]
    line: int | None = None
    end_line: int | None = None
    attr_lines: dict[str, int] = field(default_factory=dict)

    @property
    def address(self) -> str:
        prefix = "data." if self.kind == "data" else ""
        return f"{prefix}{self.type}.{self.name}"

    def attr_line(self, name: str) -> int | None:
        return self.attr_lines.get(name, self.line)


@dataclass
class TerraformConfig:
    resources: list[Block]
    data: list[Block]
    policies: list[Policy]

    def of_type(self, *types: str) -> list[Block]:
        return [b for b in self.resources if b.type in types]

    def references(self, address: str) -> list[tuple[Block, str]]:
        """(block, attribute) pairs whose value mentions ``address`` (``aws_iam_user.ops``)."""
        pattern = re.compile(rf"(?<![\w.]){re.escape(address)}(?![\w-])")
        return [(block, name) for block in self.resources + self.data
                for name, value in block.attributes.items() if pattern.search(_flat(value))]


class Locator:
    """Line numbers of blocks and attributes, from a single pass over the HCL source that knows
    strings, interpolations, comments and heredocs (braces inside them do not count)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.depth = _line_depths(self.lines)  # depth at the start of each line (index 0 = line 1)

    def block(self, keyword: str, *labels: str) -> tuple[int, int] | None:
        head = r"\s+".join([re.escape(keyword), *(rf'"?{re.escape(x)}"?' for x in labels)])
        pattern = re.compile(rf"^\s*{head}\s*\{{")
        for number, text in enumerate(self.lines, start=1):
            if self.depth[number - 1] == 0 and pattern.match(text):
                return number, self._end(number)
        return None

    def attributes(self, name: str, start: int, end: int, depth: int = 1) -> list[int]:
        """Lines of ``name = ...`` or ``name {`` at ``depth`` inside lines start..end."""
        pattern = re.compile(rf'^\s*"?{re.escape(name)}"?\s*(=|\{{)')
        return [n for n in range(start + 1, end + 1)
                if self.depth[n - 1] == depth and pattern.match(self.lines[n - 1])]

    def _end(self, start: int) -> int:
        base = self.depth[start - 1]
        for number in range(start + 1, len(self.lines) + 1):
            if self.depth[number - 1] <= base:
                return number - 1  # the closing brace ended the previous line
        return len(self.lines)


def _line_depths(lines: list[str]) -> list[int]:
    depths, depth, heredoc, in_comment = [], 0, None, False
    for text in lines:
        depths.append(depth)
        if heredoc is not None:
            if text.strip() == heredoc:
                heredoc = None
            continue
        i, in_string, interp = 0, False, 0
        while i < len(text):
            ch, pair = text[i], text[i:i + 2]
            if in_comment:
                if pair == "*/":
                    in_comment, i = False, i + 1
            elif in_string and interp == 0:
                if ch == "\\":
                    i += 1
                elif pair == "${":
                    interp, i = 1, i + 1
                elif ch == '"':
                    in_string = False
            elif in_string:  # inside ${ ... } of a string
                interp += (ch == "{") - (ch == "}")
            elif ch == '"':
                in_string = True
            elif ch == "#" or pair == "//":
                break
            elif pair == "/*":
                in_comment, i = True, i + 1
            elif ch in "{[(":
                depth += 1
            elif ch in "}])":
                depth = max(depth - 1, 0)
            elif ch == "<" and _HEREDOC.match(text, i):
                heredoc = _HEREDOC.match(text, i).group(1)
                break
            i += 1
    return depths


_LAST: tuple[str, TerraformConfig] | None = None  # the iam_policy model parses the same file


def build(text: str, path: str) -> TerraformConfig:
    global _LAST
    if _LAST is not None and _LAST[0] == text:
        return _LAST[1]
    data = _loads(text)
    locator = Locator(text)
    config = TerraformConfig(resources=[], data=[], policies=[])
    for kind in ("resource", "data"):
        for entry in data.get(kind, []):
            for type_, named in entry.items():
                for name, body in named.items():
                    block = _block(kind, _unquote(type_), _unquote(name), body, locator)
                    (config.resources if kind == "resource" else config.data).append(block)
                    config.policies.extend(_policies(block, locator))
    _LAST = (text, config)
    return config


def _loads(text: str) -> dict[str, Any]:
    import hcl2

    options = hcl2.SerializationOptions(strip_string_quotes=True, preserve_heredocs=False)
    try:
        return hcl2.loads(text, serialization_options=options)
    except RecursionError:
        # lark's tree transformers recurse once per nesting level: say so, not "invalid HCL".
        raise ParseError("nested too deeply to parse (maximum recursion depth exceeded)") from None
    except Exception as exc:  # noqa: BLE001 - lark raises UnexpectedInput (with .line) and others
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        line = getattr(exc, "line", None)
        raise ParseError(f"invalid HCL: {message}", line if isinstance(line, int) else None) from None


def _block(kind: str, type_: str, name: str, body: Any, locator: Locator) -> Block:
    attributes = _clean(body) if isinstance(body, dict) else {}
    span = locator.block(kind, type_, name)
    block = Block(kind, type_, name, attributes)
    if span:
        block.line, block.end_line = span
        for key in attributes:
            found = locator.attributes(key, *span)
            if found:
                block.attr_lines[key] = found[0]
    return block


def _policies(block: Block, locator: Locator) -> list[Policy]:
    if block.kind == "data" and block.type == "aws_iam_policy_document":
        statements = [_document_statement(s) for s in as_dicts(block.attributes.get("statement"))]
        if block.line is not None:
            for statement, line in zip(statements, locator.attributes("statement", block.line,
                                                                      block.end_line)):
                statement.line = line
        return [Policy(statements, block.line, block.address, block.type, block.name)]
    out = []
    for key, value in block.attributes.items():
        document = _policy_value(value)
        if document is None:
            continue
        start = block.attr_lines.get(key)
        lines = []
        if start is not None and block.end_line is not None:
            lines = [n for n in range(start, block.end_line + 1)
                     if _EFFECT_KEY.search(locator.lines[n - 1])]
        out.append(Policy(statements_from(document, lines), start, f"{block.address}.{key}",
                          block.type, block.name))
    return out


def _policy_value(value: Any) -> dict[str, Any] | None:
    """The policy written as this attribute's value: a literal ``jsonencode({...})`` map or a
    JSON string/heredoc. Expressions (``jsonencode(local.p)``, ``file(...)``) are skipped."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    document = None
    if text.startswith(_JSONENCODE[0]) and text.endswith(_JSONENCODE[1]):
        inner = text[len(_JSONENCODE[0]):-len(_JSONENCODE[1])].strip()
        if inner.startswith("{"):
            try:
                document = _clean(_loads(f"__policy = {inner}\n").get("__policy"))
            except ParseError:
                return None
    elif text.startswith("{") and "Statement" in text:
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            return None
    return document if isinstance(document, dict) and "Statement" in document else None


def _document_statement(raw: dict[str, Any]) -> Statement:
    def principal_map(key: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for item in as_dicts(raw.get(key)):
            out.setdefault(str(item.get("type", "")), []).extend(as_list(item.get("identifiers")))
        return out

    condition: dict[str, dict[str, list[str]]] = {}
    for item in as_dicts(raw.get("condition")):
        condition.setdefault(str(item.get("test", "")), {})[str(item.get("variable", ""))] = \
            as_list(item.get("values"))
    return Statement(
        effect=str(raw.get("effect", "Allow")), actions=as_list(raw.get("actions")),
        not_actions=as_list(raw.get("not_actions")), resources=as_list(raw.get("resources")),
        not_resources=as_list(raw.get("not_resources")), principals=principal_map("principals"),
        not_principals=principal_map("not_principals"), condition=condition,
        sid=str(raw.get("sid", "")))


def as_dicts(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _clean(value: Any) -> Any:
    """Drop python-hcl2's ``__is_block__`` markers and the quotes it keeps on quoted keys."""
    if isinstance(value, dict):
        return {_unquote(k): _clean(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k} {_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(_flat(v) for v in value)
    return str(value)
