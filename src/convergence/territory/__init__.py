"""Départements, EPCI and communes of the territory (INSEE COG 2026), with their boundaries."""
