"""scanner.parsers.python: qualified names resolved once, positions, literals, parse errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parsers import ParseError, builder
from scanner.parsers.python import NOT_LITERAL, build


def _call(module, callee):
    [call] = [c for c in module.calls if c.callee == callee]
    return call


def test_python_model_is_registered():
    assert builder("python") is build


@pytest.mark.parametrize("source, callee, qualname", [
    ("import requests\nrequests.get('u')\n", "requests.get", "requests.get"),
    ("import requests as rq\nrq.get('u')\n", "rq.get", "requests.get"),
    ("from requests import get as fetch\nfetch('u')\n", "fetch", "requests.get"),
    ("import urllib3.poolmanager as pm\npm.PoolManager()\n", "pm.PoolManager",
     "urllib3.poolmanager.PoolManager"),
    ("import requests\nrequests.Session().get('u')\n", "requests.Session().get",
     "requests.Session.get"),
    # A method on a variable bound to a constructor in the same scope.
    ("import requests\ns = requests.Session()\ns.get('u')\n", "s.get", "requests.Session.get"),
    ("from requests import Session\ndef f():\n    with Session() as s:\n        s.post('u')\n",
     "s.post", "requests.Session.post"),
    ("import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n"
     "        await s.get('u')\n", "s.get", "aiohttp.ClientSession.get"),
    ("print('x')\n", "print", "builtins.print"),
])
def test_call_qualnames_resolve_aliases(source, callee, qualname):
    assert qualname in _call(build(source, "m.py"), callee).qualnames


@pytest.mark.parametrize("source, callee", [
    ("import requests\ndef f(session):\n    session.get('u')\n", "session.get"),
    ("import requests\ns = make_session()\ns.get('u')\n", "s.get"),  # local factory: unknown
])
def test_unresolvable_receivers_stay_unresolved(source, callee):
    call = _call(build(source, "m.py"), callee)
    assert not any(q.startswith("requests.") for q in call.qualnames)


def test_call_positions_are_one_based_with_exclusive_end():
    module = build("import requests\nx = requests.get(\n    'u')\n", "m.py")
    call = _call(module, "requests.get")
    assert (call.line, call.column, call.end_line, call.end_column) == (2, 5, 3, 9)
    assert module.span(call.positional(0)) == (3, 5, 3, 8)


def test_keyword_and_positional_arguments():
    module = build("f(1, 2, *rest, verify=False, **kw)\n", "m.py")
    call = _call(module, "f")
    assert module.code(call.keyword("verify")) == "False"
    assert call.keyword("missing") is None
    assert module.code(call.positional(1)) == "2"
    assert call.positional(2) is None  # after *rest, positions are unknowable


def test_refs_resolve_imported_names_and_skip_import_statements():
    source = "import ssl\nfrom ssl import CERT_NONE as NO_CHECK\nmode = NO_CHECK\nm2 = ssl.CERT_NONE\n"
    refs = [(r.qualname, r.line, r.column, r.end_column)
            for r in build(source, "m.py").refs if r.qualname == "ssl.CERT_NONE"]
    assert refs == [("ssl.CERT_NONE", 3, 8, 16), ("ssl.CERT_NONE", 4, 6, 19)]


def test_refs_include_callees_and_flag_comparisons():
    source = ("import ssl\nssl._create_unverified_context()\n"
              "if ctx.verify_mode == ssl.CERT_NONE:\n    pass\n")
    refs = {(r.qualname, r.line, r.compared) for r in build(source, "m.py").refs}
    assert ("ssl._create_unverified_context", 2, False) in refs
    assert ("ssl.CERT_NONE", 3, True) in refs


def test_attribute_assignments():
    source = ("import requests\nimport ssl\nctx = ssl.create_default_context()\n"
              "ctx.check_hostname = False\ns = requests.Session()\ns.verify: bool = False\n"
              "a.b = c.d = 1\nx = 1\n")
    assigns = build(source, "m.py").assigns
    got = [(a.target, a.attribute, a.line, a.column) for a in assigns]
    assert got == [("ctx.check_hostname", "check_hostname", 4, 1), ("s.verify", "verify", 6, 1),
                   ("a.b", "b", 7, 1), ("c.d", "d", 7, 7)]
    assert "requests.Session.verify" in assigns[1].qualnames


def test_imports_are_top_level_names():
    source = ("import requests, os.path\nimport urllib3.poolmanager as pm\n"
              "from ssl import CERT_NONE\nfrom . import sibling\nfrom .pkg import thing\n"
              "def f():\n    import httpx\n")
    assert build(source, "m.py").imports == {"requests", "os", "urllib3", "ssl", "httpx"}


@pytest.mark.parametrize("expression, value", [
    ("False", False), ("True", True), ("None", None), ("0", 0), ("-1", -1), ("2.5", 2.5),
    ("'CERT_NONE'", "CERT_NONE"), ("b'x'", b"x"), ("'a' 'b'", "ab"), ("(1, 'x')", (1, "x")),
    ("1, 2", (1, 2)),
    ("x", NOT_LITERAL), ("ssl.CERT_NONE", NOT_LITERAL), ("f'{x}'", NOT_LITERAL),
    ("[1]", NOT_LITERAL), ("{'a': 1}", NOT_LITERAL), ("call()", NOT_LITERAL), ("not 0", NOT_LITERAL),
    ("(1, x)", NOT_LITERAL), ("-x", NOT_LITERAL),
])
def test_literal(expression, value):
    module = build(f"v = {expression}\n", "m.py")
    got = module.literal(module.module.body[0].value)
    assert got is NOT_LITERAL if value is NOT_LITERAL else (got == value and type(got) is type(value))


@pytest.mark.parametrize("source", [
    'print "hello"\n',
    'exec "code"\n',
    'raise ValueError, "bad input"\n',
    'name = ur"unicode raw"\n',
    "x = `y`\n",
    "mode = 0777\n",
    "def f(:\n    pass\n",
    "x = 1\0\n",
])
def test_syntax_errors_and_python2_become_parse_errors(source):
    with pytest.raises(ParseError) as caught:
        build(source, "legacy.py")
    assert caught.value.line is not None and caught.value.line >= 1


def test_bom_is_ignored():
    assert build("\ufeffimport ssl\n", "m.py").imports == {"ssl"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("ab =():\n\t'\"#\\,.0x\r\0") + ["print ", "def ", "    "]),
                max_size=40).map("".join))
def test_any_text_gives_a_model_or_a_parse_error(text):
    try:
        build(text, "fuzz.py")
    except ParseError:
        pass


def test_columns_count_characters_not_utf8_bytes():
    module = build("名字 = '张三'; ssl.wrap_socket(s)\nimport ssl\n", "m.py")
    call = _call(module, "ssl.wrap_socket")
    assert (call.line, call.column) == (1, 12)
    assert module.code(call.node) == "ssl.wrap_socket(s)"


def test_sinks_name_where_a_call_value_is_stored():
    source = ("def make(cfg):\n"
              "    iv = os.urandom(16)\n"
              "    opts = {'key': load(path), 'n': 1}\n"
              "    run(timeout=wait(3))\n"
              "    with open('f') as handle:\n"
              "        pass\n"
              "    return derive(iv)\n")
    module = build(source, "m.py")
    sinks = {c.callee: module.sinks_of[id(c.node)] for c in module.calls}
    assert sinks == {"os.urandom": ("iv",), "load": ("opts", "key"), "run": (),
                     "wait": ("timeout",), "open": ("handle",), "derive": ("make",)}


def test_scopes_and_bindings_follow_python_scoping():
    source = ("KEY = b'k'\n"
              "class Box:\n"
              "    KEY = b'class'\n"
              "    def seal(self, data):\n"
              "        key = KEY\n"
              "        key += b'x'\n"
              "        return enc(key, data)\n")
    module = build(source, "m.py")
    box = module.module.body[1]
    seal = box.body[1]
    [enc] = [c for c in module.calls if c.callee == "enc"]
    assert module.scope_of[id(enc.node)] == id(seal)
    assert module.parent[id(seal)] == id(box) and module.class_of[id(seal)] == id(box)
    assert [v.id for v in module.bound[(id(seal), "key")] if v is not None] == ["KEY"]
    assert [(line, module.code(v)) for line, v in module.augmented[(id(seal), "key")]] == [
        (6, "b'x'")]
    assert module.function_names == {"seal"}


def test_local_names_shadow_imports_only_in_their_own_scope():
    source = ("import hashlib\n"
              "def f():\n"
              "    hashlib = None\n"
              "    hashlib.md5()\n"
              "def g():\n"
              "    hashlib.md5()\n")
    module = build(source, "m.py")
    first, second = [c for c in module.calls if c.callee == "hashlib.md5"]
    assert "hashlib.md5" not in first.qualnames
    assert "hashlib.md5" in second.qualnames


def test_name_span_of_a_decorated_class():
    module = build("@register\nclass  Patient(Model):\n    pass\n", "m.py")
    assert module.name_span(module.module.body[0]) == (2, 8, 15)


def test_deeply_nested_expressions_do_not_overflow_the_walk():
    # Deeper than Python's default recursion limit (1000): a recursive visitor would fail here.
    source = "x = " + "f(" * 90 + "1" + ")" * 90 + "\ny = g(" + " + ".join(["a"] * 2000) + ")\n"
    module = build(source, "m.py")
    assert len(module.calls) == 91
