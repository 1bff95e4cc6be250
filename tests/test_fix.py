"""`dpscan fix`: libcst autofixes of DP201/DP203 on exactly the reported nodes, layout kept."""

from __future__ import annotations

import difflib
import re
import textwrap
from pathlib import Path

import pytest

from tests.conftest import run_cli, scan_snippet, write
from tests.test_hook import _PROBE  # noqa: F401 - the probe pattern, reused below

BEFORE = textwrap.dedent('''\
    import ssl
    import requests
    import httpx
    import urllib3


    def fetch(url):
        # a comment that must survive
        r = requests.get(url, verify=False)  # trailing comment
        s = requests.post(
            url,
            json={"a": 1},  # payload
            verify=False,  # self-signed staging cert
        )
        t = requests.get(
            url,
            timeout=5,  # keep me
            verify=False
        )
        u = requests.get(url, verify=False, timeout=3)
        c = httpx.Client(verify=False)
        pool = urllib3.PoolManager(cert_reqs='CERT_NONE')
        ctx = ssl._create_unverified_context()
        ctx2 = ssl.create_default_context()
        ctx2.check_hostname = False
        ctx2.verify_mode = ssl.CERT_NONE
        return r, s, t, u, c, pool, ctx, ctx2
    ''')

AFTER = textwrap.dedent('''\
    import ssl
    import requests
    import httpx
    import urllib3


    def fetch(url):
        # a comment that must survive
        r = requests.get(url)  # trailing comment
        s = requests.post(
            url,
            json={"a": 1},  # payload
        )
        t = requests.get(
            url,
            timeout=5  # keep me
        )
        u = requests.get(url, timeout=3)
        c = httpx.Client()
        pool = urllib3.PoolManager(cert_reqs='CERT_REQUIRED')
        ctx = ssl.create_default_context()
        ctx2 = ssl.create_default_context()
        ctx2.check_hostname = True
        ctx2.verify_mode = ssl.CERT_REQUIRED
        return r, s, t, u, c, pool, ctx, ctx2
    ''')


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def _summary(run) -> str:
    return run.stderr.strip().splitlines()[-1]


def test_every_dp201_fix_keeps_everything_else(tree):
    write(tree, "app.py", BEFORE)
    run = run_cli("fix", "app.py", cwd=tree)
    assert (tree / "app.py").read_text("utf-8") == AFTER
    assert _summary(run) == "dpscan: fixed 9 finding(s) in 1 file(s); 0 left (no safe fix)"
    assert run.exit_code == 0


def test_fixed_file_rescans_clean_and_second_run_is_a_no_op(tree):
    write(tree, "app.py", BEFORE)
    run_cli("fix", "app.py", cwd=tree)
    assert not [f for f in scan_snippet(AFTER, "app.py", rules=["DP201"]).findings]
    again = run_cli("fix", "app.py", cwd=tree)
    assert again.exit_code == 0
    assert (tree / "app.py").read_text("utf-8") == AFTER
    assert "fixed 0 finding(s) in 0 file(s)" in _summary(again)


def test_diff_writes_nothing_and_prints_a_valid_unified_diff(tree):
    write(tree, "app.py", BEFORE)
    mtime = (tree / "app.py").stat().st_mtime_ns
    run = run_cli("fix", "--diff", "app.py", cwd=tree)
    assert run.exit_code == 1
    assert (tree / "app.py").read_text("utf-8") == BEFORE
    assert (tree / "app.py").stat().st_mtime_ns == mtime
    expected = "".join(difflib.unified_diff(BEFORE.splitlines(True), AFTER.splitlines(True),
                                            fromfile="a/app.py", tofile="b/app.py"))
    assert run.stdout == expected
    assert re.search(r"^@@ -\d+,\d+ \+\d+,\d+ @@", run.stdout, re.M)
    assert "would fix 9 finding(s)" in _summary(run)


def test_suppressed_findings_are_not_fixed(tree):
    source = ("import requests\n"
              "requests.get('u', verify=False)  # dpscan: ignore[DP201] local stub server\n"
              "requests.get('v', verify=False)\n")
    write(tree, "app.py", source)
    run_cli("fix", "app.py", cwd=tree)
    assert (tree / "app.py").read_text("utf-8") == (
        "import requests\n"
        "requests.get('u', verify=False)  # dpscan: ignore[DP201] local stub server\n"
        "requests.get('v')\n")


def test_crlf_and_bom_and_non_ascii_are_preserved(tree):
    write(tree, "crlf.py", b'import requests\r\n\r\nrequests.get("u", verify=False)  # x\r\n')
    write(tree, "bom.py", "\ufeffimport requests\n# 中文注释\nrequests.get('中', verify=False)\n"
          .encode("utf-8"))
    run = run_cli("fix", ".", cwd=tree)
    assert run.exit_code == 0
    assert (tree / "crlf.py").read_bytes() == b'import requests\r\n\r\nrequests.get("u")  # x\r\n'
    assert (tree / "bom.py").read_bytes() == (
        "\ufeffimport requests\n# 中文注释\nrequests.get('中')\n".encode("utf-8"))


