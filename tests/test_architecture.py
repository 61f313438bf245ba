"""The house's floors (README, "Architecture"): the import graph of the production code has no circle and runs
downward, no import hides inside a function, and a status is written only by the state machines' helper.

Floors, lowest first: the kernel (tumorboard), specialists, scheduling, cases, the case's lifecycle
(cases/lifecycle: the steps that span cases and scheduling), then the interfaces (API, pages, views, admin, tasks,
commands), the demo and the configuration. A module imports its own floor and those below; an interface module may
import any domain floor. The kernel, interfaces included, imports no other app.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("tumorboard", "specialists", "scheduling", "cases", "demo", "config")
FLOORS = {"tumorboard": 0, "specialists": 1, "scheduling": 2, "cases": 3, "cases.lifecycle": 4, "interface": 5}
FLOORS |= {"demo": 6, "config": 7}
INTERFACE = {"api", "pages", "views", "admin", "tasks", "urls", "apps", "management", "forms", "context_processors"}
DOMAIN_APPS = {"scheduling", "cases"}


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _floor(module: str) -> int:
    parts = module.split(".")
    app = parts[0]
    if app in {"tumorboard", "demo", "config"}:  # the kernel's own interfaces are kernel: it imports no app
        return FLOORS[app]
    if INTERFACE & set(parts[1:]):
        return FLOORS["interface"]
    if module.startswith("cases.lifecycle"):
        return FLOORS["cases.lifecycle"]
    return FLOORS[app]


def _imports(module: str, path: Path):
    """(imported module, line, at module level?) for each import of a production module."""
    tree = ast.parse(path.read_text())
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    top = {id(node) for node in tree.body} | {
        id(n)
        for node in tree.body
        if isinstance(node, ast.If)
        for n in ast.walk(node)  # if TYPE_CHECKING:
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            # ``from package import submodule`` depends on the submodule; ``from module import name`` on the module
            names = [f"{base}.{alias.name}" for alias in node.names]
            if any(_resolve(name) == base for name in names) or not names:
                names.append(base)
        else:
            continue
        for target in {_resolve(name) for name in names} - {None, module}:
            yield target, node.lineno, id(node) in top


EDGES = {module: list(_imports(module, path)) for module, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    graph = {m: {t for t, _, top in edges if top} for m, edges in EDGES.items()}
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_has_no_circle():
    assert _cycles() == []


def test_imports_run_downward():
    upward = [
        f"{module}:{line} imports {target}"
        for module, edges in EDGES.items()
        for target, line, _ in edges
        if _floor(target) > _floor(module)
    ]
    assert upward == []


def test_the_kernel_and_specialists_import_no_domain_app():
    found = [
        f"{module}:{line} imports {target}"
        for module, edges in EDGES.items()
        if module.split(".")[0] in {"tumorboard", "specialists"}
        for target, line, _ in edges
        if target.split(".")[0] in DOMAIN_APPS | {"demo", "config"}
    ]
    assert found == []


def test_no_import_hides_inside_a_function():
    hidden = [
        f"{module}:{line} imports {target}" for module, edges in EDGES.items() for target, line, top in edges if not top
    ]
    assert hidden == []


def test_a_status_is_written_only_by_the_state_machines():
    """No production module assigns ``.status`` or passes ``status=`` to ``update()``: Machine.apply does. The demo
    loader is the exception: it dates a demo meeting's or agenda item's past as history would have left it."""
    offenders = []
    for module, path in MODULES.items():
        if module.startswith(("demo.", "tumorboard.states")):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == "status" for t in node.targets
            ):
                offenders.append(f"{module}:{node.lineno}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "update"
                and any(k.arg == "status" for k in node.keywords)
            ):
                offenders.append(f"{module}:{node.lineno}")
    assert offenders == []
