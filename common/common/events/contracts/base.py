"""The base of every event contract and the one registry of who publishes and who consumes what.

A contract is a frozen pydantic model. Its class attributes say the event type (past tense, namespaced
by the producer), the version, the producer and the consuming services. Publishing and consuming
validate the payload against the same class, so a producer and a consumer cannot silently disagree.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class EventContract(BaseModel):
    """Base class for event payloads. Subclasses are registered with :func:`contract`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    TYPE: ClassVar[str]
    VERSION: ClassVar[int]
    PRODUCER: ClassVar[str]
    CONSUMERS: ClassVar[tuple[str, ...]]
    DESCRIPTION: ClassVar[str]


REGISTRY: dict[tuple[str, int], type[EventContract]] = {}


def contract(type_: str, *, version: int, producer: str, consumers: tuple[str, ...]):
    """Register an event contract: ``@contract("orders.order_placed", version=1, producer=..., consumers=...)``."""

    def register(cls: type[EventContract]) -> type[EventContract]:
        if not type_.startswith(f"{producer}."):
            raise ValueError(f"event type {type_!r} must be namespaced by its producer {producer!r}")
        if (type_, version) in REGISTRY:
            raise ValueError(f"event contract {type_} v{version} is registered twice")
        cls.TYPE, cls.VERSION, cls.PRODUCER, cls.CONSUMERS = type_, version, producer, consumers
        cls.DESCRIPTION = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
        REGISTRY[(type_, version)] = cls
        return cls

    return register


def contract_for(type_: str, version: int) -> type[EventContract]:
    try:
        return REGISTRY[(type_, version)]
    except KeyError:
        raise LookupError(f"no contract registered for {type_} v{version}") from None


def latest_contracts() -> dict[str, type[EventContract]]:
    """The newest version of each event type."""
    latest: dict[str, type[EventContract]] = {}
    for (type_, _version), cls in sorted(REGISTRY.items()):
        latest[type_] = cls
    return latest
