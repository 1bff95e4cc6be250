"""The JSON result, written as the scanner built it: the machine-readable record of a scan."""

from __future__ import annotations

import json


def render_json(result: dict) -> str:
    """Serialise ``result`` deterministically.

    Keys keep the order the scanner built them in (``sort_keys=False``) so that the file reads
    top-down like the result dict; ``ensure_ascii=False`` keeps Chinese text legible.
    """
    return json.dumps(result, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
