"""Vulnerability rules: flaws that expose customer information (clause 3.3.4)."""
