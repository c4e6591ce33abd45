"""What every subcommand reports with: the exit codes and the usage error.

The commands raise and return these; `explorer.cli` only catches and prints them, so the
arrow runs from `cli` to `commands` and never back.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1  # the command ran and the answer is "no": invalid token, undecryptable data
EXIT_USAGE = 2  # a bad flag, an unreadable file, an input that cannot be signed
EXIT_INTERRUPTED = 130  # Ctrl+C, as a shell reports SIGINT


class UsageError(Exception):
    """A bad flag value found after parsing; reported as a usage error (exit 2)."""
