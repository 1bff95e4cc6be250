"""TLS knowledge shipped as data: the cipher-suite table, an OpenSSL cipher-string evaluator that
does not depend on the local OpenSSL, and Mozilla's server-side TLS profiles.

``scanner.tls.ciphers``: ``expand``, ``evaluate``, ``PROFILES``; ``scanner.tls.suites``: the table;
``scanner.tls.profiles``: the Mozilla profiles and protocol-version helpers.
"""
