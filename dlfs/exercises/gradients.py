"""Exercises of notebooks/03_gradients.ipynb."""

from __future__ import annotations

NOTEBOOK = "03_gradients.ipynb"
