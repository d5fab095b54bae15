"""Specifications of the regulatory indicators, with values worked out by hand."""
