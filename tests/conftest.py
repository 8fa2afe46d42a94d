"""Shared fixtures. Qt runs offscreen so the suite needs no display."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


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


@pytest.fixture(autouse=True)
def qt_garbage_collected(request):
    """After a test that drove widgets, let Qt delete what it was told to and
    collect the Python cycles around those widgets then, while the test's own
    objects are still whole: left to pytest's final collection, such cycles were
    torn down in no useful order and crashed the process after every test had
    passed (a segmentation fault at pytest_unconfigure)."""
    yield
    if "qtbot" not in request.fixturenames:
        return
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    gc.collect()


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
