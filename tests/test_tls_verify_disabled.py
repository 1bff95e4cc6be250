"""DP201 tls-verify-disabled, driven directly on the python model."""

from __future__ import annotations

import pytest

from detectors.transport.tls_verify_disabled import TlsVerifyDisabled
from scanner.finding import Confidence
from scanner.parsers import ParseError, builder
from scanner.rule import RuleContext


def run(source, path="client.py"):
    model = builder(TlsVerifyDisabled.model)(source, path)
    ctx = RuleContext(path=path, kind="python", text=source)
    return list(TlsVerifyDisabled().check(model, ctx))


def found(source):
    return sorted((f.location.line, f.key) for f in run(source))


@pytest.mark.parametrize("source, expected", [
    # requests: module functions, aliases, Session methods and attribute
    ("import requests\nrequests.get(u, verify=False)\n", [(2, "requests.get:verify")]),
    ("import requests\nrequests.request('GET', u, verify=0)\n", [(2, "requests.request:verify")]),
    ("import requests as rq\nrq.post(u, verify=False)\n", [(2, "requests.post:verify")]),
    ("from requests import get as fetch\nfetch(u, verify=False)\n", [(2, "requests.get:verify")]),
    ("from requests.api import delete\ndelete(u, verify=False)\n", [(2, "requests.api.delete:verify")]),
    ("import requests\nrequests.Session().get(u, verify=False)\n", [(2, "requests.Session.get:verify")]),
    ("import requests\ns = requests.Session()\ns.patch(u, verify=False)\n",
     [(3, "requests.Session.patch:verify")]),
    ("from requests import Session\ns = Session()\ns.verify = False\n", [(3, "s.verify")]),
    ("import requests\nrequests.get(u,\n    timeout=3,\n    verify=False)\n", [(4, "requests.get:verify")]),
    # httpx
    ("import httpx\nhttpx.Client(verify=False)\n", [(2, "httpx.Client:verify")]),
    ("import httpx as hx\nhx.AsyncClient(verify=False)\n", [(2, "httpx.AsyncClient:verify")]),
    ("import httpx\nhttpx.stream('GET', u, verify=False)\n", [(2, "httpx.stream:verify")]),
    # aiohttp
    ("import aiohttp\naiohttp.TCPConnector(ssl=False)\n", [(2, "aiohttp.TCPConnector:ssl")]),
    ("import aiohttp\naiohttp.TCPConnector(verify_ssl=False)\n", [(2, "aiohttp.TCPConnector:verify_ssl")]),
    ("import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as s:\n"
     "        await s.get(u, ssl=False)\n", [(4, "aiohttp.ClientSession.get:ssl")]),
    # urllib3, direct and vendored in requests
    ("import urllib3\nurllib3.PoolManager(cert_reqs='CERT_NONE')\n", [(2, "urllib3.PoolManager:cert_reqs")]),
    ("from urllib3 import connection_from_url\nconnection_from_url(u, cert_reqs='NONE')\n",
     [(2, "urllib3.connection_from_url:cert_reqs")]),
    ("from requests.packages.urllib3 import PoolManager\nPoolManager(cert_reqs=0)\n",
     [(2, "requests.packages.urllib3.PoolManager:cert_reqs")]),
    # ssl module
    ("import ssl\nctx = ssl._create_unverified_context()\n", [(2, "ssl._create_unverified_context")]),
    ("import ssl\nssl._create_default_https_context = ssl._create_unverified_context\n",
     [(2, "ssl._create_unverified_context")]),
    ("import ssl\nctx.verify_mode = ssl.CERT_NONE\n", [(2, "ssl.CERT_NONE")]),
    ("import ssl\nctx.verify_mode = ssl.VerifyMode.CERT_NONE\n", [(2, "ssl.VerifyMode.CERT_NONE")]),
    ("from ssl import CERT_NONE as NO_CHECK\nctx.verify_mode = NO_CHECK\n", [(2, "ssl.CERT_NONE")]),
    ("import ssl\nssl.wrap_socket(s, cert_reqs=ssl.CERT_NONE)\n", [(2, "ssl.CERT_NONE")]),
    ("import urllib3, ssl\nurllib3.PoolManager(cert_reqs=ssl.CERT_NONE)\n", [(2, "ssl.CERT_NONE")]),
    ("ctx.check_hostname = False\n", [(1, "ctx.check_hostname")]),
    ("self.contexts[0].check_hostname = 0\n", [(1, "<expr>.check_hostname")]),
])
def test_flags_disabled_verification(source, expected):
    assert found(source) == expected


