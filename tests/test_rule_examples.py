"""Every rule's own bad and good examples, run through the real engine (Fixit-style)."""

from __future__ import annotations

import pytest

from scanner.registry import default_registry

from .conftest import scan_snippet


def _cases(side: str) -> list:
    return [
        pytest.param(rule, example, id=f"{rule.id}-{side}-{index}")
        for rule in default_registry().all()
        for index, example in enumerate(getattr(rule, side))
    ]


@pytest.mark.parametrize("rule, example", _cases("bad"))
def test_bad_example_is_flagged(rule, example):
    outcome = scan_snippet(example.source, example.path, rules=[rule.id])
    assert not outcome.errors, outcome.errors
    hits = [f for f in outcome.findings if f.rule_id == rule.id]
    if example.expect is None:
        assert hits, f"{rule.id} missed its own bad example"
    else:
        assert len(hits) == example.expect


@pytest.mark.parametrize("rule, example", _cases("good"))
def test_good_example_is_not_flagged(rule, example):
    outcome = scan_snippet(example.source, example.path, rules=[rule.id])
    assert not outcome.errors, outcome.errors
    assert [f for f in outcome.findings if f.rule_id == rule.id] == []
