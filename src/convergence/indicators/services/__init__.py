"""Each domain's indicator service: stations of a query, their indicators, the zone's figures."""
