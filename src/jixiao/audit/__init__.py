"""Append-only audit log: who did what to which object, when, why, and what changed."""
