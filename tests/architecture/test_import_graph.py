"""Apps inside a service import one way: each app sits on a layer and imports only the layers below it
(STYLE.md, "one owner per fact"). Only the entry points (``apis``, ``admin``, management commands) may
call into any app of their service, and nothing imports them back. Imports inside functions count too.
"""

from __future__ import annotations

import pytest

from . import imports
from .imports import Module, cycles, module_edges

# Bottom first. An app may import its own modules and the apps listed before it.
LAYERS = {
    "catalog": ["search", "shopper_activity", "products", "inventory", "imports", "dashboard"],
    "orders": [
        "money",
        "products",
        "carts",
        "shipping",
        "promotions",
        "payments",
        "orders",
        "returns",
        "checkout",
        "dashboard",
    ],
    "tasks": ["emails", "analytics", "reports", "scheduling"],
    "accounts": ["users", "tokens", "passwords", "addresses", "signon"],
}


def admin_composes_admin(importer: Module, target: Module) -> bool:
    """One app's admin page may embed another app's admin form (the product page shows its variants'
    stock inline, a form owned by inventory): both sit on the entry-point layer, above every app."""
    admin_modules = {"admin", "admin_forms"}
    return importer.name.split(".")[-1] in admin_modules and target.name.split(".")[-1] in admin_modules


def back_up_imports(service: str) -> list[str]:
    layer = {app: position for position, app in enumerate(LAYERS[service])}
    found = []
    for importer, target, statement in module_edges(service):
        if target.is_entry_point and target.app != importer.app and not admin_composes_admin(importer, target):
            found.append(f"{statement.where}: {importer.name} imports the entry point {target.name}")
        elif importer.app != target.app and not importer.is_entry_point and layer[target.app] > layer[importer.app]:
            found.append(f"{statement.where}: {importer.name} ({importer.app}) imports up into {target.name}")
    return sorted(found)


def app_graph(service: str) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for importer, target, _ in module_edges(service):
        if importer.app != target.app and not importer.is_entry_point:
            graph.setdefault(importer.app, set()).add(target.app)
    return graph


def module_graph(service: str) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for importer, target, _ in module_edges(service):
        graph.setdefault(importer.name, set()).add(target.name)
    return graph


@pytest.mark.parametrize("service", ["catalog", "orders", "accounts"])
def test_no_app_imports_back_up_a_layer(service):
    assert back_up_imports(service) == []


@pytest.mark.parametrize("service", ["catalog", "orders", "accounts"])
def test_the_apps_of_a_service_form_no_circle(service):
    assert cycles(app_graph(service)) == []


@pytest.mark.parametrize("service", ["catalog", "orders", "tasks", "accounts"])
def test_no_module_circle(service):
    assert cycles(module_graph(service)) == []


@pytest.mark.parametrize("service", ["catalog", "orders", "tasks", "accounts"])
def test_every_app_of_the_service_has_a_layer(service):
    apps = {module.app for module, _, _ in module_edges(service)} | {t.app for _, t, _ in module_edges(service)}
    assert apps <= set(LAYERS[service])


def test_the_checker_sees_an_import_inside_a_function(tmp_path, monkeypatch):
    """The rule cannot pass by hiding an import in a function body."""
    package = tmp_path / "shop_service" / "shop"
    for app in ("low", "high"):
        (package / app).mkdir(parents=True)
        (package / app / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "high" / "services.py").write_text("from shop.low.services import helper\n")
    (package / "low" / "services.py").write_text("def helper():\n    from shop.high import services\n")
    monkeypatch.setattr(imports, "ROOT", tmp_path)
    monkeypatch.setitem(LAYERS, "shop", ["low", "high"])

    assert back_up_imports("shop") == [
        "shop_service/shop/low/services.py:2: shop.low.services (low) imports up into shop.high.services"
    ]
    assert cycles(app_graph("shop")) == [["high", "low"]]
    assert Module(name="shop.high.apis", app="high", path=tmp_path).is_entry_point
