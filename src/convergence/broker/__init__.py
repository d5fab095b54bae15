"""The platform's MQTT broker: its Mosquitto configuration and the credentials it issues.

``configuration`` writes a complete Mosquitto 2 configuration (persistence, queue limits,
TLS, no anonymous access, the dynamic-security plugin); ``dynsec`` drives that plugin over
MQTT; ``credentials`` issues and revokes per-member credentials whose ACLs let a member
publish only under its own topics.
"""
