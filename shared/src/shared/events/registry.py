"""The catalogue of payload contracts, keyed by ``(type, version)``."""

from __future__ import annotations

from typing import TypeVar

from shared.events.envelope import EventPayload

P = TypeVar("P", bound=type[EventPayload])

_CONTRACTS: dict[tuple[str, int], type[EventPayload]] = {}


def contract(cls: P) -> P:
    """Class decorator registering a payload contract under its ``(TYPE, VERSION)``."""
    key = (cls.TYPE, cls.VERSION)
    existing = _CONTRACTS.get(key)
    if existing is not None and existing is not cls:
        raise ValueError(f"Two contracts for {key}: {existing.__name__} and {cls.__name__}")
    _CONTRACTS[key] = cls
    return cls


def contract_for(event_type: str, version: int) -> type[EventPayload] | None:
    """The contract class for an event type and version, or None if unknown."""
    _load_catalogue()
    return _CONTRACTS.get((event_type, version))


def all_contracts() -> dict[tuple[str, int], type[EventPayload]]:
    """Every registered contract."""
    _load_catalogue()
    return dict(_CONTRACTS)


def _load_catalogue() -> None:
    # Importing the package registers every contract module.
    import shared.events.contracts  # noqa: F401
