"""Who is who in the scenarios: each name in a step is one shopper with a unique e-mail per run."""

from __future__ import annotations

from e2e.shop import Shopper, unique_email


def pessoa(context, nome: str) -> Shopper:
    """The shopper called ``nome`` in this scenario (created on first mention, not yet registered)."""
    if nome not in context.shoppers:
        slug = "".join(c for c in nome.lower() if c.isalnum()) or "cliente"
        context.shoppers[nome] = Shopper(email=unique_email(slug), full_name=f"{nome} Souza")
    context.shopper = context.shoppers[nome]
    return context.shopper
