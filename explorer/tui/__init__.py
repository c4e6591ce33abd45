"""The Textual explorer. Import `explorer.tui.app` for the App; this package imports nothing."""
