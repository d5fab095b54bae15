"""The built-in service lines: each module wires one domain's parts into its specification.

A line's parts live in the packages of their layer (indicators, reports, web pages, open
data); the module here gathers them in one ``ServiceLine`` registered under the entry-point
group ``convergence.service_lines`` (``pyproject.toml``), exactly as a third-party line is.
This package sits at the top of the layers, beside ``web`` and ``cli``: nothing imports it,
the core reads it through ``convergence.servicelines.service_lines()``.
"""
