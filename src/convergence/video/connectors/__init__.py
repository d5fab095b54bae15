"""Recorder connectors: list recordings, export a clip, purge — one interface, many recorders."""
