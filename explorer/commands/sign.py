"""`mp-explorer sign` and `mp-explorer verify`."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    raise NotImplementedError("sign/verify: being built")
