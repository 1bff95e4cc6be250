"""The ``dpscan`` command line (click).

Exit codes, as DESIGN.md fixes them: 0 nothing at or above ``--fail-on``; 1 findings at or
above it; 2 a usage error or a scan that could not run. An unreadable or unparsable input is
not exit 2: it is recorded in the result and the scan goes on.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

import click

import scanner
from scanner.finding import Severity
from scanner.mask import redact_text

SEVERITIES = [s.value for s in Severity]
FORMATS = ["text", "json", "sarif", "html"]
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageFailure(click.ClickException):
    """Any problem that means the scan could not run: exit code 2 with a one-line message."""

    exit_code = EXIT_ERROR

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(f"dpscan: error: {self.format_message()}", err=True)


def _split_multi(values: tuple[str, ...]) -> tuple[str, ...]:
    """Accept both `--select DP201 --select DP202` and `--select DP201,DP202`."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(scanner.__version__, "-V", "--version", prog_name="dpscan")
@click.option("--log-level", type=click.Choice(["error", "warning", "info", "debug"]), default=None,
              envvar="DPSCAN_LOG_LEVEL", show_envvar=True,
              help="Diagnostic log on stderr (files, kinds, models, rules, counts; never values).")
def cli(log_level: str | None) -> None:
    """dpscan: find unprotected personal data, weak TLS and crypto, over-broad access and missing
    safeguards in code, config, schema dumps and databases, mapped to the commitment letter's
    clauses 3.3.1-3.3.6.

    \b
    Examples:
      dpscan scan .                         scan the current tree, text report on stdout
      dpscan scan src/ --html report.html   also write the audit report
      dpscan db sqlite:///fixtures/demo/staging.db
                                            scan a live database (postgresql://, mysql://, sqlite:///)
      dpscan rules                          list the rules and the clauses they cover
      dpscan explain DP201                  what a rule finds, why, and how to fix it
    """
    from scanner.log import configure

    configure(log_level)


# Options shared by `scan` and `db`, defined once so both commands read and behave alike.
_SHARED_OPTIONS: dict[str, Any] = {
    "format": click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default=None,
                           help="Format written to --output or stdout.  [default: text]"),
    "output": click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str),
                           help="Write the --format output to FILE instead of stdout."),
    "json": click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
                         help="Also write the JSON result to FILE."),
    "sarif": click.option("--sarif", "sarif_file", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
                          help="Also write SARIF 2.1.0 (for code-scanning dashboards) to FILE."),
    "html": click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=str), metavar="FILE",
                         help="Also write the HTML report to FILE."),
    "fail-on": click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
                            help="Exit 1 when an active finding is at or above this severity.  [default: low]"),
    "config": click.option("--config", "config_file",
                           type=click.Path(exists=True, dir_okay=False, path_type=str),
                           help="Read settings from FILE (.dpscan.toml or pyproject.toml) instead of searching."),
    "select": click.option("--select", multiple=True, metavar="RULE",
                           help="Run only these rules (id, name or id prefix such as DP2); repeatable."),
    "ignore": click.option("--ignore", multiple=True, metavar="RULE", help="Do not run these rules; repeatable."),
    "preview": click.option("--preview", is_flag=True, help="Also run rules still in preview."),
    "lang": click.option("--lang", type=click.Choice(["en", "zh"]), default=lambda: _locale_lang(),
                         show_default="zh if LC_ALL/LANG starts with zh, else en",
                         help="Language of the text and HTML reports."),
    "org": click.option("--org", metavar="NAME", default=None,
                        help="Organisation named on the cover of the HTML report."),
    "commitment-id": click.option("--commitment-id", metavar="ID", default=None,
                                  help="Commitment-letter number shown on the cover of the HTML report."),
    "baseline": click.option("--baseline", "baseline_file",
                             type=click.Path(exists=True, dir_okay=False, path_type=str),
                             help="Known findings (a baseline or an earlier JSON result): only new ones fail the run."),
    "write-baseline": click.option("--write-baseline", type=click.Path(dir_okay=False, path_type=str),
                                   metavar="FILE", help="Write this run's active findings as a baseline to FILE."),
    "inventory": click.option("--inventory", is_flag=True,
                              help="Add the personal-information inventory (every classified column) to the text report."),
    "quiet": click.option("--quiet", "-q", is_flag=True,
                          help="Print nothing but errors, unless --format asks for stdout output."),
    "no-cache": click.option("--no-cache", is_flag=True,
                             help="Neither read nor write the result cache (see `dpscan cache`)."),
}


