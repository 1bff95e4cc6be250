"""Backup and disaster-recovery rules: point-in-time recovery, snapshots, versioning (clause 3.3.6)."""
