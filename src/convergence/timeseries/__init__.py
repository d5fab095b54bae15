"""Series, readings, hourly and daily rollups, events, and their queries."""
