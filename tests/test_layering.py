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
# inward, to the domain. A top-level module (exchange.py) is its own layer.
MAY_IMPORT = {
    "paths": set(),
    "domain": {"paths"},
    "formats": {"domain", "paths"},
    "review": {"domain", "formats"},
    "store": {"domain"},
    "project": {"store", "formats", "domain", "paths"},
    "gold": {"store", "review", "domain"},
    "exchange": {"store", "formats", "domain", "export_workers"},
    "export_workers": {"store", "formats", "domain"},
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
