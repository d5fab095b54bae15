"""Equipment registry: assets, device models and initiatives of each member."""
