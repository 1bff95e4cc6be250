"""dpscan: a static data-protection scanner for code, config, schema dumps and live databases."""

__version__ = "0.1.0"