def _locale_lang() -> str:
    """The default --lang: Chinese when the locale (LC_ALL, else LANG) is a zh one, else English."""
    locale = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "zh" if locale.lower().startswith("zh") else "en"


def _shared(*names: str):
    """Apply the shared options ``names`` in this order (as they appear in --help)."""
    def decorate(func):
        for name in reversed(names):
            func = _SHARED_OPTIONS[name](func)
        return func
    return decorate


def _prepare(opts: dict[str, Any]):
    """Configuration (file + command line), the selected rules and the baseline; exit 2 on error."""
    from scanner.baseline import BaselineError, load_baseline
    from scanner.config import ConfigError, load_config
    from scanner.registry import RegistryError, default_registry
    from scanner.ruleset import select_rules

    try:
        config = load_config(opts["config_file"], start=os.getcwd())
        config = _merge_cli_config(config, opts)
        rules = select_rules(
            default_registry(),
            config,
            select=_split_multi(opts["select"]),
            ignore=_split_multi(opts["ignore"]),
            preview=opts["preview"],
        )
        baseline = load_baseline(opts["baseline_file"]) if opts["baseline_file"] else None
    except (ConfigError, RegistryError, BaselineError) as exc:
        raise UsageFailure(str(exc)) from exc
    if not rules:
        raise UsageFailure("no rules selected (check --select/--ignore and the configuration)")
    return config, rules, baseline


def _cache_dir(opts: dict[str, Any], config) -> str | None:
    """Where the result cache lives for this run; None with --no-cache or `cache = false`."""
    if opts.get("no_cache") or not config.cache:
        return None
    from scanner.cache import default_cache_dir

    return str(default_cache_dir())


def _finish(ctx: click.Context, result, config, *, fmt: str | None, output: str | None,
            opts: dict[str, Any], files: bool = False) -> None:
    """Write the outputs and the baseline, then exit 0/1 by --fail-on (every scanning command).

    ``files``: a file scan in which no input could be analysed and some failed exits 2. (A live
    database's partial read marks all its checks as not done, so `db` keeps its 0/1.)"""
    from scanner.baseline import baseline_document

    # The command line wins over [tool.dpscan] org / commitment-id.
    result.org = opts.get("org") or config.org
    result.commitment_id = opts.get("commitment_id") or config.commitment_id
    data = result.to_dict()
    _write_outputs(data, fmt=fmt, output=output, opts=opts)
    if opts["write_baseline"]:
        _write_file(opts["write_baseline"], json.dumps(baseline_document(data), indent=2) + "\n", opts["quiet"])
    failed = result.failed_inputs()
    if files and failed and result.analysed_nothing():
        # Fail closed: the outputs above say what went wrong; the exit code must not read as a
        # clean scan to a CI job that looks only at it.
        raise UsageFailure(f"no input could be analysed: {failed} input(s) could not be read or parsed")
    ctx.exit(EXIT_FINDINGS if result.blocking(config.fail_on) else EXIT_CLEAN)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@_shared("format", "output", "json", "sarif", "html", "fail-on", "config")
@click.option("--exclude", multiple=True, metavar="GLOB",
              help="Skip paths matching GLOB (gitignore syntax); repeatable.")
@_shared("select", "ignore", "preview")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes; 0 uses every core when the input is large enough.")
@_shared("lang", "org", "commitment-id", "baseline", "write-baseline")
@click.option("--no-inline-ignores", is_flag=True,
              help="Disregard `dpscan: ignore` comments (for audit runs).")
@click.option("--max-file-size", metavar="SIZE",
              help="Skip files larger than SIZE; SQL dumps above it are streamed.  [default: 5MiB]")
@click.option("--dialect", metavar="NAME",
              help="SQL dialect of dumps (postgres, mysql, sqlite, tsql, oracle); default: detect.")
@click.option("--max-samples", type=click.IntRange(min=0), default=None, metavar="N",
              help="Sampled values kept per column for classification.  [default: 200]")
