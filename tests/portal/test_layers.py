"""The apps' direction (docs/architecture.md): an app imports only the apps to its right, so a lower app can be
read, tested and changed without the ones above it. Read from the source, every import statement of every
module, functions' own imports included."""

import ast
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]
LAYERS = ["portal", "dashboards", "outlets", "complaints", "billing", "services", "accounts"]


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


def test_every_app_imports_only_the_apps_to_its_right():
    wrong = []
    for position, app in enumerate(LAYERS):
        above = set(LAYERS[:position])
        for path in sorted((BASE / app).rglob("*.py")):
            for name in sorted(_imported_apps(path) & above):
                wrong.append(f"{path.relative_to(BASE)} imports {name}")
    assert wrong == []


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from dashboards import queries\n    import portal.parsers\n")
    assert _imported_apps(module) == {"dashboards", "portal"}
