"""mp-explorer: every stage of Binance Mini Program Open API signing, visible and copyable."""

__version__ = "0.1.0"
