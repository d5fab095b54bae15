"""Storage: engine factory, table metadata, dialect-neutral types and migrations."""
