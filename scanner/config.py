"""Configuration: ``[tool.dpscan]`` in pyproject.toml, or a ``.dpscan.toml`` with the same keys.

Keys are kebab-case as in ruff (``fail-on``); snake_case spellings are accepted too. An unknown
key, rule, option or severity is a ``ConfigError``: a typo must never silently turn a check off.

    [tool.dpscan]
    select = ["DP2"]                 # ids, names, or id prefixes (a family); default: all stable rules
    ignore = ["db-url-insecure-sslmode"]
    fail-on = "medium"
    exclude = ["legacy/", "*.min.js"]
    max-file-size = "5MiB"
    file-timeout = 60                # seconds one input may take; 0: no limit (as --file-timeout)
    preview = false
    cache = true                     # false: never read or write the result cache (as --no-cache)
    severity = { DP202 = "critical" }
    [tool.dpscan.options.DP202]
    weak-modes = ["disable"]
    [[tool.dpscan.overrides]]
    paths = ["tests/**"]              # gitignore-style globs on the relative path
    objects = ["staging.*"]           # shell globs on a live-database object name
    ignore = ["DP201"]
    severity = { DP202 = "low" }
    reason = "test doubles talk to a local stub server"
"""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from scanner.discover import DEFAULT_MAX_SIZE

# A pathological input (a parser's worst case) is abandoned after this many seconds: the scan
# records it as an error and goes on. Generous, so that only a real pathology hits it.
DEFAULT_FILE_TIMEOUT = 60.0
from scanner.finding import Severity

CONFIG_FILE = ".dpscan.toml"


class ConfigError(Exception):
    """The configuration cannot be used as written."""


@dataclass(frozen=True)
class Override:
    paths: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    reason: str = ""

    def matches(self, path: str | None, obj: str | None) -> bool:
        if path is not None and self.paths and _path_spec(self.paths).match_file(path):
            return True
        return obj is not None and any(fnmatch.fnmatchcase(obj, g) for g in self.objects)


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = Severity.LOW
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_SIZE
    file_timeout: float = DEFAULT_FILE_TIMEOUT  # seconds one input may take; 0: no bound
    preview: bool = False
    dialect: str | None = None  # force the SQL dialect of dumps; None: detect per file
    max_samples: int = 200  # sampled values kept per column for classification
    org: str | None = None  # report cover: organisation that signed the commitment letter
    commitment_id: str | None = None  # report cover: the commitment letter's number
    cache: bool = True  # use the result cache (scanner.cache); `cache = false` or --no-cache: not
    severity: dict[str, Severity] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    source: str | None = None  # the file it came from, for messages and the report


_TOP_KEYS = {"select", "ignore", "fail-on", "exclude", "max-file-size", "preview", "severity",
             "options", "overrides", "dialect", "max-samples", "org", "commitment-id", "cache",
             "file-timeout"}
_OVERRIDE_KEYS = {"paths", "objects", "ignore", "severity", "reason"}


def find_config(start: str) -> Path | None:
    """The nearest ``.dpscan.toml``, or ``pyproject.toml`` with a [tool.dpscan] table, upwards."""
    here = Path(start).resolve()
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "tool" in (data := _read_toml(pyproject)) and "dpscan" in data["tool"]:
            return pyproject
    return None


def load_config(path: str | os.PathLike[str] | None, *, start: str = ".") -> Config:
    """Read the given file, or the nearest one above ``start``; defaults when there is none."""
    config_path = Path(path) if path is not None else find_config(start)
    if config_path is None:
        return Config()
    data = _read_toml(config_path)
    if config_path.name == "pyproject.toml":
        data = data.get("tool", {}).get("dpscan", {})
    return parse_config(data, source=str(config_path))


