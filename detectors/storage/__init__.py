"""Rules on stored customer information: classification, grading, protection at rest (clause 3.3.2)."""
