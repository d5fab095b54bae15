"""Data quality: flags set on ingestion by rules per quantity, and periods set by people."""
