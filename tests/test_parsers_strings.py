"""scanner.parsers.strings: Python literals through tokenize, other files line by line."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.parsers import builder
from scanner.parsers.strings import StringSpan, build, comment_markers


def spans(text, path):
    return [(s.text, s.line, s.column) for s in build(text, path)]


def test_strings_model_is_registered():
    assert builder("strings") is build


@pytest.mark.parametrize("source, expected", [
    ('URL = "postgresql://db.internal/app"  # not "this"\n',
     [("postgresql://db.internal/app", 1, 7)]),
    ("a = 'x'; b = r'\\d+'\n", [("x", 1, 5), ("\\d+", 1, 14)]),
    ('s = "tab\\there"\n', [("tab\there", 1, 5)]),  # unescaped
    ("b = rb'raw\\n'\n", [("raw\\n", 1, 5)]),  # bytes: the source text
    ('f = f"postgresql://{user}@{host}/db?sslmode=disable"\n',
     [("postgresql://{user}@{host}/db?sslmode=disable", 1, 5)]),
    ("f = f\"{d['key']}\" 'tail'\n", [("{d['key']}", 1, 5), ("tail", 1, 19)]),
    ('e = ""\n', []),  # empty literals carry no value
    ('# only a comment "quoted"\nx = 1\n', []),
])
def test_python_literals(source, expected):
    assert spans(source, "settings.py") == expected


def test_multiline_literal_gives_one_span_per_physical_line():
    source = 'doc = """first\n  second\n\nthird"""\nafter = "x"\n'
    assert spans(source, "m.py") == [("first", 1, 7), ("  second", 2, 1), ("third", 4, 1),
                                     ("x", 5, 9)]


def test_multiline_fstring_keeps_its_lines():
    source = 'q = f"""host={h}\nsslmode={mode}"""\n'
    assert spans(source, "m.py") == [("host={h}", 1, 5), ("sslmode={mode}", 2, 1)]


def test_line_endings_crlf_and_lone_cr_count_as_lines():
    assert spans('a = "x"\r\nb = "y"\rc = "z"\n', "m.py") == [("x", 1, 5), ("y", 2, 5), ("z", 3, 5)]
    assert spans("A=1\r\nB=2\rC=3", ".env") == [("A=1", 1, 1), ("B=2", 2, 1), ("C=3", 3, 1)]


def test_python2_source_still_gives_its_strings():
    assert spans('print "postgres://db.internal/x"\n', "old.py") == [
        ("postgres://db.internal/x", 1, 7)]


def test_tokenize_error_falls_back_to_lines():
    source = '# a comment\nx = """never closed\nsslmode=disable\n'
    assert spans(source, "broken.py") == [('x = """never closed', 2, 1), ("sslmode=disable", 3, 1)]


@pytest.mark.parametrize("path, comment", [
    (".env", "# DATABASE_URL=x"),
    ("config/.env.production", "# DATABASE_URL=x"),
    ("deploy/prod.env", "# DATABASE_URL=x"),
    ("k8s/deployment.yaml", "  # value: x"),
    ("app.properties", "! spring.datasource.url=x"),
    ("app.properties", "# spring.datasource.url=x"),
    ("schema.sql", "-- postgres://x"),
    ("my.cnf", "; ssl-mode=DISABLED"),
    ("setup.cfg", "# url = x"),
    ("Main.java", "// String url = x;"),
    ("Main.java", " * jdbc:mysql://x"),
    ("main.tf", "// url = x"),
    ("main.tf", "# url = x"),
    ("pom.xml", "<!-- <url>jdbc:mysql://x</url> -->"),
    ("README.md", "<!-- postgres://x -->"),
    ("Dockerfile", "# ENV PGSSLMODE=disable"),
    ("notes.unknown", "-- x"),
    ("notes.unknown", "// x"),
])
def test_comment_lines_are_not_values(path, comment):
    assert spans(f"{comment}\nvalue=1\n", path) == [("value=1", 2, 1)]


@pytest.mark.parametrize("path, line", [
    ("app.properties", "; not a comment in .properties"),
    ("k8s/deployment.yaml", "--- # a YAML document separator is content"),
    ("data.json", '"# inside JSON is a value"'),
    ("schema.sql", "# MySQL accepts this too, but SQL files use --"),
])
def test_lines_that_only_look_like_comments_elsewhere_are_kept(path, line):
    assert spans(f"{line}\n", path) == [(line, 1, 1)]


def test_blank_lines_are_skipped_and_lines_kept_whole():
    assert spans("\n  \nA = 1  \n", "x.ini") == [("A = 1  ", 3, 1)]


def test_comment_markers_table():
    assert comment_markers("a/b/.env.local") == ("#",)
    assert comment_markers("app.properties") == ("#", "!")
    assert comment_markers("x.json") == ()
    assert "--" in comment_markers("strange.ext")


def test_spans_are_frozen_values():
    span = StringSpan("x", 1, 1)
    with pytest.raises(AttributeError):
        span.text = "y"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["m.py", "a.env", "app.yaml", "x.properties"]))
def test_any_text_gives_spans_within_the_file(text, path):
    lines = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for span in build(text, path):
        assert 1 <= span.line <= lines and span.column >= 1 and span.text.strip()
