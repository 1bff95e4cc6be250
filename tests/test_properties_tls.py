"""Property tests: the OpenSSL cipher-string evaluator (scanner.tls.ciphers).

tests/test_ciphers.py checks that arbitrary strings never raise and results hold no duplicates or
TLS 1.3 suites. Here: KILL is final, DEL removes, evaluating is deterministic, unknown words change
nothing, and every profile's verdict is consistent with its suites.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.tls.aliases import alias_table
from scanner.tls.ciphers import PROFILES, evaluate, expand, expansion, weaknesses
from scanner.tls.suites import all_suites, by_name

_SETTINGS = settings(max_examples=150, deadline=None)  # each expansion walks ~300 suites
_NAMES = sorted(n for n, s in by_name().items() if not s.tls13)
_ALIASES = sorted(alias_table())
_TOKENS = _ALIASES + _NAMES[:40] + ["DEFAULT", "@STRENGTH", "@SECLEVEL=1", "FOO",
                                    "TLS_AES_128_GCM_SHA256"]
_ELEMENT = st.tuples(st.sampled_from(["", "", "!", "-", "+"]),
                     st.lists(st.sampled_from(_TOKENS), min_size=1, max_size=3).map("+".join))
_SEPARATOR = st.sampled_from([":", ",", " ", ";"])


@st.composite
def cipher_strings(draw) -> str:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.text(max_size=40))
    elements = draw(st.lists(_ELEMENT, max_size=8))
    seps = draw(st.lists(_SEPARATOR, min_size=len(elements), max_size=len(elements)))
    return "".join(op + word + sep for (op, word), sep in zip(elements, seps, strict=True))


def _matching(word: str) -> set[int]:
    """Codes of the suites a suite name or alias stands for (as ADD alone would enable)."""
    return {s.code for s in expand(word)}


@_SETTINGS
@given(text=cipher_strings(), target=st.sampled_from(_ALIASES + _NAMES))
def test_killed_suites_never_come_back(text, target):
    """'!X' removes X for good: nothing after it, before it or in it adds X again."""
    gone = _matching(target)
    before = {s.code for s in expand("!" + target + ":" + text)}
    assert not before & gone
    if text.lstrip().startswith("SUITEB"):
        return  # OpenSSL replaces the whole string of a Suite B selection
    after = expansion(text + ":!" + target)
    if not after.errors:  # OpenSSL rejects a string with errors; what follows is moot
        assert not {s.code for s in after.suites} & gone


@_SETTINGS
@given(text=cipher_strings(), target=st.sampled_from(_ALIASES + _NAMES))
def test_deleted_suites_are_gone_at_the_end(text, target):
    if text.lstrip().startswith("SUITEB"):
        return
    after = expansion(text + ":-" + target)
    if not after.errors:
        assert not {s.code for s in after.suites} & _matching(target)


@_SETTINGS
@given(text=cipher_strings())
def test_evaluation_is_deterministic_and_consistent(text):
    first = expansion(text)
    assert expansion(text) == first
    codes = [s.code for s in first.suites]
    assert len(set(codes)) == len(codes)
    assert set(first.suites) <= set(all_suites()) and not any(s.tls13 for s in first.suites)
    for profile in PROFILES:
        verdict = evaluate(text, profile=profile)
        assert verdict == evaluate(text, profile=profile)
        assert verdict.suites == first.suites
        assert {s for s, _ in verdict.weak} == {s for s in first.suites if weaknesses(s, profile)}
        assert verdict.ok == (not verdict.weak)
        assert isinstance(verdict.summary(), str)


@_SETTINGS
@given(text=cipher_strings(), word=st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,10}", fullmatch=True))
def test_an_unknown_word_changes_nothing(text, word):
    if word in alias_table() or word in by_name() or text.lstrip().startswith(("SUITEB", "DEFAULT")):
        return
    if word.startswith(("SUITEB", "DEFAULT")):
        return
    base, extended = expansion(text), expansion(text + ":" + word)
    if not base.errors:
        assert extended.suites == base.suites
        assert word in extended.unknown


@_SETTINGS
@given(text=cipher_strings())
def test_strength_sort_orders_by_bits(text):
    result = expansion(text + ":@STRENGTH")
    if not result.errors:
        bits = [s.strength_bits for s in result.suites]
        assert bits == sorted(bits, reverse=True)
