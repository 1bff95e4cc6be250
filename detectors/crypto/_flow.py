"""Where a call's value comes from and where it goes, within one Python module.

The python model resolves imported names and records, in its one walk, the function a call sits
in, name bindings and the names a call's value is stored under ("sinks": assignment targets,
keyword names, dict keys, the enclosing function when returned). ``flow(module)`` wraps those
facts with look-ups and constant evaluation (detectors.crypto._values), once per module, cached;
this module imports nothing heavy so that loading the registry stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from detectors.crypto._values import Flow
    from scanner.parsers.python import PythonModule

# The module the rules are reading now and its Flow. Rules read one input at a time, so one entry
# is enough; a dict of weak references leaked, since each Flow holds its module strongly.
_CURRENT: list[Any] = [None, None]


def flow(module: PythonModule) -> Flow:
    if _CURRENT[0] is not module:
        from detectors.crypto._values import Flow

        _CURRENT[:] = [module, Flow(module)]
    return _CURRENT[1]


def where(module: PythonModule, thing: Any) -> dict[str, int]:
    """Location keywords for ``Rule.finding`` from a CallSite/NameRef/AttributeAssign or a node."""
    if hasattr(thing, "end_column"):
        return {"line": thing.line, "column": thing.column, "end_line": thing.end_line,
                "end_column": thing.end_column}
    line, column, end_line, end_column = module.span(thing)
    return {"line": line, "column": column, "end_line": end_line, "end_column": end_column}
