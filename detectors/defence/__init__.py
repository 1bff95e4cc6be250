"""Defence-in-depth rules: database audit logging, firewall exposure, WAF coverage (clause 3.3.1)."""
