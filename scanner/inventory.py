"""The data inventory: every personal-information column a schema model holds, as result data.

It is the classification evidence clause 3.3.2 asks for, so it lists protected columns too.
"""

from __future__ import annotations

from typing import Any

from scanner.model.schema import SchemaModel


def inventory_entries(model: SchemaModel) -> list[dict[str, Any]]:
    entries = []
    for table, column in model.columns():
        tag = column.pii
        if tag is None:
            continue
        entries.append({
            "object": table.column_name(column),
            "category": tag.category,
            "label": tag.label,
            "sensitivity": tag.sensitivity.value,
            "protected": column.protection.value,
            "protection_evidence": column.protection_evidence,
            "evidence": tag.evidence,
            "source": tag.source,
            "confidence": tag.confidence.value,
            "data_type": column.data_type,
            "location": column.location.to_dict(),
        })
    return entries
