"""DP307: a cipher or MAC key written into the source (clauses 3.3.2 and 3.3.3)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

from detectors.crypto._denylist import argument, entry_for, section
from detectors.crypto._flow import flow, where
from scanner.finding import Confidence, Finding, Severity
from scanner.mask import mask_value
from scanner.rule import Example, Rule, RuleContext

if TYPE_CHECKING:
    from scanner.parsers.python import CallSite, PythonModule


class HardcodedKey(Rule):
    """An encryption or MAC key is a constant in the source code.

    A string or bytes constant (a literal, ``"...".encode()``, ``bytes.fromhex``/``b64decode`` of a
    literal, or a name bound to one) passed as the key of PyCryptodome ``*.new``, cryptography
    ``algorithms.*``, ``AESGCM``/``ChaCha20Poly1305``/``Fernet``, pyDes, pyaes, M2Crypto or
    ``hmac.new``. Everyone with the repository, a wheel, a container image or a backup of them
    holds the key, it is the same in every environment, and it cannot be rotated without a
    release: the ciphertext is protected only as well as the source. Clause 3.3.2 expects strong
    encryption, which a published key is not. Keys from a KMS, a secrets manager or the
    environment are not reported. The finding never shows the key: evidence is masked.
    """

    id = "DP307"
    name = "hardcoded-crypto-key"
    clauses = ("3.3.2", "3.3.3")
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    remediation = (
        "Load keys at run time from a KMS or secrets manager (AWS KMS, Vault, Azure Key Vault), or "
        "at least from the environment, and prefer envelope encryption: a data key per record, "
        "wrapped by a master key that never leaves the KMS. Rotate any key that was committed."
    )
    references = ("CWE-321", "CWE-798", "Bandit B105", "NIST SP 800-57 Part 1 6.2")
    kinds = frozenset({"python"})
    model = "python"
    tokens = ("Crypto", "cryptography", "pyDes", "pyaes", "hmac", "HMAC", "Fernet")

    bad = (
        Example("from Crypto.Cipher import AES\n"
                "cipher = AES.new(b'0123456789abcdef', AES.MODE_GCM)\n", expect=1),
        Example("from cryptography.fernet import Fernet\n"
                "SECRET = 'q3Vh1lX0m6mJk2oY0p8m2n4Yc1n9Zt5Q7f3d1x9s0a4='\n"
                "f = Fernet(SECRET)\n", expect=1),
    )
    good = (
        Example("import os\nfrom cryptography.fernet import Fernet\n"
                "f = Fernet(os.environ['FERNET_KEY'])\n"),
        Example("from Crypto.Cipher import AES\nfrom Crypto.Random import get_random_bytes\n"
                "cipher = AES.new(get_random_bytes(32), AES.MODE_GCM)\n"),
    )

    def check(self, module: PythonModule, ctx: RuleContext) -> Iterator[Finding]:
        flows = flow(module)
        for call in module.calls:
            entry, name = entry_for(call.qualnames, section("key_arg"), key="qualname")
            node = argument(call, entry["arg"]) if entry else None
            if node is None or not flows.is_bytes_constant(node, flows.scope(call)):
                continue
            value = flows.constant(node, flows.scope(call))
            size = len(value.encode() if isinstance(value, str) else value)
            origin = (f"the constant {node.id}" if isinstance(node, ast.Name) else
                      "a literal" if isinstance(module.literal(node), (str, bytes)) else
                      "a constant expression")
            origin_zh = (f"常量 {node.id}" if isinstance(node, ast.Name) else
                         "字面量" if isinstance(module.literal(node), (str, bytes)) else
                         "常量表达式")
            yield self.finding(
                ctx, **where(module, node), key=f"{name}:key",
                evidence=_evidence(ctx, module, call, node),
                message=f"{call.callee}() takes its key from {origin} ({size} bytes) in the "
                        f"source: anyone with the code or an image of it can decrypt or forge. Policy: "
                        f"keys live in a key store, never in code. Fix: load it from a KMS or "
                        f"secrets manager at run time and rotate this one (CWE-321)",
                message_zh=f"{call.callee}() 的密钥取自源代码中的{origin_zh}（{size} 字节）："
                           f"任何拿到代码或其镜像的人都能解密或伪造数据。策略：密钥保存在密钥库中，"
                           f"绝不写在代码里。修复：在运行时从 KMS 或密钥管理服务加载密钥，"
                           f"并轮换当前这把密钥（CWE-321）")


def _evidence(ctx: RuleContext, module: PythonModule, call: CallSite, node) -> str:
    """The call's line with the key expression starred out (a literal may not be caught by the
    generic masking, which looks for secret-sounding names)."""
    line, column, end_line, end_column = module.span(node)
    text = ctx.lines[line - 1] if line <= len(ctx.lines) else ""
    if end_line == line:
        masked = mask_value(module.code(node), secret=True)
        text = text[:column - 1] + masked + text[end_column - 1:]
    else:
        text = f"{call.callee}({mask_value('key', secret=True)}, ...)"
    return text.strip()
