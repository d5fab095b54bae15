"""Ingestion administration pages: dead letters, devices, integrations."""
