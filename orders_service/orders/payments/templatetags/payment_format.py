"""Filters of the payment pages: money as R$ in the Brazilian format."""

from __future__ import annotations

from django import template

from common.brazil.formatting import money_brl

register = template.Library()


@register.filter
def brl(value) -> str:
    return money_brl(value)
