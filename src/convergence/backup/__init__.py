"""Backup and restore of the whole database, with a manifest of row counts and checksums."""
