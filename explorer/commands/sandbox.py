"""`mp-explorer sandbox`: run the local Open API."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    raise NotImplementedError("sandbox: being built")
