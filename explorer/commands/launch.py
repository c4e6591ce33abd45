"""`mp-explorer` with no subcommand: parse the launch flags and start the explorer."""

from __future__ import annotations

import argparse


def parser() -> argparse.ArgumentParser:
    raise NotImplementedError("launch: being built")
