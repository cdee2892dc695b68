"""The import graph of a service's Django apps, read from the source (every import, in functions too)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The HTTP and admin entry points of an app: the top layer (STYLE.md: "domain below, API and admin
# above"). They may call into any app of their service; no module may import them back.
ENTRY_POINT_MODULES = frozenset({"apis", "admin", "admin_forms"})


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. "catalog.products.services"
    app: str  # "products"; a top-level module of the package (e.g. "orders.money") is its own app
    path: Path

    @property
    def is_entry_point(self) -> bool:
        parts = self.name.split(".")
        return parts[-1] in ENTRY_POINT_MODULES or "commands" in parts[:-1]


@dataclass(frozen=True)
class Import:
    importer: Module
    imported: str  # dotted name as written
    line: int

    @property
    def where(self) -> str:
        return f"{self.importer.path.relative_to(ROOT)}:{self.line}"


def service_modules(service: str) -> list[Module]:
    """Every module of the service's package (``<service>_service/<service>/``), migrations left out."""
    base = ROOT / f"{service}_service"
    modules = []
    for path in sorted((base / service).rglob("*.py")):
        parts = path.relative_to(base).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if len(parts) < 2:
            continue
        modules.append(Module(name=".".join(parts), app=parts[1], path=path))
    return modules


def imports_of(module: Module, package: str) -> Iterator[Import]:
    """The imports of ``module`` that name another module of ``package`` (absolute or relative)."""
    tree = ast.parse(module.path.read_text(), filename=str(module.path))
    is_package = module.path.name == "__init__.py"
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.name.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            # "from catalog.products import services" names the module catalog.products.services; a name
            # that is no module (a function) resolves to its module below
            names = [f"{prefix}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.split(".")[0] == package:
                yield Import(importer=module, imported=name, line=node.lineno)


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, functions included, except what sits under ``if TYPE_CHECKING:`` (annotations only)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                pending.extend(child.orelse)
            else:
                pending.append(child)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def resolve(name: str, modules: dict[str, Module]) -> Module | None:
    """The module a dotted name refers to (the longest known prefix: a name may be a function)."""
    parts = name.split(".")
    for end in range(len(parts), 1, -1):
        found = modules.get(".".join(parts[:end]))
        if found is not None:
            return found
    return None


def module_edges(service: str) -> list[tuple[Module, Module, Import]]:
    """(importer, imported module, the import) for every import between two modules of the service."""
    modules = {module.name: module for module in service_modules(service)}
    edges = []
    for module in modules.values():
        for found in imports_of(module, service):
            target = resolve(found.imported, modules)
            if target is not None and target.name != module.name:
                edges.append((module, target, found))
    return edges


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)
