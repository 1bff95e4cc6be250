"""DP435: a private key sits in the source tree (clause 3.3.5)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from scanner.finding import Confidence, Finding, Severity
from scanner.rule import ANY_TEXT, Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.text import TextDocument

# A PEM block, BEGIN to the matching END; also inside one-line strings with "\n" escapes.
_BLOCK = re.compile(r"-----BEGIN (?P<type>(?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?)PRIVATE KEY-----"
                    r"(?P<body>.{0,20000}?)-----END (?P=type)PRIVATE KEY-----", re.DOTALL)
_BASE64 = re.compile(r"[A-Za-z0-9+/=]{16,}")
_MIN_BODY = 40  # base64 characters: below that it is an example or a truncated snippet


class PrivateKeyInTree(Rule):
    """A PEM private key (RSA, EC, DSA, OpenSSH or PKCS#8) is committed to the tree.

    A private key in a repository (a deploy key, a TLS server key, a database client
    certificate's key) gives whoever reads the repository the identity it proves: SSH access to
    servers holding customer data, the database's TLS identity, or client-certificate login
    (clause 3.3.5). Encrypted keys (``ENCRYPTED PRIVATE KEY``, ``Proc-Type: 4,ENCRYPTED``, or
    an OpenSSH key with a cipher) are reported at low severity: the passphrase still protects
    them, if it is not committed too. A BEGIN line without a key body is not reported.
    """

    id = "DP435"
    name = "private-key-in-tree"
    clauses = ("3.3.5",)
    severity = Severity.HIGH  # LOW when the key is encrypted
    confidence = Confidence.HIGH
    remediation = (
        "Remove the key from the tree and its history (git filter-repo), revoke and replace it, "
        "and load keys at run time from a secret manager or the deployment platform."
    )
    references = ("CWE-321", "CWE-798", "CWE-522")
    kinds = ANY_TEXT
    model = "text"
    tokens = ("PRIVATE KEY-----",)

    bad = (
        Example("-----BEGIN RSA PRIVATE KEY-----\n" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY" * 2
                + "\n-----END RSA PRIVATE KEY-----\n", path="deploy/id_rsa", expect=1),
    )
    good = (
        Example("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n",
                path="README.md"),
    )

    def check(self, doc: TextDocument, ctx: RuleContext) -> Iterator[Finding]:
        for index, block in enumerate(_BLOCK.finditer(doc.text)):
            body = block.group("body").replace("\\n", "\n").replace("\\r", "")
            chunks = _BASE64.findall(body)
            if sum(map(len, chunks)) < _MIN_BODY:
                continue
            kind = (block.group("type").strip() or "PKCS#8").replace("ENCRYPTED", "PKCS#8")
            encrypted = (block.group("type") == "ENCRYPTED " or "4,ENCRYPTED" in body
                         or _openssh_encrypted(block.group("type"), chunks))
            line = doc.text.count("\n", 0, block.start()) + 1
            lines = block.group(0).count("\n") + 1
            yield self.finding(
                ctx, line=line, column=block.start() - doc.text.rfind("\n", 0, block.start()),
                severity=Severity.LOW if encrypted else None,
                key=f"private-key:{kind}:{index}".lower(),
                evidence=f"-----BEGIN {block.group('type')}PRIVATE KEY----- [{lines} lines "
                         f"not shown]",
                message=(f"{'passphrase-encrypted ' if encrypted else ''}{kind} private key in "
                         f"the tree; remove it, revoke it and load keys from a secret store"),
                message_zh=(f"代码树中有{'经口令加密的' if encrypted else ''} {kind} 私钥；"
                            f"请将其移除并吊销，改为从密钥存储加载密钥"),
            )


def _openssh_encrypted(kind: str, chunks: list[str]) -> bool:
    """An openssh-key-v1 blob names its cipher right after the magic: "none" = plaintext."""
    if kind != "OPENSSH ":
        return False
    try:
        blob = base64.b64decode("".join(chunks)[:200] + "==", validate=False)
    except (binascii.Error, ValueError):
        return False
    magic = b"openssh-key-v1\x00"
    if not blob.startswith(magic) or len(blob) < len(magic) + 4:
        return False
    size = int.from_bytes(blob[len(magic):len(magic) + 4], "big")
    return blob[len(magic) + 4:len(magic) + 4 + size] not in (b"none", b"")
