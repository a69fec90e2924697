"""Portfolio management and follow-up for a municipal programme for digital transformation."""

from portfolio.app import create_app

__all__ = ["create_app"]
