"""DP702: a web framework's debug mode is switched on outside development settings (3.3.4)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Option, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import PythonModule

_RUN_SIMPLE = frozenset({"werkzeug.serving.run_simple", "werkzeug.run_simple"})
_DEBUGGED = frozenset({"werkzeug.debug.DebuggedApplication", "werkzeug.DebuggedApplication"})
_CONFIG_CALLS = frozenset({"update", "from_mapping"})
_WORDS = re.compile(r"[^a-z0-9]+")


class DebugModeEnabled(Rule):
    """Debug mode is on in code or settings that production runs.

    Django ``DEBUG = True`` in a settings module that is not a development or test one, Flask
    ``app.debug = True`` / ``app.config["DEBUG"] = True`` / ``app.run(debug=True)``, Werkzeug
    ``run_simple(..., use_debugger=True)`` and ``DebuggedApplication``: error pages then show
    stack traces, local variables, settings and SQL -- customer data among them -- and the
    Werkzeug debugger runs Python typed into the browser. Clause 3.3.4 asks that such
    exposures be found and fixed. Django settings modules are judged by file name: a module whose
    name has a word from ``dev_modules`` (settings/dev.py, local_settings.py, settings_test.py)
    or starts with ``test`` is development; settings.py, production.py, prod.py, staging.py are
    not. Only a literal ``True`` that certainly holds is reported; environment lookups are not.
    """

    id = "DP702"
    name = "debug-mode-enabled"
    clauses = ("3.3.4",)
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Read the switch from the environment and default it to off: DEBUG = "
        "os.environ.get('DJANGO_DEBUG') == '1'; app.run() without debug=True (use "
        "`flask --app app run --debug` on a developer machine only); never wrap a deployed WSGI "
        "app in DebuggedApplication or run_simple(use_debugger=True). Keep development values "
        "in settings/dev.py or local.py."
    )
    references = ("CWE-489", "CWE-215", "CWE-209", "Bandit B201",
                  "OWASP Top 10 2021 A05 Security Misconfiguration",
                  "Django deployment checklist (DEBUG)")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("DEBUG", "debug", "DebuggedApplication")
    options = {
        "dev_modules": Option(
            ("dev", "devel", "develop", "development", "local", "test", "tests", "testing",
             "ci", "debug"),
            "words in a settings module's file name that mark development or test settings"),
    }

    bad = (
        Example("DEBUG = True\nALLOWED_HOSTS = ['shop.example.com']\n",
                path="mysite/settings/production.py", expect=1),
        Example("from flask import Flask\napp = Flask(__name__)\napp.run(host='0.0.0.0', "
                "debug=True)\n", path="app.py", expect=1),
    )
    good = (
        Example("DEBUG = True\n", path="mysite/settings/dev.py"),
        Example("import os\nfrom flask import Flask\napp = Flask(__name__)\n"
                "app.run(debug=os.environ.get('FLASK_DEBUG') == '1')\n", path="app.py"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        yield from self._django(module, ctx)
        flask = "flask" in module.imports
        for call in module.calls:
            what = self._call(module, call, flask)
            if what:
                yield self.finding(ctx, line=call.line, column=call.column,
                                   end_line=call.end_line, end_column=call.end_column,
                                   confidence=what[1], key=what[0], message=_message(what[0]),
                                   message_zh=_message_zh(what[0]))
        for assign in module.assigns:
            if (assign.attribute == "debug" and module.literal(assign.value) is True
                    and (flask or any(q.startswith("flask.") for q in assign.qualnames))):
                yield self.finding(ctx, line=assign.line, column=assign.column,
                                   end_line=assign.end_line, end_column=assign.end_column,
                                   key=f"{assign.target}=True",
                                   message=_message(f"{assign.target} = True"),
                                   message_zh=_message_zh(f"{assign.target} = True"))
        if flask:
            from detectors.vulns._pyflow import item_assignments

            for target, key, value, node in item_assignments(module):
                if (key == "DEBUG" and target.endswith("config")
                        and module.literal(value) is True):
                    line, column, *_ = module.span(node)
                    yield self.finding(ctx, line=line, column=column, key=f"{target}[DEBUG]",
                                       message=_message(f'{target}["DEBUG"] = True'),
                                       message_zh=_message_zh(f'{target}["DEBUG"] = True'))

    def _django(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        from detectors.transport._django_settings import (
            looks_like_settings,
            module_stem,
            read_settings,
        )

        stem = module_stem(ctx.path)
        dev = set(self.settings["dev_modules"])
        if stem.startswith("test") or dev & set(_WORDS.split(stem)):
            return
        settings = read_settings(module)
        if settings.debug() is True and looks_like_settings(ctx.path, settings):
            at = settings.final("DEBUG")
            yield self.finding(
                ctx, line=at.line, column=at.column, key="DEBUG",
                message=(f"DEBUG = True in {stem}.py, a settings module that is not a "
                         f"development one: {_EFFECT}"),
                message_zh=f"{stem}.py 中 DEBUG = True，而它不是开发环境的 settings 模块：{_EFFECT_ZH}")

    def _call(self, module: PythonModule, call, flask: bool) -> tuple[str, Confidence] | None:
        if call.qualnames & _DEBUGGED:
            return "DebuggedApplication(...)", Confidence.HIGH
        if call.qualnames & _RUN_SIMPLE:
            return _switch(module, call, "use_debugger", "run_simple", Confidence.HIGH)
        receiver, _dot, method = call.callee.rpartition(".")
        if method == "run" and receiver:
            resolved = any(q.startswith(("flask.", "flask_socketio.")) for q in call.qualnames)
            if not (resolved or flask or receiver.lower().endswith(("app", "socketio"))):
                return None  # pipeline.run(debug=True) and the like: not a web server
            confidence = Confidence.HIGH if resolved else Confidence.MEDIUM
            return _switch(module, call, "debug", f"{receiver}.run", confidence)
        if method in _CONFIG_CALLS and receiver.endswith("config") and flask:
            return _switch(module, call, "DEBUG", f"{receiver}.{method}", Confidence.HIGH)
        return None


def _switch(module: PythonModule, call, keyword: str, shown: str,
            confidence: Confidence) -> tuple[str, Confidence] | None:
    value = call.keyword(keyword)
    if value is not None and module.literal(value) is True:
        return f"{shown}(..., {keyword}=True)", confidence
    return None


_EFFECT = ("error pages show stack traces, local variables, settings and SQL with customer "
           "data to any visitor (CWE-489/CWE-209); read it from the environment, off by default")


def _message(what: str) -> str:
    return f"{what} turns the debug mode on: {_EFFECT}"


_EFFECT_ZH = ("错误页面会向任何访问者展示堆栈跟踪、局部变量、配置和含客户数据的 SQL"
              "（CWE-489/CWE-209）；应从环境变量读取该开关，并默认关闭")


def _message_zh(what: str) -> str:
    return f"{what} 开启了调试模式：{_EFFECT_ZH}"
