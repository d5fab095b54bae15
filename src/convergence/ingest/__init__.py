"""Ingestion: envelopes, receivers, the pipeline, the dead-letter store and replay."""
