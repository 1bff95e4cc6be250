"""[tool.dpscan] / .dpscan.toml: every key read, every mistake a clear error."""

from __future__ import annotations

import pytest

from scanner.config import Config, ConfigError, find_config, load_config, parse_config, parse_size
from scanner.finding import Severity
from scanner.registry import default_registry
from scanner.ruleset import select_rules


def test_pyproject_table_is_found_upwards(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.dpscan]\nfail-on = "high"\n')
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    config = load_config(None, start=str(tmp_path / "src" / "pkg"))
    assert config.fail_on is Severity.HIGH
    assert config.source == str(tmp_path / "pyproject.toml")


def test_pyproject_without_table_is_passed_over(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config(str(tmp_path)) is None
    assert load_config(None, start=str(tmp_path)) == Config()


def test_dotfile_wins_over_pyproject_in_the_same_directory(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.dpscan]\nfail-on = "high"\n')
    (tmp_path / ".dpscan.toml").write_text('fail-on = "medium"\n')
    assert load_config(None, start=str(tmp_path)).fail_on is Severity.MEDIUM


def test_every_key_is_read():
    config = parse_config({
        "org": "示例科技有限公司", "commitment-id": "CN-2026-017",
        "select": ["DP2"], "ignore": ["DP202"], "fail_on": "critical", "exclude": ["legacy/"],
        "max-file-size": "1MiB", "preview": True, "severity": {"DP201": "medium"},
        "options": {"DP202": {"weak-modes": ["disable"]}},
        "overrides": [{"paths": ["tests/**"], "ignore": ["DP201"], "reason": "stub server"}],
    })
    assert config.select == ("DP2",) and config.ignore == ("DP202",)
    assert config.fail_on is Severity.CRITICAL and config.exclude == ("legacy/",)
    assert config.max_file_size == 1024 * 1024 and config.preview
    assert config.severity == {"DP201": Severity.MEDIUM}
    assert config.options == {"DP202": {"weak_modes": ["disable"]}}
    assert config.org == "示例科技有限公司" and config.commitment_id == "CN-2026-017"
    assert config.overrides[0].matches("tests/unit/a.py", None)
    assert not config.overrides[0].matches("src/a.py", None)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"fail-on": "severe"}, "not a severity"),
        ({"selct": ["DP201"]}, "unknown key 'selct'"),
        ({"max-file-size": "big"}, "not a size"),
        ({"select": "DP201,"}, None),  # a bare string is accepted as one selector
        ({"overrides": [{"ignore": ["DP201"]}]}, "needs `paths` or `objects`"),
        ({"overrides": [{"paths": ["a"], "colour": 1}]}, "unknown key 'colour'"),
        ({"severity": {"DP201": "urgent"}}, "not a severity"),
        ({"options": {"DP202": 3}}, "table of tables"),
    ],
)
def test_config_mistakes_are_errors(data, message):
    if message is None:
        parse_config(data)
        return
    with pytest.raises(ConfigError, match=message):
        parse_config(data)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"select": ["DP777"]}, "unknown rule 'DP777'"),
        ({"ignore": ["no-such-rule"]}, "unknown rule"),
        ({"severity": {"DP777": "low"}}, "unknown rule"),
        ({"options": {"DP202": {"no_such_option": 1}}}, "unknown option"),
        ({"options": {"DP202": {"weak_modes": ["off"]}}}, "not in"),
        ({"options": {"DP202": {"ignore_loopback": "yes"}}}, "must be bool"),
        ({"overrides": [{"paths": ["x"], "ignore": ["DP777"]}]}, "unknown rule"),
    ],
)
def test_unknown_rules_and_options_are_errors(data, message):
    with pytest.raises(ConfigError, match=message):
        select_rules(default_registry(), parse_config(data))


def test_selection_by_family_name_and_ignore():
    registry = default_registry()
    ids = lambda **kw: [r.id for r in select_rules(registry, Config(), **kw)]  # noqa: E731
    assert {"DP201", "DP202"} <= set(ids())
    assert ids(select=["tls-verify-disabled"]) == ["DP201"]
    assert "DP202" not in ids(select=["DP2"], ignore=["DP202"])
    assert set(ids(select=["DP2"])) >= {"DP201", "DP202"}


def test_rule_options_reach_the_rule():
    rules = select_rules(default_registry(), parse_config({"options": {"DP202": {"weak-modes": ["disable"]}}}))
    dp202 = next(r for r in rules if r.id == "DP202")
    assert dp202.settings["weak_modes"] == ("disable",)


@pytest.mark.parametrize("text, size", [("5MiB", 5 * 1024**2), ("500k", 500 * 1024), ("10 MB", 10**7), (2048, 2048)])
def test_sizes(text, size):
    assert parse_size(text) == size
