"""Defensive monitoring of registered network assets: assets, checks, findings, notices, warnings, incidents."""
