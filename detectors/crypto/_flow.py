"""Where a call's value comes from and where it goes, within one Python module.

The python model resolves imported names; crypto and transport rules also need three local facts
it does not record: the function a call sits in, the names its value is stored under ("sinks":
assignment targets, keyword names, dict keys, the enclosing function when returned), and the
constant value of an expression. ``flow(module)`` computes them once per module
(detectors.crypto._values) and caches them; this module stays free of libcst so that loading the
registry does not pay for it.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detectors.crypto._values import Flow
    from scanner.parsers.python import PythonModule

_CACHE: dict[int, tuple[weakref.ref, Flow]] = {}


def flow(module: PythonModule) -> Flow:
    entry = _CACHE.get(id(module))
    if entry is None or entry[0]() is not module:
        for key in [k for k, (ref, _f) in _CACHE.items() if ref() is None]:
            del _CACHE[key]
        from detectors.crypto._values import Flow

        entry = (weakref.ref(module), Flow(module))
        _CACHE[id(module)] = entry
    return entry[1]


def where(module: PythonModule, thing: Any) -> dict[str, int]:
    """Location keywords for ``Rule.finding`` from a CallSite/NameRef/AttributeAssign or a node."""
    if hasattr(thing, "end_column"):
        return {"line": thing.line, "column": thing.column, "end_line": thing.end_line,
                "end_column": thing.end_column}
    line, column, end_line, end_column = module.span(thing)
    return {"line": line, "column": column, "end_line": end_line, "end_column": end_column}