def test_only_the_reported_node_is_touched(tree):
    # verify=False on an unrelated API is not reported, so it stays; so does a guarded comparison.
    source = ("import ssl\nimport requests\n"
              "thing.configure(verify=False)\n"
              "if ctx.verify_mode == ssl.CERT_NONE:\n    raise RuntimeError\n"
              "requests.get('u', verify=False)\n")
    write(tree, "app.py", source)
    run_cli("fix", "app.py", cwd=tree)
    assert (tree / "app.py").read_text("utf-8") == source.replace("'u', verify=False", "'u'")


def test_guessed_client_needs_unsafe_fixes(tree):
    source = "import requests\n\ndef f(session):\n    return session.get('u', verify=False)\n"
    write(tree, "app.py", source)
    run = run_cli("fix", "app.py", cwd=tree)
    assert run.exit_code == 1
    assert (tree / "app.py").read_text("utf-8") == source
    assert "1 fixable with --unsafe-fixes" in _summary(run)
    run = run_cli("fix", "--unsafe-fixes", "app.py", cwd=tree)
    assert run.exit_code == 0
    assert (tree / "app.py").read_text("utf-8") == source.replace(", verify=False", "")


def test_unfixable_forms_are_left_with_a_reason(tree):
    source = ("from ssl import _create_unverified_context\nimport ssl\n"
              "ctx = _create_unverified_context()\n"
              "ctx2 = ssl._create_unverified_context(ssl.PROTOCOL_TLS_CLIENT)\n")
    write(tree, "app.py", source)
    run = run_cli("fix", "app.py", cwd=tree)
    assert run.exit_code == 1
    assert (tree / "app.py").read_text("utf-8") == source
    assert "app.py:3: DP201 not fixed: imported under another name" in run.stderr
    assert "app.py:4: DP201 not fixed: arguments that ssl.create_default_context does not take" in run.stderr


def test_check_hostname_waits_while_cert_none_stays(tree):
    # ctx.check_hostname = True followed by an unfixed CERT_NONE would raise ValueError
    source = ("import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\n"
              "modes = [ssl.CERT_NONE]\n")
    write(tree, "app.py", source)
    run_cli("fix", "app.py", cwd=tree)
    assert (tree / "app.py").read_text("utf-8") == source


LEGACY = textwrap.dedent('''\
    import socket
    import ssl
    import urllib.request


    def client(host):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)  # old peer
        ctx.load_default_certs()
        return ctx.wrap_socket(socket.create_connection((host, 443)), server_hostname=host)


    def server():
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
        ctx.load_cert_chain("cert.pem")
        return ctx


    def serve_socket(sock):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1_1)
        return ctx.wrap_socket(sock, server_side=True)


    def opener(url):
        return urllib.request.urlopen(url, context=ssl.SSLContext(ssl.PROTOCOL_TLSv1_1))
    ''')


def test_dp203_fixes_client_contexts_only_and_only_as_unsafe(tree):
    write(tree, "tls.py", LEGACY)
    safe = run_cli("fix", "--select", "DP203", "tls.py", cwd=tree)
    assert safe.exit_code == 1
    assert (tree / "tls.py").read_text("utf-8") == LEGACY
    run = run_cli("fix", "--select", "DP203", "--unsafe-fixes", "tls.py", cwd=tree)
    assert run.exit_code == 1  # the server contexts stay
    fixed = (tree / "tls.py").read_text("utf-8")
    assert fixed == (LEGACY
                     .replace("ssl.SSLContext(ssl.PROTOCOL_TLSv1)  # old peer",
                              "ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # old peer")
                     .replace("context=ssl.SSLContext(ssl.PROTOCOL_TLSv1_1)",
                              "context=ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)"))
    assert "tls.py:13: DP203 not fixed" in run.stderr
    assert "tls.py:19: DP203 not fixed: ctx.wrap_socket without server_hostname=" in run.stderr


def test_file_changed_since_the_scan_is_not_touched(tree, monkeypatch):
    import scanner.fix as fix

    write(tree, "app.py", "import requests\nrequests.get('u', verify=False)\n")
    real = fix.fix_files

    def edit_then_fix(result, *args, **kwargs):
        (tree / "app.py").write_text("import requests\nrequests.get('w', verify=False)\n", "utf-8")
        return real(result, *args, **kwargs)

    monkeypatch.setattr(fix, "fix_files", edit_then_fix)
    run = run_cli("fix", "app.py", cwd=tree)
    assert run.exit_code == 2
    assert "changed since it was scanned" in run.stderr
    assert (tree / "app.py").read_text("utf-8") == "import requests\nrequests.get('w', verify=False)\n"


def test_rules_and_explain_mark_fixable_rules():
    listing = run_cli("rules").stdout
    assert re.search(r"^DP201 .*\[fixable\]$", listing, re.M)
    assert not re.search(r"^DP202 .*\[fixable\]$", listing, re.M)
    assert "Autofix (`dpscan fix`)" in run_cli("explain", "DP203").stdout


def test_scan_does_not_import_libcst(tree):
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    write(tree, "app.py", "import requests\nrequests.get('u', verify=False)\n")
    probe = _PROBE.replace('"hook"', '"scan"')
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-c", probe, "app.py", "--no-cache"], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=120)
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines()
                 if line.startswith(("EXIT", "MODULES")))
    assert lines["EXIT"] == "1", proc.stdout + proc.stderr  # the DP201 finding: the rule ran
    modules = set(lines["MODULES"].split())
    assert "scanner" in modules and "libcst" not in modules
