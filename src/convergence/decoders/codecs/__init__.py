"""Built-in native codecs, one module per vendor family, registered through entry points."""