@click.option("--file-timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Give up on one input after SECONDS (recorded as an error; 0: no limit).  [default: 60]")
@_shared("inventory", "no-cache", "quiet")
@click.pass_context
def scan(ctx: click.Context, paths: tuple[str, ...], fmt: str | None, output: str | None, **opts: Any) -> None:
    """Scan files and folders.

    Inside a git work tree, .gitignore is honoured; virtual environments, node_modules, build
    output, binaries and files over the size cap are skipped and listed as skipped.
    """
    from scanner.discover import scan_root
    from scanner.engine import ScanRequest, run_scan

    targets = paths or (".",)
    for target in targets:
        if not os.path.lexists(target):
            raise UsageFailure(f"path does not exist: {target}")
    config, rules, baseline = _prepare(opts)
    request = ScanRequest(
        targets=tuple(targets),
        root=scan_root(targets, os.getcwd()),
        config=config,
        rules=tuple(rules),
        inline_ignores=not opts["no_inline_ignores"],
        jobs=opts["jobs"],
        baseline=baseline,
        command=_command_line(ctx),
        lang=opts["lang"],
        cache_dir=_cache_dir(opts, config),
    )
    _finish(ctx, run_scan(request), config, fmt=fmt, output=output, opts=opts, files=True)


BASELINE_FILE = ".dpscan-baseline.json"


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=str), metavar="FILE...")
@_shared("fail-on", "config", "baseline", "select", "ignore", "preview", "lang", "no-cache")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes (a commit stages a handful of files).")
@click.pass_context
def hook(ctx: click.Context, files: tuple[str, ...], **opts: Any) -> None:
    """The pre-commit entry point: scan the staged FILEs only, tersely.

    \b
    Only the named files are scanned (directories are not walked; deleted and binary files are
    skipped). The configuration is found as `scan` finds it; the baseline is --baseline, else
    .dpscan-baseline.json at the repository root when it exists: only new findings block.
    One line per blocking finding and a summary line; nothing when the commit is clean.
    """
    named = tuple(f for f in files if os.path.lexists(f) and not os.path.isdir(f))
    if not named:
        ctx.exit(EXIT_CLEAN)
    if not opts["baseline_file"]:
        default = os.path.join(_repository_root(os.getcwd()), BASELINE_FILE)
        opts["baseline_file"] = default if os.path.isfile(default) else None
    from reports.hook import render_hook
    from scanner.discover import scan_root
    from scanner.engine import ScanRequest, run_scan
    from scanner.registry import default_registry

    config, rules, baseline = _prepare(opts)
    request = ScanRequest(
        targets=named,
        root=scan_root(named, os.getcwd()),
        config=config,
        rules=tuple(rules),
        jobs=opts["jobs"],
        baseline=baseline,
        command=_command_line(ctx),
        lang=opts["lang"],
        cache_dir=_cache_dir(opts, config),
    )
    result = run_scan(request)
    blocking = {f.fingerprint for f in result.blocking(config.fail_on)}
    if not blocking:
        ctx.exit(EXIT_CLEAN)
    from reports.messages import localized_findings

    findings = localized_findings(result.to_dict()["findings"], opts["lang"])
    known = sum(1 for f in result.active if f.baseline == "unchanged")
    registry = default_registry()
    click.echo(render_hook(
        [f for f in findings if f["fingerprint"] in blocking],
        remediation=lambda rule_id: registry.get(rule_id).remediation_for(opts["lang"]),
        known=known,
        baseline=os.path.relpath(baseline.path) if baseline else None,
    ), nl=False)
    ctx.exit(EXIT_FINDINGS)


def _repository_root(start: str) -> str:
    """The nearest directory at or above ``start`` holding .git (a work tree), else ``start``."""
    here = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return os.path.abspath(start)
        here = parent


@cli.command("db")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@_shared("format", "output", "json", "sarif", "html", "fail-on", "config")
@click.option("--schema", "schemas", multiple=True, metavar="GLOB",
              help="Scan only schemas (MySQL: databases) matching GLOB; repeatable.  [default: all non-system]")
@click.option("--exclude-schema", "exclude_schemas", multiple=True, metavar="GLOB",
              help="Skip schemas matching GLOB; repeatable.")
@click.option("--table", "tables", multiple=True, metavar="GLOB",
              help="Scan only tables matching GLOB (on schema.table or table); repeatable.")
@click.option("--exclude-table", "exclude_tables", multiple=True, metavar="GLOB",
              help="Skip tables matching GLOB; repeatable.")
@_shared("select", "ignore", "preview")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Databases (and catalog reads) worked on at once.")
@_shared("lang", "org", "commitment-id", "baseline", "write-baseline")
@click.option("--no-sample", is_flag=True,
              help="Read no table rows: classify columns by name, type and comment only.")
@click.option("--max-samples", type=click.IntRange(min=0), default=100, show_default=True, metavar="N",
              help="Distinct values sampled per column (bounded reads) for classification.")
