"""A wall-clock bound on the work done for one input, so one pathological file cannot stall a scan.

``time_limit(seconds)`` arms SIGALRM (``signal.setitimer``, sub-second precision) for the guarded
block; when it fires, ``InputTimedOut`` is raised at whatever Python line the parser was on.
The engine catches it in ``scan_file``, records "timed out after N s" and goes on with the next
input. Why a signal and not a thread or a subprocess per file: the parsers are pure Python on the
main thread of each process (the CLI with --jobs 1, or a fork pool worker, whose tasks also run on
its main thread), and a signal interrupts them where they are at no cost to the fast path.

Limits, accepted on purpose:
- outside the main thread signals cannot be used: the block then runs unbounded;
- a long call inside C code (one giant ``re`` match, ``json.loads``) is interrupted only when it
  returns to the interpreter;
- any itimer set by the embedding program is cancelled (dpscan sets none elsewhere).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class InputTimedOut(BaseException):
    """Raised inside the guarded block when its time is up.

    A BaseException, not an Exception: the engine deliberately catches ``Exception`` around every
    parser and rule (one bug must not end the scan), and those handlers would otherwise swallow
    the timeout and let the slow input carry on.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {format_seconds(seconds)} s")
        self.seconds = seconds


def format_seconds(seconds: float) -> str:
    """60 -> "60", 0.25 -> "0.25": how the limit is written in messages."""
    return f"{seconds:g}"


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise InputTimedOut in the block after ``seconds``; None or 0 (or no main thread): no bound."""
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise InputTimedOut(seconds)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        # Disarm before restoring the handler, so the alarm can never fire outside the block.
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
