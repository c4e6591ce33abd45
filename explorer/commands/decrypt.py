"""`mp-explorer decrypt` and `mp-explorer keygen`."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    raise NotImplementedError("decrypt/keygen: being built")
