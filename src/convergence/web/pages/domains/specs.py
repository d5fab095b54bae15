"""The domain pages of the installed service lines: their addresses, titles and menu.

Each line with a standard ``DomainPage`` gets its page; the menu lists every line's entry in
the lines' stable order. Nothing here names a line: they come from ``service_lines()``.
"""

from __future__ import annotations

from convergence.servicelines import MenuEntry, ServiceLine, service_lines


def page_lines() -> list[ServiceLine]:
    """The lines that have a standard domain page, in their stable order."""
    return [line for line in service_lines() if line.page is not None]


def menu_entries() -> list[MenuEntry]:
    """The navigation between domains: each line's entry, in the lines' stable order."""
    return [entry for line in service_lines() if (entry := line.menu_entry) is not None]


def domain_pages() -> dict[str, str]:
    """The address of each line's standard page, by line name (a domain of assets)."""
    return {line.name: line.page.path for line in page_lines() if line.page is not None}
