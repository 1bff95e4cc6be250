"""The engine's literal-token pre-filter: rules that cannot match an input never parse it."""

from __future__ import annotations

import scanner.engine as engine
from detectors.crypto.ecb_mode import EcbMode
from scanner.engine import check_text
from scanner.registry import default_registry


def test_token_groups_are_anded_with_tokens():
    assert EcbMode.may_match("from Crypto.Cipher import AES\nAES.new(k, AES.MODE_ECB)\n")
    # "ECB" alone (a word in docs, constants, other libraries) cannot be a library's ECB mode.
    assert not EcbMode.may_match("MODE = 'ECB'  # see the spec\n")
    assert not EcbMode.may_match("import cryptography\n")  # a library but no ECB token


def test_a_python_file_no_rule_can_match_is_never_parsed(monkeypatch):
    built: list[str] = []
    real = engine.build_model

    def counting(model, *args, **kwargs):
        built.append(model)
        return real(model, *args, **kwargs)

    monkeypatch.setattr(engine, "build_model", counting)
    rules = [cls() for cls in default_registry().all() if "python" in cls.kinds]
    check_text("def area(r):\n    return 3.14159 * r * r\n", path="geometry.py", kind="python",
               rules=rules)
    assert "python" not in built
    check_text("import hashlib\nhashlib.md5(b'x')\n", path="digest.py", kind="python",
               rules=rules)
    assert "python" in built
