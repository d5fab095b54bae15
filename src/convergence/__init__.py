"""Convergence: the territorial data platform of a mutualised public digital operator."""

from __future__ import annotations

__version__ = "0.1.0"
