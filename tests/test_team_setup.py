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


def test_the_lead_takes_documents_back_and_the_work_done_on_them_stays_on_the_server(project):
    import psycopg

    from annotator.store import Store

    project.add("ana")
    run("team", "assign", "--annotator", "ana", "--count", "4", "--server", project.url("lena"))
    project.sync("ana")
    store = Store.open(project.local("ana"), create=False)
    begun = store.document_ids()[0]
    text = store.document_text(begun)
    store.add_span(begun, "ana", 0, 11, "PERSON")
    store.close()
    assert "pushed 1 layer(s)" in project.sync("ana").output

    def assigned() -> dict[str, int]:
        status = json.loads(run("team", "status", "--json", "--server", project.url("lena")).output)
        return {s["annotator"]: s["assigned"] for s in status}

    lead = project.url("lena")
    refused = run("team", "unassign", "--annotator", "ana", "--all", "--server", project.url("ana"), ok=False)
    assert refused.exit_code == 1 and "only the project's lead" in refused.output
    assert run("team", "unassign", "--annotator", "ana", "--server", lead, ok=False).exit_code == 2
    # the three not begun go back to the pool, to give to someone else
    taken = run("team", "unassign", "--annotator", "ana", "--all", "--unstarted", "--server", lead).output
    assert taken == "3 document(s) taken back from ana\n" and assigned() == {"ana": 1}
    assert "1 document(s) assigned to ana" in run("team", "assign", "--annotator", "ana", "--count", "1",
                                                  "--server", lead).output
    taken = run("--db", project.local("lena"), "team", "unassign", "--annotator", "ana", "--documents",
                f'"nomor {text.split("nomor ")[1].split()[0]}"', "--server", lead).output
    assert taken == "1 document(s) taken back from ana; ana's work on 1 of them stays on the server\n"
    assert assigned() == {"ana": 1}

    def on_server() -> list[tuple]:
        with psycopg.connect(project.admin_url) as conn:
            return conn.execute("SELECT document_id, content_hash FROM annotator.layers WHERE annotator = 'ana'").fetchall()

    kept = on_server()
    assert len(kept) == 1
    # ana's later work on it stays in her file: her sync says so and fails nothing
    store = Store.open(project.local("ana"), create=False)
    store.add_span(begun, "ana", text.index("kota"), text.index("kota") + 4, "LOCATION")
    store.close()
    synced = project.sync("ana").output
    assert "1 layer(s) of documents the server does not have, or no longer assigns to you, were not pushed" in synced
    assert on_server() == kept
    assert len(Store.open(project.local("ana"), create=False).spans(begun)) == 2
