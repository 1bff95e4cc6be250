"""The clause catalog: the six clauses of section 3.3, bilingual, each with manual attestation
items, and each covered by at least one registered rule."""

from __future__ import annotations

import pytest

from scanner.clauses import Clause, ManualItem, load_catalog
from scanner.registry import default_registry

CLAUSE_IDS = ("3.3.1", "3.3.2", "3.3.3", "3.3.4", "3.3.5", "3.3.6")


def test_catalog_has_the_six_clauses_in_order_with_both_languages():
    catalog = load_catalog()
    assert catalog.ids() == CLAUSE_IDS
    assert catalog.title_zh and catalog.title_en and catalog.section_zh and catalog.section_en
    for clause in catalog.clauses:
        assert isinstance(clause, Clause)
        for lang in ("zh", "en"):
            assert clause.text(lang).strip() and clause.short(lang).strip()
        assert clause.text("zh") != clause.text("en")


@pytest.mark.parametrize("clause_id", CLAUSE_IDS)
def test_every_clause_lists_manual_attestation_items(clause_id):
    clause = load_catalog().get(clause_id)
    assert len(clause.manual) >= 2
    for item in clause.manual:
        assert isinstance(item, ManualItem)
        assert item.id.startswith(f"{clause_id}-M")
        for text in (item.item_zh, item.item_en, item.evidence_zh, item.evidence_en):
            assert text.strip()
        assert item.item("zh") == item.item_zh and item.item("en") == item.item_en
        assert item.evidence("zh") == item.evidence_zh and item.evidence("en") == item.evidence_en


def test_manual_item_ids_are_unique_across_the_catalog():
    ids = [item.id for clause in load_catalog().clauses for item in clause.manual]
    assert len(ids) == len(set(ids))


def test_clause_to_dict_carries_the_manual_items():
    clause = load_catalog().get("3.3.6")
    data = clause.to_dict()
    assert data["id"] == "3.3.6" and data["text_zh"] == clause.text_zh
    assert [m["id"] for m in data["manual"]] == [m.id for m in clause.manual]
    assert set(data["manual"][0]) == {"id", "item_zh", "item_en", "evidence_zh", "evidence_en"}


def test_catalog_is_frozen():
    clause = load_catalog().get("3.3.1")
    with pytest.raises(AttributeError):
        clause.manual = ()  # type: ignore[misc]


@pytest.mark.parametrize("clause_id", CLAUSE_IDS)
def test_every_clause_is_covered_by_a_registered_rule(clause_id):
    covering = [r.id for r in default_registry().all() if clause_id in r.clauses]
    assert covering, f"no registered rule gives evidence for clause {clause_id}"


def test_rules_name_only_catalog_clauses():
    known = set(load_catalog().ids())
    for rule in default_registry().all():
        assert set(rule.clauses) <= known, f"{rule.id} names an unknown clause {rule.clauses}"
