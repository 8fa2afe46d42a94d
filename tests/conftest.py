"""Shared fixtures. Qt runs offscreen so the suite needs no display."""

from __future__ import annotations

import faulthandler
import os
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"

# Enabled before pytest's own fault handler, so pytest enables it again when it
# unconfigures: a crash after the last test then still prints where it happened.
faulthandler.enable()


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def store():
    """An in-memory store with the default schema and no documents."""
    from annotator.store import Store
    from annotator.project import install_default_schema

    s = Store.memory()
    install_default_schema(s)
    yield s
    s.close()


@pytest.fixture
def seeded_store(tmp_path):
    """A file database as the default one starts: schema and sample articles."""
    from annotator.project import open_project

    s = open_project(tmp_path / "annotations.db", samples=True)
    yield s
    s.close()


@pytest.fixture
def seed_text() -> str:
    from annotator.project import sample_files

    return sample_files()[0].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def postgres_cluster():
    """A throw-away PostgreSQL cluster for the whole run (tests/postgres_server.py);
    the tests that use it are skipped, saying why, where PostgreSQL is missing."""
    from postgres_server import missing_reason, start_cluster, stop_cluster

    reason = missing_reason()
    if reason is not None:
        pytest.skip(reason)
    cluster = start_cluster()
    yield cluster
    stop_cluster(cluster)


@pytest.fixture
def server_database(postgres_cluster, request):
    """A fresh, empty PostgreSQL database for one test; its superuser URL."""
    import hashlib
    import re

    # short enough for the project's group role names (<database>_reviewer), one per test
    digest = hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:6]
    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:30] + "_" + digest
    return postgres_cluster.new_database(name)


def _collect_qt_garbage(*, close_windows: bool = False) -> None:
    """Let Qt delete what it was told to, then collect the Python cycles that
    still hold widgets, while the Qt application and its modules are whole.

    Left to a later collection, a window kept alive by a reference cycle was torn down at pytest's final `gc.collect()` in
    `pytest_unconfigure`, in no useful order, and crashed the process with a
    segmentation fault after every test had passed."""
    if "PySide6.QtWidgets" not in sys.modules:
        return
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return
    if close_windows:
        for widget in QApplication.topLevelWidgets():
            widget.close()
            widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """After a test that had Qt objects: pytest lets go of the test's fixtures
    (the window a fixture opened) only once its teardown is over, so the
    collection runs here, not in a fixture's teardown, where the window was
    still referenced and became garbage for some later test to collect."""
    yield
    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QApplication

    uses_qt = {"qtbot", "qapp"} & set(getattr(item, "fixturenames", ()))
    if uses_qt or (QApplication.instance() is not None and QApplication.allWidgets()):
        _collect_qt_garbage()


def pytest_sessionfinish(session, exitstatus) -> None:
    _collect_qt_garbage(close_windows=True)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Keep QSettings and the default database of each test in its own folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    if "PySide6.QtCore" in sys.modules:
        # Qt reads XDG_CONFIG_HOME once per process: point QSettings at this test's folder too,
        # or a theme, text size or dock a test chose would be the next test's
        from PySide6.QtCore import QSettings

        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "config"))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Print the figures the fault tests gathered (kills, fuzz cases)."""
    from fault_figures import summary_lines

    lines = summary_lines()
    if lines:
        terminalreporter.section("fault figures")
        for line in lines:
            terminalreporter.write_line(line)
