"""OCPP 2.0.1: the central system's handlers, meter values and remote commands."""
