"""Facts computed once per model before rules run (PII classification)."""
