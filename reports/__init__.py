"""Renderers of a finished scan result: html, json, sarif, text. Formatting only, no analysis.

Each renderer module is imported on first use, so that the pre-commit hook printing text does
not pay for jinja2 or the clause catalog of the HTML report.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# format name -> "module.function"
RENDERERS: dict[str, str] = {
    "text": "reports.text.render_text",
    "json": "reports.json.render_json",
    "sarif": "reports.sarif.render_sarif",
    "html": "reports.html.render_html",
}


def _renderer(fmt: str) -> Any:
    try:
        dotted = RENDERERS[fmt]
    except KeyError:
        known = ", ".join(sorted(RENDERERS))
        raise ValueError(f"unknown report format {fmt!r} (known: {known})") from None
    module_name, _, function_name = dotted.rpartition(".")
    return getattr(import_module(module_name), function_name)


def render(
    fmt: str, result: dict, *, rules: list[dict], lang: str = "en", color: bool = False,
    inventory: bool = False,
) -> str:
    """Render ``result`` as ``fmt``; each renderer receives only the arguments it uses."""
    function = _renderer(fmt)
    if fmt == "json":
        return function(result)
    if fmt == "sarif":
        return function(result, rules)
    if fmt == "html":
        return function(result, rules=rules, lang=lang)
    return function(result, rules=rules, lang=lang, color=color, inventory=inventory)
