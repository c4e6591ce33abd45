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
# An RSA private key file (PEM) that decrypts userData, and its passphrase when it has one.
PRIVATE_KEY_PATH = "MP_PRIVATE_KEY_PATH"
PRIVATE_KEY_PASSPHRASE = "MP_PRIVATE_KEY_PASSPHRASE"
# The Open API base URL (a real target, e.g. https://dip-cb.binanceapi.com); unset: the embedded sandbox.
BASE_URL = "MP_BASE_URL"
# The sandbox's own app: the RSA public key userData is encrypted with (with APP_ID, ACCESS_KEY_ID, SECRET_KEY).
PUBLIC_KEY_PATH = "MP_PUBLIC_KEY_PATH"
# The environment file read from the working directory when present.
ENV_FILE = "mp-explorer.env"

# Read only by the programs `sign --code` and the code view generate (the other names above too):
# sign with this ts instead of the clock; print every stage instead of sending.
PROGRAM_TS = "MP_TS"
PROGRAM_DRY_RUN = "MP_DRY_RUN"