@click.option("--password-env", metavar="NAME",
              help="Read the password from environment variable NAME (PGPASSWORD, MYSQL_PWD and "
                   "~/.pgpass are honoured as usual).")
@click.option("--statement-timeout", type=click.FloatRange(min=0, min_open=True), default=10.0,
              show_default=True, metavar="SECONDS", help="Abort any single catalog or sample query after SECONDS.")
@click.option("--lock-timeout", type=click.FloatRange(min=0, min_open=True), default=1.0,
              show_default=True, metavar="SECONDS", help="Never wait longer than SECONDS for a lock.")
@_shared("inventory", "quiet")
@click.pass_context
def db(ctx: click.Context, urls: tuple[str, ...], fmt: str | None, output: str | None, **opts: Any) -> None:
    """Scan live databases, read-only, through their catalogs.

    \b
    URL is postgresql://USER@HOST[:PORT]/DB, mysql:// or mariadb://USER@HOST[:PORT]/DB, or
    sqlite:///relative/path.db and sqlite:////absolute/path.db. Sessions are read-only with
    statement and lock timeouts; sampled values are used only to classify columns and never
    appear in any output. Passwords are masked wherever a URL is shown.

    \b
    Examples:
      dpscan db sqlite:///fixtures/demo/staging.db           the bundled demo, no server needed
      dpscan db postgresql://scanner@db.internal/shop --html report.html
      dpscan db mysql://scanner@10.0.0.5/shop --password-env SHOP_DB_PASSWORD
      dpscan db URL --json tonight.json --baseline last-night.json
    """
    from scanner.engine import ScanRequest, run_live_scan
    from scanner.live import mask_url

    options = _live_options(opts)
    config, rules, baseline = _prepare(opts)
    snapshots = _take_snapshots(urls, options)
    request = ScanRequest(
        targets=tuple(mask_url(url) for url in urls),
        root=os.getcwd(),
        config=config,
        rules=tuple(rules),
        inline_ignores=False,
        jobs=opts["jobs"],
        baseline=baseline,
        command=_command_line(ctx),
        lang=opts["lang"],
    )
    _finish(ctx, run_live_scan(request, snapshots), config, fmt=fmt, output=output, opts=opts)


def _live_options(opts: dict[str, Any]):
    from scanner.live import LiveOptions

    password = None
    if opts["password_env"]:
        password = os.environ.get(opts["password_env"])
        if password is None:
            raise UsageFailure(f"--password-env: environment variable {opts['password_env']} is not set")
    return LiveOptions(
        schemas=_split_multi(opts["schemas"]),
        exclude_schemas=_split_multi(opts["exclude_schemas"]),
        tables=_split_multi(opts["tables"]),
        exclude_tables=_split_multi(opts["exclude_tables"]),
        sample=not opts["no_sample"],
        max_samples=opts["max_samples"],
        password=password,
        statement_timeout_ms=round(opts["statement_timeout"] * 1000),
        lock_timeout_ms=round(opts["lock_timeout"] * 1000),
        jobs=opts["jobs"],
    )


def _take_snapshots(urls: tuple[str, ...], options) -> list:
    """One snapshot per URL, in the order given; any database that cannot be read is exit 2."""
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace
    from urllib.parse import urlsplit

    from scanner.live import LiveError, mask_url, scheme_of, take_snapshot

    def one(url: str):
        url_options = options
        # PyMySQL does not read MYSQL_PWD as the mysql client does: honour it here (libpq reads
        # PGPASSWORD and ~/.pgpass itself).
        if (scheme_of(url) in ("mysql", "mariadb") and options.password is None
                and urlsplit(url).password is None and os.environ.get("MYSQL_PWD")):
            url_options = replace(options, password=os.environ["MYSQL_PWD"])
        try:
            return take_snapshot(url, url_options)
        except LiveError as exc:
            raise UsageFailure(_scrub(str(exc), url_options.password)) from None
        except ImportError as exc:
            raise UsageFailure(_scrub(
                f"{scheme_of(url)}:// databases cannot be scanned here ({mask_url(url)}): {exc}",
                url_options.password)) from None

    if options.jobs > 1 and len(urls) > 1:
        with ThreadPoolExecutor(max_workers=min(options.jobs, len(urls))) as pool:
            return list(pool.map(one, urls))
    return [one(url) for url in urls]


def _scrub(message: str, password: str | None) -> str:
    """A driver's message with URL passwords (and the --password-env value) masked."""
    message = redact_text(message)
    return message.replace(password, "****") if password else message