@pytest.mark.parametrize("source", [
    "import requests\nrequests.get(u, verify=True)\n",
    "import requests\nrequests.get(u, verify='/etc/pki/ca.pem')\n",
    "import requests\nrequests.get(u, verify=None)\n",  # None means the default: verify
    "import requests\nrequests.get(u, verify=settings.VERIFY)\n",  # not a literal: not judged
    "import requests\nrequests.get(u)\n",
    "import requests\ns = requests.Session()\ns.verify = '/etc/pki/ca.pem'\n",
    "import httpx\nhttpx.Client(verify=ssl_context)\n",
    "import aiohttp\naiohttp.TCPConnector(ssl=True)\n",
    "import urllib3\nurllib3.PoolManager(cert_reqs='CERT_REQUIRED')\n",
    "import ssl\nctx.verify_mode = ssl.CERT_REQUIRED\nctx.check_hostname = True\n",
    "import ssl\nctx = ssl.create_default_context()\n",
    "import ssl\nif ctx.verify_mode == ssl.CERT_NONE:\n    raise ValueError\n",
    "from ssl import CERT_NONE\n",  # importing is not using
    "boto3.client('s3', verify=False)\n",  # not an HTTP client this rule knows, and not imported
    "import requests\ncache.get(key, default=False)\n",
    "form.verify = False\n",  # many objects have a verify attribute; no requests import here
    "import mylib\nmylib.client.get(u, verify=False)\n",  # resolved to another library
])
def test_leaves_verified_and_unrelated_code_alone(source):
    assert run(source) == []


@pytest.mark.parametrize("source, line, key", [
    ("import requests\ndef f(session):\n    session.get(u, verify=False)\n", 3, "session.get:verify"),
    ("import httpx\nclient.request('GET', u, verify=False)\n", 2, "client.request:verify"),
    ("import aiohttp\nclass C:\n    def f(self):\n        self.http.post(u, ssl=False)\n", 4,
     "self.http.post:ssl"),
    ("import requests\nform.verify = False\n", 2, "form.verify"),
])
def test_unresolvable_receivers_are_medium_confidence(source, line, key):
    [finding] = run(source)
    assert (finding.location.line, finding.key, finding.confidence) == (line, key, Confidence.MEDIUM)


def test_unresolvable_receivers_need_the_library_imported():
    assert run("def f(session):\n    session.get(u, verify=False)\n") == []
    # ssl= is aiohttp's switch, not requests'
    assert run("import requests\nsession.get(u, ssl=False)\n") == []


def test_one_finding_per_expression_with_location_and_message():
    [finding] = run("import ssl\nssl._create_default_https_context = ssl._create_unverified_context\n")
    assert (finding.location.line, finding.location.column, finding.location.end_column) == (2, 37, 67)
    assert finding.message == ("TLS certificate verification is disabled: "
                               "ssl._create_unverified_context")
    assert finding.rule_id == "DP201" and finding.clauses == ("3.3.3",)


def test_message_names_the_resolved_call_and_the_alias():
    [call] = run("from requests import get as fetch\nfetch(u, verify=False)\n")
    assert call.message == "TLS certificate verification is disabled: requests.get(..., verify=False)"
    assert call.evidence == "fetch(u, verify=False)"
    [ref] = run("from ssl import CERT_NONE as NO_CHECK\nmode = NO_CHECK\n")
    assert ref.message.endswith("ssl.CERT_NONE (as NO_CHECK)")


def test_python2_source_is_a_parse_error_not_a_finding():
    with pytest.raises(ParseError):
        run('import requests\nprint "x"\nrequests.get(u, verify=False)\n')


def test_rule_takes_no_options():
    with pytest.raises(ValueError, match="unknown option"):
        TlsVerifyDisabled({"strict": True})
