"""Find the rules by walking the ``detectors`` package; there is no hand-kept list.

Third-party packages add rules through the entry-point group ``dpscan.detectors``: each entry
point names a package, which is walked the same way.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.metadata import entry_points
from types import ModuleType

from scanner.rule import Rule

ENTRY_POINT_GROUP = "dpscan.detectors"


class RegistryError(Exception):
    """Two rules claim the same id, name or alias, or a selector names no rule."""


class Registry:
    def __init__(self, rules: Iterable[type[Rule]]) -> None:
        self._by_id: dict[str, type[Rule]] = {}
        self._by_ref: dict[str, type[Rule]] = {}
        for rule in rules:
            for ref in (rule.id, rule.name, *rule.aliases):
                other = self._by_ref.get(ref.lower())
                if other is not None and other is not rule:
                    raise RegistryError(
                        f"{ref!r} is claimed by both {_where(other)} and {_where(rule)}"
                    )
                self._by_ref[ref.lower()] = rule
            self._by_id[rule.id] = rule

    def all(self) -> list[type[Rule]]:
        return [self._by_id[rule_id] for rule_id in sorted(self._by_id)]

    def get(self, ref: str) -> type[Rule]:
        """A rule by id, name or alias, case-insensitively."""
        try:
            return self._by_ref[ref.strip().lower()]
        except KeyError:
            raise RegistryError(f"unknown rule {ref!r} (see `dpscan rules`)") from None

    def find(self, ref: str) -> type[Rule] | None:
        return self._by_ref.get(ref.strip().lower())

    def __contains__(self, ref: str) -> bool:
        return ref.strip().lower() in self._by_ref

    def __len__(self) -> int:
        return len(self._by_id)


def _where(rule: type[Rule]) -> str:
    return f"{rule.__module__}.{rule.__qualname__}"


def _walk(package: ModuleType) -> Iterator[type[Rule]]:
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_"):
            continue  # _data, private helpers, drafts kept out of discovery on purpose
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and not value.abstract
                and value.__module__ == module.__name__  # imported bases are not re-collected
            ):
                yield value


def _plugin_packages() -> Iterator[ModuleType]:
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        yield entry.load()


@cache
def default_registry() -> Registry:
    import detectors

    packages = [detectors, *_plugin_packages()]
    return Registry(rule for package in packages for rule in _walk(package))
