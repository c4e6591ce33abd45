"""The hardening suite: bad input, fuzzing, network faults, secrets and load (see tally.py)."""
