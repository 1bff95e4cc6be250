"""Transport rules: data in transit without TLS, or with TLS that does not verify (clause 3.3.3)."""
