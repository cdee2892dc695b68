"""No service reads another's data: a service's settings and code never name another service's database
or MongoDB collection (they talk through events and HTTP; docs/architecture.md). Each service's own
stores are read from its source: ``<SERVICE>_DATABASE_URL``, its SQLite file, and the ``collection`` of
its mongoengine documents."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from . import imports

SERVICES = ("catalog", "accounts", "orders", "tasks")
TEXT_FILES = (".env.example",)


@dataclass
class Stores:
    database_names: set[str] = field(default_factory=set)
    collections: set[str] = field(default_factory=set)

    @property
    def names(self) -> set[str]:
        return self.database_names | self.collections


def python_files(service: str) -> list[Path]:
    base = imports.ROOT / f"{service}_service"
    return [path for path in sorted(base.rglob("*.py")) if "tests" not in path.relative_to(base).parts]


def collections_declared(path: Path) -> set[str]:
    """The ``"collection": "..."`` entries of the mongoengine ``meta`` dicts in ``path``."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value == "collection"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    found.add(value.value)
    return found


def owned_stores(service: str) -> Stores:
    stores = Stores(database_names={f"{service.upper()}_DATABASE_URL", f"{service}.sqlite3"})
    for path in python_files(service):
        stores.collections |= collections_declared(path)
    return stores


def strings_in(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal of a Python file (docstrings too), or every line of a text file."""
    if path.suffix != ".py":
        return list(enumerate(path.read_text().splitlines(), start=1))
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def foreign_names(service: str) -> list[str]:
    """Where ``service``'s settings or code name a database or collection another service owns."""
    others = {other: owned_stores(other).names for other in SERVICES if other != service}
    base = imports.ROOT / f"{service}_service"
    files = [*python_files(service), *(base / name for name in TEXT_FILES if (base / name).exists())]
    found = []
    for path in files:
        for line, text in strings_in(path):
            for other, names in others.items():
                for name in sorted(names):
                    if name in text:
                        found.append(f"{path.relative_to(imports.ROOT)}:{line} names {other}'s {name}")
    return found


def test_every_service_owns_its_database_and_the_services_with_mongodb_their_collections():
    stores = {service: owned_stores(service) for service in SERVICES}
    assert stores["catalog"].collections == {"catalog_search_logs", "catalog_product_views"}
    assert {"analytics_search_queries_daily", "analytics_product_views_daily"} <= stores["tasks"].collections
    every_collection = [name for service in SERVICES for name in stores[service].collections]
    assert len(every_collection) == len(set(every_collection)), "a collection is declared by two services"


@pytest.mark.parametrize("service", SERVICES)
def test_no_service_names_another_services_database_or_collection(service):
    assert foreign_names(service) == []


def test_a_settings_line_naming_another_services_collection_is_caught(tmp_path, monkeypatch):
    """The check cannot pass by construction: tasks reading catalog's search log, as it once did."""
    for service in SERVICES:
        (tmp_path / f"{service}_service" / "config").mkdir(parents=True)
    (tmp_path / "catalog_service" / "documents.py").write_text('meta = {"collection": "catalog_search_logs"}\n')
    (tmp_path / "tasks_service" / "config" / "settings.py").write_text(
        'SEARCH_LOG_COLLECTION = "catalog_search_logs"\nDATABASE = env("ORDERS_DATABASE_URL")\n'
    )
    monkeypatch.setattr(imports, "ROOT", tmp_path)

    assert foreign_names("tasks") == [
        "tasks_service/config/settings.py:1 names catalog's catalog_search_logs",
        "tasks_service/config/settings.py:2 names orders's ORDERS_DATABASE_URL",
    ]
    assert foreign_names("catalog") == []
