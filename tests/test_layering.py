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
for package in ('domain', 'store', 'formats', 'review'):
    mod = importlib.import_module('annotator.' + package)
    for info in pkgutil.walk_packages(mod.__path__, mod.__name__ + '.'):
        importlib.import_module(info.name)
import annotator.cli
print('ok')
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
