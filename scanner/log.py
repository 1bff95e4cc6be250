"""Diagnostic logging for `dpscan --log-level LEVEL` (or DPSCAN_LOG_LEVEL): stdlib logging to stderr.

Only dpscan's own loggers (``scanner.*``, ``detectors.*``, ``reports.*``) are turned up: a
third-party library's debug output (sqlglot, drivers) may quote the SQL or the rows it handled,
so those keep Python's default (warnings and above). Log calls name files, kinds, models, rules
and counts, never a value; every formatted record still goes through ``redact_text`` in case a
path, a message or an exception text carries a password, an e-mail or a long number.
"""

from __future__ import annotations

import logging
import sys

from scanner.mask import redact_text

LEVELS = ("error", "warning", "info", "debug")
_OWN_LOGGERS = ("scanner", "detectors", "reports")
_HANDLER_NAME = "dpscan-stderr"


class RedactingFormatter(logging.Formatter):
    """A formatter whose output is masked as evidence is: the last line of defence for logs."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


def configure(level: str | None) -> None:
    """Send dpscan's own log records at ``level`` and above to stderr; None: Python's defaults.

    Safe to call more than once (tests invoke the CLI repeatedly in one process): the previous
    handler is removed, and the new one writes to the ``sys.stderr`` of the current call.
    """
    handler = None
    if level is not None:
        handler = logging.StreamHandler(sys.stderr)
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(RedactingFormatter("dpscan: %(levelname)s %(name)s: %(message)s"))
    for name in _OWN_LOGGERS:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
            logger.removeHandler(old)
        if handler is None:
            logger.setLevel(logging.NOTSET)
            logger.propagate = True
        else:
            logger.addHandler(handler)
            logger.setLevel(getattr(logging, level.upper()))
            logger.propagate = False
