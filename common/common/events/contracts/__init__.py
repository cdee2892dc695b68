"""Every event contract of the suite, by producer. Importing this package fills the registry."""

from common.events.contracts import accounts, catalog, orders  # noqa: F401
from common.events.contracts.base import REGISTRY, EventContract, contract, contract_for, latest_contracts

__all__ = ["REGISTRY", "EventContract", "contract", "contract_for", "latest_contracts"]
