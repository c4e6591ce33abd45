"""The environment variables mp-explorer reads, each name written once.

Commands, the explorer and the sandbox import the names from here, so a help text, an error
message and the code that reads the variable can never name two different variables.
"""

from __future__ import annotations

APP_ID = "MP_APP_ID"
ACCESS_KEY_ID = "MP_ACCESS_KEY_ID"
SECRET_KEY = "MP_SECRET_KEY"
# The data directory (the sandbox's demo app and its keys); default: platformdirs' user data dir.
HOME = "MP_EXPLORER_HOME"
# Start the explorer even when stdout is not a terminal (the terminal tests and recordings).
FORCE_TUI = "MP_EXPLORER_FORCE_TUI"
