"""Property tests: every config-family parser and the text model builders on arbitrary text.

Invariants: a parser raises nothing but ``scanner.parsers.ParseError`` (most families never raise:
problems become warnings), and every directive, block, warning and object it produces points at a
line of the input (1 .. number of physical lines, counted as ``source_lines`` counts them).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.parsers import ParseError, builder
from scanner.parsers.config import FAMILIES, build
from scanner.parsers.source import InputSource
from scanner.parsers.text import source_lines

_SETTINGS = settings(max_examples=300, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])

# Punctuation every family gives a meaning to, keywords that open blocks, and arbitrary text.
_PIECES = st.sampled_from([
    " ", "\t", "\n", "\r\n", "\r", "#", ";", "!", "=", ":", ",", "{", "}", "<", ">", "</", "[", "]",
    '"', "'", "\\", "\\\n", "$", "${", "@", "/", "*", "-", "- ", "---\n", "|", ">-", "&a ", "*a",
    "server", "http {", "location / {", "listen 443 ssl;", "content_by_lua_block {",
    "<VirtualHost *:443>", "</VirtualHost>", "SSLProtocol all", "global\n", "frontend f\n",
    "bind :443 ssl crt x.pem\n", "[mysqld]\n", "!include x\n", "require_secure_transport=ON\n",
    "ssl = on\n", "password_encryption = 'md5'\n", "host all all 0.0.0.0/0 trust\n",
    "local all all peer\n", "hostssl db user 10.0.0.0 255.0.0.0 md5\n", "include_dir conf.d\n",
    "requirepass \"x\\x41\"\n", "key=value\n", "a.b: c\n", "  - item\n", "\\u00e9", "\\u12",
    "é", "\ufeff", "\x00", "\x0c", "\x85", "\u2028",
])
_TEXT = st.lists(_PIECES | st.text(max_size=4), max_size=60).map("".join)


def _line_count(text: str) -> int:
    return len(source_lines(text))


def _check_document(doc, text: str) -> None:
    total = _line_count(text)
    for directive in doc.walk():
        assert 1 <= directive.line <= total, (directive, total)
        assert directive.column >= 1
        assert isinstance(directive.name, str) and all(isinstance(a, str) for a in directive.args)
        end = getattr(directive, "end_line", None)
        if end:
            assert directive.line <= end <= total
    for line, message in doc.warnings:
        assert line is None or 1 <= line <= total, (line, message)
        assert isinstance(message, str)


@pytest.mark.parametrize("kind", sorted(FAMILIES))
@_SETTINGS
@given(text=_TEXT | st.text(max_size=120))
def test_config_parsers_raise_only_parse_errors_and_point_at_real_lines(kind, text):
    try:
        doc = build(InputSource("conf", kind, _text=text))
    except ParseError as error:
        assert error.line is None or 1 <= error.line <= _line_count(text) + 1
        return
    _check_document(doc, text)


@_SETTINGS
@given(text=_TEXT | st.text(max_size=80))
def test_an_unknown_kind_gives_an_empty_document(text):
    doc = build(InputSource("conf", "no-such-family", _text=text))
    assert doc.directives == [] and doc.warnings == []


@_SETTINGS
@given(raw=st.binary(max_size=200), kind=st.sampled_from(sorted(FAMILIES)))
def test_config_parsers_on_decoded_bytes(raw, kind):
    text = raw.decode("utf-8", errors="replace")
    try:
        doc = build(InputSource("conf", kind, _text=text))
    except ParseError:
        return
    _check_document(doc, text)


# -- terraform, kubernetes, iam_policy: builders that read text ----------------------------------
_HCL_PIECES = st.sampled_from([
    'resource "aws_s3_bucket" "b" {\n', 'data "aws_iam_policy_document" "d" {\n', "}\n", "{", "}",
    '  bucket = "x"\n', "  acl = \"public-read\"\n", '  policy = jsonencode({Statement = []})\n',
    "  statement {\n", '    actions = ["*"]\n', '    resources = ["*"]\n', "<<EOF\n", "EOF\n",
    "# c\n", "// c\n", "/* c */", "${var.x}", '"', "=", "[", "]", "\n", " ", "\u2028", "\x0c",
    '  policy = <<POLICY\n{"Statement": [{"Effect": "Allow", "Action": "*"}]}\nPOLICY\n',
])
_HCL = st.lists(_HCL_PIECES | st.text(max_size=3), max_size=30).map("".join)

_YAML_PIECES = st.sampled_from([
    "---\n", "kind: Role\n", "kind: ClusterRoleBinding\n", "kind: List\n", "items:\n",
    "apiVersion: v1\n", "metadata:\n", "  name: x\n", "  namespace: y\n", "rules:\n",
    "- apiGroups: ['*']\n", "  verbs: [get, '*']\n", "  resources: [secrets]\n", "subjects:\n",
    "- kind: User\n", "  name: u\n", "roleRef:\n", "  kind: ClusterRole\n", "  - ", ": ", "&a ",
    "*a", "!!str ", "{", "}", "[", "]", "'", '"', "\n", "  ", "\t", "#", "\u2028", "\x85",
])
_YAML = st.lists(_YAML_PIECES | st.text(max_size=3), max_size=30).map("".join)

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5)
    | st.sampled_from(["Allow", "Deny", "*", "s3:*", "arn:aws:s3:::b/*"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["Statement", "Effect", "Action", "NotAction", "Resource", "Principal",
                         "Condition", "Sid", "Version", "AWS", "x"]), inner, max_size=4),
    max_leaves=12)


def _check_lines(values, text: str) -> None:
    total = max(_line_count(text), 1)
    for line in values:
        assert line is None or 1 <= line <= total, (line, total)


def _build(model: str, text: str, path: str):
    try:
        return builder(model)(text, path)
    except ParseError as error:
        # An error at the end of the input may point at the line after a final newline (where
        # an editor's cursor goes): one past the last line is allowed for errors only.
        assert error.line is None or 1 <= error.line <= _line_count(text) + 1
        return None


@_SETTINGS
@given(text=_HCL | st.text(max_size=80))
def test_terraform_builder(text):
    config = _build("terraform", text, "main.tf")
    if config is None:
        return
    lines = []
    for block in config.resources + config.data:
        lines += [block.line, block.end_line, *block.attr_lines.values()]
    lines += [p.line for p in config.policies]
    lines += [s.line for p in config.policies for s in p.statements]
    _check_lines(lines, text)


@_SETTINGS
@given(text=_YAML | st.text(max_size=80))
def test_kubernetes_builder(text):
    document = _build("kubernetes", text, "rbac.yaml")
    if document is None:
        return
    lines = []
    for obj in document.objects:
        lines += [obj.line, *(r.line for r in obj.rules), *(s.line for s in obj.subjects)]
        lines += [obj.role_ref.line] if obj.role_ref else []
    _check_lines(lines, text)


@_SETTINGS
@given(text=_JSON.map(json.dumps) | _JSON.map(lambda v: json.dumps(v, indent=2))
       | st.text(max_size=80), path=st.sampled_from(["policy.json", "main.tf"]))
def test_iam_policy_builder(text, path):
    policies = _build("iam_policy", text, path)
    if policies is None:
        return
    _check_lines([p.line for p in policies.policies]
                 + [s.line for p in policies.policies for s in p.statements], text)


# -- regressions found by the properties above ---------------------------------------------------
def test_redis_line_of_only_form_feed_is_skipped():
    doc = build(InputSource("redis.conf", "redis-conf", _text="\x0c\nport 6379\n"))
    assert [(d.name, d.line) for d in doc.directives] == [("port", 2)]


def test_kubernetes_control_character_is_a_parse_error():
    with pytest.raises(ParseError) as info:
        builder("kubernetes")("kind: Role\nname: \x1b[31m\n", "a.yaml")
    assert info.value.line == 2


def test_kubernetes_lines_ignore_unicode_line_separators():
    document = builder("kubernetes")('x: "a\u2028b"\nkind: Role\nrules:\n- verbs: [get]\n', "a.yaml")
    assert (document.objects[0].line, document.objects[0].rules[0].line) == (2, 4)
