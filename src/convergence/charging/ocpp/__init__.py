"""The OCPP side of the central system: connections, handshakes, and one sub-package per version."""
