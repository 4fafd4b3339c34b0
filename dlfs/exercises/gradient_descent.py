"""Exercises of notebooks/04_gradient_descent.ipynb."""

from __future__ import annotations

NOTEBOOK = "04_gradient_descent.ipynb"
