"""Command line: ``python -m dlfs fetch-mnist`` and ``python -m dlfs train``.

Each subcommand is defined next to the code it runs (``add_*_command`` functions).
"""

from __future__ import annotations

import argparse
import sys

from . import datasets
from .train import add_train_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dlfs", description="Deep Learning from Scratch, chapter 4.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    datasets.add_fetch_command(sub)
    add_train_command(sub)
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