def parse_config(data: dict[str, Any], *, source: str | None = None) -> Config:
    where = source or "configuration"
    data = _normalise_keys(data, _TOP_KEYS, where)
    overrides = []
    for index, raw in enumerate(_as_list(data.get("overrides", []), f"{where}: overrides")):
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: overrides[{index}] must be a table")
        ov = _normalise_keys(raw, _OVERRIDE_KEYS, f"{where}: overrides[{index}]")
        if not ov.get("paths") and not ov.get("objects"):
            raise ConfigError(f"{where}: overrides[{index}] needs `paths` or `objects`")
        overrides.append(
            Override(
                paths=_strings(ov.get("paths", []), f"{where}: overrides[{index}].paths"),
                objects=_strings(ov.get("objects", []), f"{where}: overrides[{index}].objects"),
                ignore=_strings(ov.get("ignore", []), f"{where}: overrides[{index}].ignore"),
                severity=_severities(ov.get("severity", {}), f"{where}: overrides[{index}].severity"),
                reason=str(ov.get("reason", "")),
            )
        )
    options = data.get("options", {})
    if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
        raise ConfigError(f"{where}: options must be a table of tables, one per rule")
    return Config(
        select=_strings(data.get("select", []), f"{where}: select"),
        ignore=_strings(data.get("ignore", []), f"{where}: ignore"),
        fail_on=_severity(data.get("fail-on", "low"), f"{where}: fail-on"),
        exclude=_strings(data.get("exclude", []), f"{where}: exclude"),
        max_file_size=parse_size(data.get("max-file-size", DEFAULT_MAX_SIZE), f"{where}: max-file-size"),
        file_timeout=parse_seconds(data.get("file-timeout", DEFAULT_FILE_TIMEOUT), f"{where}: file-timeout"),
        preview=bool(data.get("preview", False)),
        dialect=parse_dialect(data["dialect"], f"{where}: dialect") if "dialect" in data else None,
        max_samples=_count(data.get("max-samples", 200), f"{where}: max-samples"),
        org=_text(data.get("org"), f"{where}: org"),
        commitment_id=_text(data.get("commitment-id"), f"{where}: commitment-id"),
        cache=_flag(data.get("cache", True), f"{where}: cache"),
        severity=_severities(data.get("severity", {}), f"{where}: severity"),
        options={rule: {k.replace("-", "_"): v for k, v in opts.items()} for rule, opts in options.items()},
        overrides=tuple(overrides),
        source=source,
    )


_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1000, "kib": 1024, "m": 1024**2, "mb": 1000**2,
               "mib": 1024**2, "g": 1024**3, "gb": 1000**3, "gib": 1024**3}


def parse_size(value: Any, where: str = "size") -> int:
    """Bytes from an int or a string such as "5MiB", "500k", "10 MB"."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE_RE.match(str(value))
    if not match:
        raise ConfigError(f"{where}: {value!r} is not a size (for example 5MiB or 500k)")
    size = int(float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "").lower()])
    if size <= 0:
        raise ConfigError(f"{where}: size must be positive")
    return size


def parse_seconds(value: Any, where: str = "timeout") -> float:
    """A duration in seconds (int or float, >= 0; 0 turns the bound off)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{where} must be a number of seconds >= 0 (0: no limit)")
    return float(value)


# The dump dialects dpscan reads, by the names users type; values are sqlglot dialect names.
DIALECTS = {"postgres": "postgres", "postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql",
            "sqlite": "sqlite", "tsql": "tsql", "sqlserver": "tsql", "mssql": "tsql",
            "oracle": "oracle"}


def parse_dialect(value: Any, where: str = "dialect") -> str:
    name = str(value).lower()
    if name not in DIALECTS:
        raise ConfigError(f"{where}: unknown dialect {value!r} (known: {', '.join(sorted(DIALECTS))})")
    return DIALECTS[name]


def _text(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{where} must be a string")
    return value or None


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false")
    return value


def _count(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(f"{where} must be a whole number >= 0")
    return value


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc


def _normalise_keys(data: dict[str, Any], known: set[str], where: str) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        norm = key.replace("_", "-")
        if norm not in known:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(known))})")
        out[norm] = value
    return out


def _as_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(f"{where} must be a list")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else _as_list(value, where)
    if not all(isinstance(v, str) for v in items):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(items)


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity(str(value).lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Severity)
        raise ConfigError(f"{where}: {value!r} is not a severity ({allowed})") from None


def _severities(value: Any, where: str) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of rule = severity")
    return {rule: _severity(sev, f"{where}.{rule}") for rule, sev in value.items()}


@lru_cache(maxsize=64)
def _path_spec(globs: tuple[str, ...]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(globs)
