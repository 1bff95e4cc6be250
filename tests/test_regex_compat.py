"""scanner.regex_compat: possessive quantifiers rewritten as atomic groups on Pythons whose re
gets them wrong (CPython < 3.11.5), matching exactly what the possessive form means."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner import regex_compat
from scanner.parsers import _sql_lexer as lx
from scanner.regex_compat import atomic

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("pattern, expected", [
    (r"(?:[^']++|'')*+", r"(?>(?:(?>[^']+)|'')*)"),
    (r"[ \t\n]*+", r"(?>[ \t\n]*)"),
    (r"a{2,3}+b?+c*?d+", r"(?>a{2,3})(?>b?)c*?d+"),
    (r"\[(?:[^\]]++|\]\])*+\]", r"\[(?>(?:(?>[^\]]+)|\]\])*)\]"),
    (r"(?P<v>[^\s'\"]++)(?!=)", r"(?P<v>(?>[^\s'\"]+))(?!=)"),
    (r"(?i)x++\+++", r"(?i)(?>x+)(?>\++)"),  # an escaped "+" made possessive
    (r"[]a]++|\x41++|\u00e9*+", r"(?>[]a]+)|(?>\x41+)|(?>\u00e9*)"),
    (r"a{x}++", r"a{x(?>}+)"),  # "{x}" is no quantifier: literal braces, "}" is the atom
])
def test_possessive_quantifiers_become_atomic_groups(pattern, expected):
    assert atomic(pattern) == expected
    assert atomic(expected) == expected


def _lexer_patterns() -> list[str]:
    """Every possessive pattern the SQL lexer compiles, for the equivalence property."""
    patterns = {run.pattern for dialect in ("postgres", "mysql", "tsql", "oracle", None)
                for syntax in [lx.syntax_for(dialect)]
                for run in (lx.code_run(syntax, ";", False), lx.code_run(syntax, "$$", True),
                            lx.gap_run(syntax))}
    patterns |= {getattr(lx, name) for name in ("_SQ_PLAIN", "_SQ_ESCAPED", "_DQ_PLAIN",
                                               "_DQ_ESCAPED")}
    patterns |= {p.pattern for p in vars(lx).values() if isinstance(p, re.Pattern)
                 and not p.flags & re.VERBOSE}
    return sorted(p for p in patterns if p and ("+" in p or "*" in p))


_SQLISH = st.text(alphabet=list("ab'\"`[]\\-/*$;\n \tGg0E#()!M"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(text=_SQLISH, data=st.data())
def test_rewritten_patterns_match_like_the_possessive_ones(text, data):
    # Run on a fixed re (3.11.5+): there the two forms must agree on every input.
    if regex_compat.POSSESSIVE_IS_BROKEN:
        pytest.skip("this interpreter's re is the broken one; see the subprocess test")
    pattern = data.draw(st.sampled_from(_lexer_patterns()))
    original, rewritten = re.compile(pattern), re.compile(atomic(pattern))
    start = data.draw(st.integers(0, len(text)))
    first, second = original.match(text, start), rewritten.match(text, start)
    assert (first and first.span()) == (second and second.span())


def _old_python() -> str | None:
    """A system Python whose re has the possessive-quantifier bug (Debian 12's 3.11.2)."""
    for candidate in ("/usr/bin/python3", shutil.which("python3.11")):
        if not candidate or not Path(candidate).exists():
            continue
        version = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:3] < (3, 11, 5)"
                                  " and sys.version_info[:2] == (3, 11))"],
                                 capture_output=True, text=True, check=False).stdout.strip()
        if version == "True":
            return candidate
    return None


def test_the_sql_splitter_ends_on_a_python_whose_possessive_quantifiers_are_broken():
    python = _old_python()
    if python is None:
        pytest.skip("no CPython 3.11.0-3.11.4 on this machine")
    # The splitter needs only the standard library, so the system interpreter can import it.
    probe = ("import io, sys; sys.path.insert(0, sys.argv[1]);"
             "from scanner.parsers.sql_stream import iter_statements;"
             "text = 'CREATE TABLE t (id int, phone varchar(11));\\nINSERT INTO t VALUES (1, ''x'');\\n';"
             "print(len(list(iter_statements(io.StringIO(text)))))")
    done = subprocess.run([python, "-c", probe, str(REPO)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"