def _merge_cli_config(config, opts: dict[str, Any]):
    from dataclasses import replace

    from scanner.config import parse_dialect, parse_size

    changes: dict[str, Any] = {"exclude": config.exclude + tuple(opts.get("exclude", ()))}
    if opts["fail_on"]:
        changes["fail_on"] = Severity(opts["fail_on"])
    if opts.get("max_file_size"):
        changes["max_file_size"] = parse_size(opts["max_file_size"], "--max-file-size")
    if opts.get("dialect"):
        changes["dialect"] = parse_dialect(opts["dialect"], "--dialect")
    if opts.get("max_samples") is not None:
        changes["max_samples"] = opts["max_samples"]
    if opts.get("file_timeout") is not None:
        changes["file_timeout"] = opts["file_timeout"]
    return replace(config, **changes)


def _write_outputs(data: dict, *, fmt: str | None, output: str | None, opts: dict[str, Any]) -> None:
    from reports import render
    from scanner.registry import default_registry

    registry = default_registry()
    rules = [registry.get(rule_id).metadata() for rule_id in data["scan"]["rules"]]
    lang, quiet, inventory = opts["lang"], opts["quiet"], opts.get("inventory", False)
    for path, file_fmt in ((opts["json_file"], "json"), (opts["sarif_file"], "sarif"), (opts["html_file"], "html")):
        if path:
            _write_file(path, render(file_fmt, data, rules=rules, lang=lang), quiet)
    if output:
        _write_file(output, render(fmt or "text", data, rules=rules, lang=lang, inventory=inventory), quiet)
    elif fmt is not None or not quiet:
        color = fmt in (None, "text") and sys.stdout.isatty()
        click.echo(render(fmt or "text", data, rules=rules, lang=lang, color=color, inventory=inventory),
                   nl=False)


def _write_file(path: str, content: str, quiet: bool) -> None:
    try:
        Path(path).write_text(content, encoding="utf-8")
    except OSError as exc:
        raise UsageFailure(f"cannot write {path}: {exc.strerror or exc}") from exc
    if not quiet:
        click.echo(f"dpscan: wrote {path}", err=True)


def _command_line(ctx: click.Context) -> str:
    argv = (ctx.find_root().obj or {}).get("argv", [])
    # A database URL on the command line may carry a password: mask before it is recorded.
    return redact_text(" ".join(["dpscan", *map(shlex.quote, argv)]))


@cli.command("fix")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff of the fixes; write nothing.")
@click.option("--unsafe-fixes", is_flag=True,
              help="Also apply fixes that change more than the reported setting (see `dpscan explain`).")
@_shared("config", "select", "ignore", "preview", "baseline")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB; repeatable.")
@click.option("--no-inline-ignores", is_flag=True, help="Fix findings under `dpscan: ignore` comments too.")
@_shared("quiet")
@click.pass_context
def fix(ctx: click.Context, paths: tuple[str, ...], show_diff: bool, unsafe_fixes: bool, **opts: Any) -> None:
    """Apply the autofixes of fixable rules (`dpscan rules` marks them) to Python files.

    \b
    Scans PATHs with the fixable rules selected, then rewrites exactly the reported code with
    libcst, keeping comments, layout, encoding and line endings. Suppressed and baselined
    findings are not touched, nor is a file that changed since it was scanned.
    Exit 0: nothing left; 1: findings remain (or --diff shows some); 2: an error.
    """
    from scanner.discover import scan_root
    from scanner.engine import ScanRequest, run_scan
    from scanner.fix import fix_files, summary

    targets = paths or (".",)
    for target in targets:
        if not os.path.lexists(target):
            raise UsageFailure(f"path does not exist: {target}")
    opts["fail_on"] = None
    config, rules, baseline = _prepare(opts)
    rules = [rule for rule in rules if rule.fixer]
    if not rules:
        raise UsageFailure("no fixable rule selected (`dpscan rules` marks them [fixable])")
    request = ScanRequest(targets=tuple(targets), root=scan_root(targets, os.getcwd()), config=config,
                          rules=tuple(rules), inline_ignores=not opts["no_inline_ignores"], jobs=1,
                          baseline=baseline, command=_command_line(ctx))
    result = run_scan(request)
    files = fix_files(result, {rule.id: rule for rule in rules}, unsafe=unsafe_fixes, write=not show_diff)
    for file in files:
        if show_diff and file.diff:
            click.echo(file.diff, nl=False)
        if file.error:
            click.echo(f"dpscan: error: {file.path}: {file.error}", err=True)
        elif not opts["quiet"]:
            for finding, reason in file.left:
                click.echo(f"{file.path}:{finding.location.line}: {finding.rule_id} not fixed: {reason}", err=True)
    if not opts["quiet"]:
        click.echo(f"dpscan: {summary(files, wrote=not show_diff)}", err=True)
    if any(file.error for file in files):
        ctx.exit(EXIT_ERROR)
    remaining = any(file.left or (show_diff and file.fixed) for file in files)
    ctx.exit(EXIT_FINDINGS if remaining else EXIT_CLEAN)


