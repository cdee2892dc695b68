"""Rendering an email from its templates: pt-BR first, English when a language has no template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template import Context
from django.template.loader import get_template, render_to_string, select_template
from django.utils import translation

FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    language: str


def email_template_language(*, kind: str, language: str) -> str:
    """The language whose templates exist for ``kind``: ``language`` itself, or English."""
    template = select_template([f"emails/{language}/{kind}.txt", f"emails/{FALLBACK_LANGUAGE}/{kind}.txt"])
    return template.template.name.split("/")[1]


def render_email(*, kind: str, language: str, context: dict[str, Any]) -> RenderedEmail:
    """Subject, plain text and HTML of one email, rendered with its language active (dates, numbers)."""
    chosen = email_template_language(kind=kind, language=language)
    with translation.override(chosen):
        subject = _render_plain_text(f"emails/{chosen}/{kind}.subject.txt", context)
        text = _render_plain_text(f"emails/{chosen}/{kind}.txt", context)
        html = render_to_string(f"emails/{chosen}/{kind}.html", context)
    return RenderedEmail(subject=" ".join(subject.split()), text=text.strip() + "\n", html=html, language=chosen)


def _render_plain_text(name: str, context: dict[str, Any]) -> str:
    """Plain text is not HTML: no escaping, so a link with ``&`` stays a working link."""
    return get_template(name).template.render(Context(context, autoescape=False))
