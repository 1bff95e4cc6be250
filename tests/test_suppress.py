"""Inline `dpscan: ignore[...]` directives in every comment syntax."""

from __future__ import annotations

import pytest

from scanner.suppress import parse_directives

from .conftest import scan_snippet

BAD_CALL = "requests.get('https://api.example.com', verify=False)"


@pytest.mark.parametrize(
    "line, rules, reason, alone",
    [
        ("x = 1  # dpscan: ignore[DP201] legacy stub server", ("DP201",), "legacy stub server", False),
        ("# dpscan: ignore[DP201, db-url-insecure-sslmode]: two rules", ("DP201", "db-url-insecure-sslmode"), "two rules", True),
        ("-- dpscan: ignore[DP202] -- staging only", ("DP202",), "staging only", True),
        ("url = x // dpscan: ignore[DP202] vendored", ("DP202",), "vendored", False),
        ("; dpscan: ignore[DP202] ini file", ("DP202",), "ini file", True),
        ("<!-- dpscan: ignore[DP202] xml config -->", ("DP202",), "xml config", True),
        ("/* dpscan: ignore[DP202] c style */", ("DP202",), "c style", True),
        ("x = 1  # dpscan: ignore", None, "", False),
    ],
)
def test_directive_syntax(line, rules, reason, alone):
    [directive] = parse_directives([line])
    assert directive.rules == rules
    assert directive.reason == reason
    assert directive.target == (2 if alone else 1)


def test_prose_mentioning_the_directive_is_not_one():
    assert parse_directives(["print('see dpscan: ignore in the docs')"]) == []


@pytest.mark.parametrize(
    "source, suppressed",
    [
        (f"import requests\n{BAD_CALL}  # dpscan: ignore[DP201] test double\n", True),
        (f"import requests\n# dpscan: ignore[tls-verify-disabled] test double\n{BAD_CALL}\n", True),
        (f"import requests\n{BAD_CALL}  # dpscan: ignore[DP202] wrong rule\n", False),
        (f"import requests\n# dpscan: ignore[DP201] too far above\n\n{BAD_CALL}\n", False),
        (f"import requests\nx = 1  # dpscan: ignore[DP201] trailing, covers only its own line\n{BAD_CALL}\n", False),
        (f"import requests\n{BAD_CALL}  # dpscan: ignore\n", True),
    ],
)
def test_directive_placement(source, suppressed):
    outcome = scan_snippet(source, rules=["DP201"])
    [finding] = outcome.findings
    assert finding.suppressed is suppressed


def test_missing_reason_still_suppresses_and_warns():
    outcome = scan_snippet(f"import requests\n{BAD_CALL}  # dpscan: ignore[DP201]\n", rules=["DP201"])
    assert outcome.findings[0].suppressed and outcome.findings[0].suppression.reason == ""
    assert [w.message for w in outcome.warnings] == ["suppression without a reason"]


def test_unknown_rule_in_directive_warns():
    outcome = scan_snippet(f"import requests\n{BAD_CALL}  # dpscan: ignore[DP201,DP777] ok\n", rules=["DP201"])
    assert outcome.findings[0].suppressed
    assert [w.message for w in outcome.warnings] == ["suppression names unknown rule 'DP777'"]


def test_no_inline_ignores_turns_directives_off():
    outcome = scan_snippet(f"import requests\n{BAD_CALL}  # dpscan: ignore[DP201] x\n", rules=["DP201"],
                           inline_ignores=False)
    assert not outcome.findings[0].suppressed
