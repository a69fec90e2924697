"""Exact column types: money and fixed-point decimals stored as integers.

Money is kept as integer öre in the database and as `Decimal` kronor in Python, so no float ever
touches an amount, on SQLite and PostgreSQL alike.
"""

from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator


class FixedDecimal(TypeDecorator):
    """A `Decimal` with a fixed number of decimals, stored as a scaled integer."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int = 2):
        super().__init__()
        self.scale = scale
        self._factor = Decimal(10) ** scale
        self._quantum = Decimal(1).scaleb(-scale)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("FixedDecimal refuses floats; pass Decimal or int")
        scaled = Decimal(value) * self._factor
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimals")
        return int(scaled)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(value) / self._factor).quantize(self._quantum, rounding=ROUND_HALF_EVEN)


def Money():  # noqa: N802 - reads like a type in model declarations
    """Kronor with öre precision, stored as integer öre."""
    return FixedDecimal(2)
