"""A stand-in kubernetes parser that never finishes on a manifest of ``kind: Slow``: the
pathological input, made deterministic, for the per-input timeout tests."""

from __future__ import annotations

from scanner.parsers.kubernetes import build as real_build


def build(text: str, path: str):
    if "kind: Slow" in text:
        while True:  # pure Python: SIGALRM interrupts it between two bytecodes
            pass
    return real_build(text, path)
