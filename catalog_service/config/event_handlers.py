"""The catalog service's event handlers: event type -> plain function. One visible table."""

HANDLERS: dict = {}
