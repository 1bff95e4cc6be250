"""The registry finds every rule by walking detectors/, and every rule's metadata holds up."""

from __future__ import annotations

import subprocess
import sys

import pytest

from scanner.clauses import load_catalog
from scanner.finding import Confidence, Severity
from scanner.registry import Registry, RegistryError, default_registry
from scanner.rule import ANY_TEXT, Example, Rule

from .conftest import FIXTURES

RULES = default_registry().all()


def test_registry_finds_the_first_rules():
    ids = {rule.id for rule in RULES}
    assert {"DP201", "DP202"} <= ids


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_names_only_catalog_clauses(rule):
    assert set(rule.clauses) <= set(load_catalog().ids())


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_has_an_annotated_fixture(rule):
    needles = (f"expect: {rule.id}", f"expect: {rule.name}")
    texts = (p.read_text("utf-8", errors="replace") for p in FIXTURES.rglob("*") if p.is_file())
    assert any(n in text for text in texts for n in needles), f"no fixture annotates {rule.id}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_metadata_renders(rule):
    meta = rule.metadata()
    assert meta["summary"] and meta["rationale"] and meta["remediation"]
    assert meta["examples"]["bad"] and meta["examples"]["good"]


def _rule_class(**overrides):
    body = dict(
        __doc__="Something is wrong.\n\nBecause.",
        id="DP999", name="something-wrong", clauses=("3.3.3",), severity=Severity.LOW,
        confidence=Confidence.LOW, remediation="Fix it.", kinds=ANY_TEXT, model="text",
        bad=(Example("x"),), good=(Example("y"),),
    )
    body.update(overrides)
    return type("Something", (Rule,), body)


@pytest.mark.parametrize(
    "overrides, problem",
    [
        ({"id": "X1"}, "must look like DP123"),
        ({"name": "Not_Kebab"}, "kebab-case"),
        ({"clauses": ()}, "clauses"),
        ({"bad": ()}, "bad and one good"),
        ({"good": ()}, "bad and one good"),
        ({"__doc__": None}, "docstring"),
        ({"remediation": " "}, "remediation"),
        ({"kinds": frozenset()}, "kinds"),
    ],
)
def test_bad_metadata_fails_when_the_class_is_defined(overrides, problem):
    with pytest.raises(TypeError, match=problem):
        _rule_class(**overrides)


def test_duplicate_ids_names_and_aliases_are_refused():
    first = _rule_class()
    with pytest.raises(RegistryError, match="claimed by both"):
        Registry([first, _rule_class(name="other-name")])
    with pytest.raises(RegistryError, match="claimed by both"):
        Registry([first, _rule_class(id="DP998")])
    with pytest.raises(RegistryError, match="claimed by both"):
        Registry([first, _rule_class(id="DP998", name="x-y", aliases=("something-wrong",))])


def test_lookup_by_id_name_and_alias_is_case_insensitive():
    registry = Registry([_rule_class(aliases=("old-name",))])
    assert registry.get("dp999") is registry.get("SOMETHING-WRONG") is registry.get("old-name")
    with pytest.raises(RegistryError, match="unknown rule"):
        registry.get("DP000")


def test_loading_the_registry_imports_no_heavy_package():
    # The pre-commit hook must not pay for presidio, spaCy, sqlglot or libcst just to list rules.
    code = (
        "import sys; from scanner.registry import default_registry; default_registry(); "
        "print(','.join(m for m in ('presidio_analyzer','spacy','sqlglot','libcst') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
