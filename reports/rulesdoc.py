"""Rule documentation rendered from the registry's metadata: `dpscan rules` and `dpscan explain`.

Nothing about a rule is written here; the templates only lay out what each rule declares.
"""

from __future__ import annotations

from functools import cache

import jinja2

from scanner.clauses import load_catalog


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=False,  # plain-text output for a terminal
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_rule_list(rules: list[dict], *, lang: str = "en") -> str:
    return _environment().get_template("rules.txt.j2").render(rules=rules, lang=lang)


def render_explanation(rule: dict, *, lang: str = "en") -> str:
    catalog = load_catalog()
    clauses = [catalog.get(cid) for cid in rule["clauses"]]
    return _environment().get_template("explain.txt.j2").render(rule=rule, clauses=clauses, lang=lang)
