"""`annotator team`: the project on a real PostgreSQL server, its members, assignments and progress."""

from __future__ import annotations

import json

import pytest
from team_project import run, start_project

TEXTS = [(f"Berita {i}", f"Joko Widodo berkunjung ke kota nomor {i} hari ini.") for i in range(10)]


@pytest.fixture
def project(server_database, tmp_path):
    return start_project(server_database, tmp_path, TEXTS)


def test_the_window_and_the_sqlite_path_never_import_psycopg():
    import subprocess
    import sys

    code = ("import sys, annotator.cli, annotator.store, annotator.server.sync, annotator.server.setup; "
            "from click.testing import CliRunner; CliRunner().invoke(annotator.cli.main, ['--help']); "
            "print('psycopg' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_init_twice_changes_nothing_and_a_newer_server_is_refused(project):
    import psycopg

    again = run("team", "init", project.admin_url, "--lead", "lena", "--password", "secret-lena")
    assert "0 migration(s) applied" in again.output
    with psycopg.connect(project.admin_url, autocommit=True) as conn:
        conn.execute("INSERT INTO annotator.migrations (name) VALUES ('s999_from_the_future')")
    refused = run("team", "status", "--server", project.url("lena"), ok=False)
    assert refused.exit_code == 1
    assert "set up by a newer annotator (migrations s999_from_the_future)" in refused.output
    assert "secret-lena" not in refused.output


def test_assign_by_count_with_overlap_and_status(project):
    project.add("ana")
    project.add("budi")
    assert "4 document(s) assigned to ana" in run("team", "assign", "--annotator", "ana", "--count", "4",
                                                   "--server", project.url("lena")).output
    assert "3 document(s) assigned to budi" in run("team", "assign", "--annotator", "budi", "--count", "3",
                                                    "--overlap", "1", "--server", project.url("lena")).output
    status = json.loads(run("team", "status", "--json", "--server", project.url("lena")).output)
    assert [(s["annotator"], s["assigned"], s["statuses"]["todo"]) for s in status] == [("ana", 4, 4), ("budi", 3, 3)]


def test_assign_by_query_on_the_leads_copy(project):
    project.add("ana")
    result = run("--db", project.local("lena"), "team", "assign", "--annotator", "ana", "--documents", '"nomor 3"',
                 "--server", project.url("lena"))
    assert "1 document(s) assigned to ana" in result.output
    project.sync("ana")
    from annotator.store import Store

    store = Store.open(project.local("ana"))
    assert [d.title for d in store.documents()] == ["Berita 3"]


def test_only_the_lead_assigns(project):
    project.add("ana")
    refused = run("team", "assign", "--annotator", "ana", "--count", "2", "--server", project.url("ana"), ok=False)
    assert refused.exit_code == 1 and "refused" in refused.output


def test_status_as_text_and_members_that_cannot_be(project):
    project.add("ana")
    run("team", "assign", "--annotator", "ana", "--count", "2", "--server", project.url("lena"))
    text = run("team", "status", "--server", project.url("lena")).output
    assert text == "ana: 2 assigned (2 todo, 0 in progress, 0 done, 0 reviewed); 0 span(s), 0 fact(s)\n"
    for name in ("gold", " "):
        refused = run("team", "add-member", name, "--password", "x", "--server", project.url("lena"), ok=False)
        assert refused.exit_code == 1 and "cannot be a member's name" in refused.output
    # only the lead adds members
    refused = run("team", "add-member", "eve", "--password", "x", "--server", project.url("ana"), ok=False)
    assert refused.exit_code == 1 and "refused" in refused.output


def test_a_wrong_password_is_a_message_without_the_password(project):
    url = project.url("lena").replace("secret-lena", "not-the-password")
    result = run("team", "status", "--server", url, ok=False)
    assert result.exit_code == 1 and "cannot connect" in result.output and "not-the-password" not in result.output
