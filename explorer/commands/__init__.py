"""Subcommands of `mp-explorer`, each module registering its parsers; none imports Textual."""
