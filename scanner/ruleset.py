"""Turn selectors from the command line and the configuration into the rules that will run."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from scanner.config import Config, ConfigError
from scanner.registry import Registry
from scanner.rule import Rule, Status

# "DP2" or "DP20" selects a family by id prefix, as ruff's "S5" does; "ALL" selects everything.
_PREFIX_RE = re.compile(r"^DP\d{0,2}$", re.IGNORECASE)


def resolve(registry: Registry, ref: str, where: str) -> list[type[Rule]]:
    """The rules one selector names: an id, a name, an alias, an id prefix or ALL."""
    rule = registry.find(ref)
    if rule is not None:
        return [rule]
    if ref.strip().upper() == "ALL":
        return registry.all()
    if _PREFIX_RE.match(ref.strip()):
        family = [r for r in registry.all() if r.id.upper().startswith(ref.strip().upper())]
        if family:
            return family
    raise ConfigError(f"{where}: unknown rule {ref!r} (see `dpscan rules`)")


def resolve_ids(registry: Registry, refs: Iterable[str], where: str) -> set[str]:
    return {rule.id for ref in refs for rule in resolve(registry, ref, where)}


def select_rules(
    registry: Registry,
    config: Config,
    *,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    preview: bool = False,
) -> list[Rule]:
    """Instantiate the enabled rules with their options, in id order.

    Command-line ``--select`` replaces the configured selection and ``--ignore`` adds to the
    configured ignores, as in ruff. Preview rules need ``--preview`` or ``preview = true`` unless
    selected by their exact id or name.
    """
    where = config.source or "configuration"
    select = tuple(select) or config.select
    chosen = resolve_ids(registry, select, "--select" if select else where) if select else None
    dropped = resolve_ids(registry, (*config.ignore, *ignore), where)
    exact = {registry.get(ref).id for ref in select if ref in registry}
    allow_preview = preview or config.preview

    _check_rule_keys(registry, config, where)
    enabled = []
    for rule_cls in registry.all():
        if chosen is not None and rule_cls.id not in chosen:
            continue
        if rule_cls.id in dropped:
            continue
        if rule_cls.status is Status.PREVIEW and not (allow_preview or rule_cls.id in exact):
            continue
        enabled.append(_instantiate(rule_cls, _options_for(registry, config, rule_cls), where))
    return enabled


def ruleset_digest(rules: Iterable[Rule]) -> str:
    """Identifies the rule set and its settings, so a changed result can be traced to it."""
    h = hashlib.sha256()
    for rule in rules:
        h.update(f"{rule.id}:{rule.name}:{rule.since}:{sorted(rule.settings.items())!r}\n".encode())
    return h.hexdigest()


def _check_rule_keys(registry: Registry, config: Config, where: str) -> None:
    for ref in (*config.severity, *config.options):
        resolve(registry, ref, where)
    for index, override in enumerate(config.overrides):
        for ref in (*override.ignore, *override.severity):
            resolve(registry, ref, f"{where}: overrides[{index}]")


def _options_for(registry: Registry, config: Config, rule_cls: type[Rule]) -> dict:
    merged: dict = {}
    for ref, opts in config.options.items():
        if registry.get(ref) is rule_cls:
            merged.update(opts)
    return merged


def _instantiate(rule_cls: type[Rule], options: dict, where: str) -> Rule:
    try:
        return rule_cls(options)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
