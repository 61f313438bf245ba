"""One rule, one place: no page imports the API. Every module of a ``pages`` package and every ``views.py`` is
parsed, and an import of a ``*.api`` module (``cases.api.serializers``, ``from scheduling import api``, a relative
``from ..api import``) fails the test, naming the file and line."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "tests", "bench", "demo", "docs"}


def _page_modules() -> list[Path]:
    modules = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in SKIP or parts[0].startswith("."):
            continue
        if "pages" in parts[:-1] or (path.name == "views.py" and "api" not in parts):
            modules.append(path)
    return modules


def _api_imports(path: Path, root: Path = ROOT) -> list[str]:
    """The imports of ``path`` that name an ``api`` module, as ``file:line module``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names = [base] + [f"{base}.{alias.name}".strip(".") for alias in node.names]
        else:
            continue
        for name in names:
            if "api" in name.split("."):
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
                break
    return found


def test_the_modules_checked_include_every_page_and_view():
    checked = {str(p.relative_to(ROOT)) for p in _page_modules()}
    expected = {"cases/pages/case.py", "cases/pages/portal.py", "cases/pages/profile.py", "cases/views.py"}
    expected |= {"scheduling/pages/meeting.py", "scheduling/pages/common.py", "scheduling/views.py"}
    assert expected <= checked, expected - checked


def test_no_page_or_view_imports_an_api_module():
    offenders = [line for path in _page_modules() for line in _api_imports(path)]
    assert offenders == []


def test_the_check_catches_each_form_of_import(tmp_path):
    for source in (
        "from cases.api.serializers import CaseSerializer\n",
        "from scheduling.api import agenda\n",
        "import cases.api.plans\n",
        "from scheduling import api\n",
        "from ..api.serializers import X\n",
    ):
        module = tmp_path / "page.py"
        module.write_text(source)
        assert len(_api_imports(module, tmp_path)) == 1, source
    module.write_text("from cases.selectors import case_get\nfrom tumorboard.web import attempt\n")
    assert _api_imports(module, tmp_path) == []
