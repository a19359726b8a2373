"""Decimals written as a person writes them: no exponent, no trailing zeros (``112500.00`` → ``112500``)."""

from __future__ import annotations

from decimal import Decimal


def plain(value: Decimal) -> str:
    """``Decimal('4.0E+4')`` → ``40000``; ``Decimal('99.50')`` → ``99.5``."""
    return f"{value.normalize():f}"
