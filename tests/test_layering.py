"""The layers below the UI must not need Qt: import them with PySide6 blocked."""

import subprocess
import sys


def test_core_packages_import_without_qt():
    code = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is blocked below the UI layer: ' + name)
sys.meta_path.insert(0, Block())
import pkgutil, importlib, annotator
for package in ('domain', 'store', 'formats', 'review', 'suggest', 'server'):
    mod = importlib.import_module('annotator.' + package)
    for info in pkgutil.walk_packages(mod.__path__, mod.__name__ + '.'):
        importlib.import_module(info.name)
import annotator.cli
import annotator.suggesting
print('ok')
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# Who may import whom, as the README's layout table says: dependencies point
# inward, to the domain. A top-level module or package (exchange/) is its own layer.
MAY_IMPORT = {
    "paths": set(),
    "domain": {"paths"},
    "formats": {"domain", "paths"},
    "review": {"domain", "formats"},
    "store": {"domain"},
    "project": {"store", "formats", "domain", "paths"},
    "gold": {"store", "review", "domain"},
    "exchange": {"store", "formats", "domain", "export_workers"},
    "export_workers": {"store", "formats", "domain", "machine_load"},
    "machine_load": set(),
    "suggest": {"domain", "formats"},
    "suggesting": {"store", "suggest", "domain"},
    "server": {"store", "domain"},
}


def _imports_by_layer() -> dict[str, set[str]]:
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "annotator"
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).with_suffix("").parts
        layer = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                targets = [node.module] if node.module != "annotator" else [f"annotator.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            for target in targets:
                bits = target.split(".")
                if bits[0] == "annotator" and len(bits) > 1 and bits[1] != layer:
                    found.setdefault(layer, set()).add(bits[1])
    return found


def test_layers_import_only_what_the_readme_allows():
    found = _imports_by_layer()
    assert "store" in found and "review" in found, "the scan found no imports: the paths are wrong"
    wrong = {layer: sorted(targets - MAY_IMPORT[layer]) for layer, targets in found.items()
             if layer in MAY_IMPORT and targets - MAY_IMPORT[layer]}
    assert wrong == {}


def _module_imports(folder: str) -> dict[str, set[str]]:
    """Which modules of one package import which others of it (type-only imports included)."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "annotator" / folder
    prefix = f"annotator.{folder.replace('/', '.')}."
    edges: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        name = ".".join(path.relative_to(package).with_suffix("").parts)
        edges[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(prefix):
                edges[name].add(node.module[len(prefix):])
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_store_modules_import_each_other_one_way():
    edges = _module_imports("store")
    assert "bulk_import" in edges["bundles"], "the scan found no imports: the paths are wrong"
    assert _cycle(edges) == []


def test_ui_rooms_are_folders_and_the_top_holds_only_the_window():
    from pathlib import Path

    ui = Path(__file__).resolve().parent.parent / "annotator" / "ui"
    top = sorted(p.stem for p in ui.glob("*.py"))
    assert top == ["__init__", "app", "main_window", "system_libraries"]
    for room in (p for p in ui.iterdir() if p.is_dir() and p.name != "__pycache__"):
        assert (room / "__init__.py").read_text(encoding="utf-8").startswith('"""'), f"{room.name} says what it holds"
