"""Rules on access control over stored customer information: grants, roles, accounts (clause 3.3.5)."""
