"""Exercises of notebooks/02_numerical_differentiation.ipynb."""

from __future__ import annotations

NOTEBOOK = "02_numerical_differentiation.ipynb"
