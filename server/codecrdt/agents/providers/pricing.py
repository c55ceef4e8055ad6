"""What model calls cost, in USD.

Prices are USD per million tokens, matched by the longest prefix of the model name, so a
dated snapshot (``claude-sonnet-4-5-20250929``) costs what its family costs. Models not in
the table (local models behind an OpenAI-compatible server, anything new) have no price:
:func:`cost` returns None rather than guessing. Long-context surcharges and batch
discounts are not modelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class TokenCounts(Protocol):
    """What a price applies to (``base.Usage`` is one; this module imports no provider)."""

    @property
    def input_tokens(self) -> int: ...
    @property
    def output_tokens(self) -> int: ...
    @property
    def cache_write_tokens(self) -> int: ...
    @property
    def cache_read_tokens(self) -> int: ...


__all__ = ["PRICES", "Price", "cost", "price_for"]


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens. ``cache_write`` None: the provider does not bill cache writes
    apart (they are priced as input)."""

    input: float
    output: float
    cache_write: float | None
    cache_read: float


PRICES: dict[str, Price] = {
    # Anthropic
    "claude-opus-4-5": Price(5.0, 25.0, 6.25, 0.50),
    "claude-opus-4-1": Price(15.0, 75.0, 18.75, 1.50),
    "claude-opus-4-0": Price(15.0, 75.0, 18.75, 1.50),
    "claude-opus-4-2025": Price(15.0, 75.0, 18.75, 1.50),  # claude-opus-4-20250514
    "claude-sonnet-4-6": Price(3.0, 15.0, 3.75, 0.30),  # the Sonnet tier's price
    "claude-sonnet-4-5": Price(3.0, 15.0, 3.75, 0.30),
    "claude-sonnet-4-0": Price(3.0, 15.0, 3.75, 0.30),
    "claude-sonnet-4-2025": Price(3.0, 15.0, 3.75, 0.30),  # claude-sonnet-4-20250514
    "claude-haiku-4-5": Price(1.0, 5.0, 1.25, 0.10),
    # OpenAI (prompt caching is automatic: no cache-write price)
    "gpt-4o": Price(2.50, 10.0, None, 1.25),
    "gpt-4o-mini": Price(0.15, 0.60, None, 0.075),
    "gpt-4.1": Price(2.0, 8.0, None, 0.50),
    "gpt-4.1-mini": Price(0.40, 1.60, None, 0.10),
    "gpt-4.1-nano": Price(0.10, 0.40, None, 0.025),
}


def price_for(model: str) -> Price | None:
    """The price of ``model``: the entry with the longest name that starts it, or None."""
    best: str | None = None
    for prefix in PRICES:
        if model.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return PRICES[best] if best is not None else None


def cost(model: str, usage: TokenCounts) -> float | None:
    """The price of ``usage`` on ``model`` in USD, or None when the model has no price."""
    price = price_for(model)
    if price is None:
        return None
    cache_write = price.cache_write if price.cache_write is not None else price.input
    return (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_write_tokens * cache_write
        + usage.cache_read_tokens * price.cache_read
    ) / 1_000_000
