"""OCPP 1.6-J: the central system's handlers, meter values and remote commands."""
