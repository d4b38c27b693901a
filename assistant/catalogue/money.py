"""Converting prices to USD for filtering and budgets.

Rates are indicative (units of the currency per US dollar, late 2026) so that "at most USD 50"
can be asked of a catalogue priced in pesos and soles. A deployment replaces them with its own
(`PUENTE_EXCHANGE_RATES` = path to a JSON object {"MXN": 18.0, ...}).
"""

from __future__ import annotations

import functools
import json

UNITS_PER_USD = {
    "USD": 1.0,
    "EUR": 0.92,
    "MXN": 18.0,
    "COP": 4000.0,
    "PEN": 3.7,
    "CLP": 950.0,
    "ARS": 1000.0,
    "BRL": 5.5,
    "GTQ": 7.7,
    "DOP": 60.0,
    "UYU": 40.0,
    "BOB": 6.9,
    "PYG": 7300.0,
    "CRC": 510.0,
    "HNL": 25.0,
    "NIO": 36.6,
    "PAB": 1.0,
    "VES": 40.0,
    "CAD": 1.37,
    "GBP": 0.79,
}


@functools.cache
def rates() -> dict[str, float]:
    table = dict(UNITS_PER_USD)
    from assistant.config import get_settings

    path = get_settings().exchange_rates
    if path:
        with open(path, encoding="utf-8") as fh:
            table.update({k.upper(): float(v) for k, v in json.load(fh).items()})
    return table


def to_usd(amount: float, currency: str) -> float | None:
    rate = rates().get(currency.upper())
    return None if rate is None else round(float(amount) / rate, 2)


def from_usd(amount: float, currency: str) -> float | None:
    rate = rates().get(currency.upper())
    return None if rate is None else round(float(amount) * rate, 2)
