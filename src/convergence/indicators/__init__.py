"""Regulatory indicators: pure functions over hourly and daily values, each citing its text.

Nothing here touches storage: a service feeds these functions from the rollups. Every result
value carries its unit, the rule it follows and its completeness (see ``results``).
"""