@cli.command("rules")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
def list_rules(fmt: str, lang: str) -> None:
    """List every rule with its id, name, severity and clauses."""
    from reports.rulesdoc import render_rule_list
    from scanner.registry import default_registry

    metadata = [rule.metadata() for rule in default_registry().all()]
    if fmt == "json":
        click.echo(json.dumps(metadata, ensure_ascii=False, indent=2))
    else:
        click.echo(render_rule_list(metadata, lang=lang), nl=False)


@cli.command()
@click.argument("rule")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
def explain(rule: str, lang: str) -> None:
    """Explain RULE (id, name or alias): what it finds, why it matters, how to fix it."""
    from reports.rulesdoc import render_explanation
    from scanner.registry import RegistryError, default_registry

    try:
        rule_cls = default_registry().get(rule)
    except RegistryError as exc:
        raise UsageFailure(str(exc)) from exc
    click.echo(render_explanation(rule_cls.metadata(), lang=lang), nl=False)


@cli.command()
@click.argument("result_file", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default=None)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "json_file", type=click.Path(dir_okay=False, path_type=str), metavar="FILE")
@click.option("--sarif", "sarif_file", type=click.Path(dir_okay=False, path_type=str), metavar="FILE")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=str), metavar="FILE")
@_shared("lang")
@click.option("--quiet", "-q", is_flag=True)
def report(result_file: str, fmt: str | None, output: str | None, **opts: Any) -> None:
    """Render a saved JSON result again (for example as HTML)."""
    data = _read_result(result_file)
    _write_outputs(data, fmt=fmt, output=output, opts=opts)


@cli.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="low", show_default=True,
              help="Exit 1 when a new finding is at or above this severity.")
def diff(old: str, new: str, fmt: str, fail_on: str) -> None:
    """Compare two saved JSON results: what is new, fixed and unchanged (the nightly comparison)."""
    from scanner.baseline import diff_results

    changes = diff_results(_read_result(old), _read_result(new))
    if fmt == "json":
        click.echo(json.dumps(changes, ensure_ascii=False, indent=2))
    else:
        for state in ("new", "fixed"):
            for f in changes[state]:
                where = f["location"].get("path") or f["location"].get("object", "")
                line = f["location"].get("line")
                click.echo(f"{state:5}  {f['rule_id']} [{f['severity']}] {where}{':' + str(line) if line else ''}  {f['message']}")
        click.echo(
            f"{len(changes['new'])} new, {len(changes['fixed'])} fixed, {len(changes['unchanged'])} unchanged"
        )
    threshold = Severity(fail_on)
    if any(Severity(f["severity"]).at_least(threshold) for f in changes["new"]):
        sys.exit(EXIT_FINDINGS)


def _read_result(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageFailure(f"cannot read result {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("schema_version") != "1" or "findings" not in data:
        raise UsageFailure(f"{path} is not a dpscan JSON result (schema_version 1)")
    return data


@cli.group("cache")
def cache_group() -> None:
    """The result cache: per-file outcomes kept so an unchanged file is not analysed again.

    \b
    It lives in $DPSCAN_CACHE_DIR, else $XDG_CACHE_HOME/dpscan, else ~/.cache/dpscan; entries
    are keyed by file content, rules, settings and dpscan's own code. `--no-cache` (or
    `cache = false` in the configuration) skips it for one run.
    """


@cache_group.command("dir")
def cache_dir_command() -> None:
    """Print the cache directory."""
    from scanner.cache import default_cache_dir

    click.echo(str(default_cache_dir()))


@cache_group.command("clear")
def cache_clear_command() -> None:
    """Delete every cached result."""
    from scanner.cache import clear, default_cache_dir

    where = default_cache_dir()
    click.echo(f"dpscan: {'cleared' if clear(where) else 'nothing cached in'} {where}", err=True)


def main() -> None:
    argv = sys.argv[1:]
    cli.main(args=argv, prog_name="dpscan", obj={"argv": argv})
