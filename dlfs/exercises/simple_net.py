"""Exercises of notebooks/05_simple_net.ipynb."""

from __future__ import annotations

NOTEBOOK = "05_simple_net.ipynb"
