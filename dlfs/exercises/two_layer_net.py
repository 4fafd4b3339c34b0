"""Exercises of notebooks/06_two_layer_net_mnist.ipynb."""

from __future__ import annotations

NOTEBOOK = "06_two_layer_net_mnist.ipynb"
