"""A sync killed (SIGKILL) at any point and run again ends as one clean sync:
nothing lost, nothing applied twice, on the server or in the local file.

ana's syncs are killed at random moments; budi, assigned the same documents and
doing the same work, syncs without a kill and sets the yardstick (and how long
a sync takes, so the kills land all along it). The counts print at the end of the run.
"""

from __future__ import annotations

import random
import sys

import psycopg
import pytest
from fault_figures import count
from team_layers import layers_by_text
from team_project import run, start_project
from test_faults import _kill_at, _run_time

from annotator.store import Store
from annotator.store.sync_records import layer_hash

DOCUMENTS = 120
KILLS_PER_SYNC = 3
SEED = 20261129


def _texts():
    rng = random.Random(SEED)
    words = ["Presiden", "Jakarta", "berkata", "bahwa", "pemerintah", "akan", "membangun", "jalan", "baru", "di"]
    return [(f"Berita {i}", f"Berita {i}. " + " ".join(rng.choice(words) for _ in range(60)) + ".")
            for i in range(DOCUMENTS)]


def _annotate(path, annotator: str, layer: str | None = None, every: int = 1) -> None:
    """The same spans in every `every`-th document, in one transaction."""
    store = Store.open(path, create=False)
    store.actor = annotator
    layer = layer or annotator
    with store.transaction():
        for n, document_id in enumerate(store.document_ids()):
            if n % every:
                continue
            text = store.document_text(document_id)
            start = text.index("Berita", 1) if "Berita" in text[1:] else 0
            store.add_span(document_id, layer, start, start + 6, "EVENT", note=f"{annotator} {n}")
            store.add_span(document_id, layer, 0, 6, "ORGANISATION", attributes={"uncertain": True})
            store.set_status(document_id, layer, "done")
    store.close()


def _sync_command(project, name):
    return [sys.executable, "-m", "annotator.cli", "--db", str(project.local(name)), "--annotator", name,
            "sync", "--server", project.url(name)]


def _server_layers(project, annotator):
    with psycopg.connect(project.url("lena"), autocommit=True, options="-c search_path=annotator") as conn:
        layers = dict(conn.execute("SELECT d.hash, l.content_hash FROM layers l JOIN documents d ON d.id = l.document_id "
                                   "WHERE l.annotator = %s", [annotator]).fetchall())
        logged = conn.execute("SELECT count(*), count(DISTINCT document_id) FROM changes WHERE annotator = %s",
                              [annotator]).fetchone()
    return layers, logged


def _local_hashes(path, annotator):
    store = Store.open(path, create=False)
    try:
        return {store.document(d).hash: layer_hash(store.layer_state(d, annotator)) for d in store.document_ids()
                if store.layer_state(d, annotator)["spans"]}
    finally:
        store.close()


@pytest.mark.parametrize("run_number", range(2))
def test_a_sync_killed_at_random_points_then_run_again_equals_a_clean_one(server_database, tmp_path, run_number):
    rng = random.Random(SEED + run_number)
    project = start_project(server_database, tmp_path, _texts())
    for name in ("ana", "budi"):
        project.add(name)
    project.add("rita", "reviewer")
    run("team", "assign", "--annotator", "ana", "--count", str(DOCUMENTS), "--server", project.url("lena"))
    run("team", "assign", "--annotator", "budi", "--count", str(DOCUMENTS), "--overlap", str(DOCUMENTS),
        "--server", project.url("lena"))
    project.sync("rita")
    _annotate(project.local("rita"), "rita", "gold", every=3)
    project.sync("rita")

    kills = finished_first = 0
    for phase in ("first sync: documents and gold", "push of a whole layer"):
        if phase.startswith("push"):
            _annotate(project.local("budi"), "x", "budi")
            _annotate(project.local("ana"), "x", "ana")
        duration = _run_time(_sync_command(project, "budi"))
        for _ in range(KILLS_PER_SYNC):
            killed = _kill_at(_sync_command(project, "ana"), rng.uniform(0.05, 0.95) * duration)
            kills += killed
            finished_first += not killed
        project.sync("ana")

    # local and server agree, and ana's outcome is budi's, layer for layer
    ana_layers, ana_logged = _server_layers(project, "ana")
    budi_layers, budi_logged = _server_layers(project, "budi")
    local = _local_hashes(project.local("ana"), "ana")
    count("SIGKILL during team syncs", kills=kills, runs_that_finished_first=finished_first,
          layers_checked=len(local), layers_lost=sum(ana_layers.get(k) != v for k, v in local.items()),
          layer_changes_logged_twice=ana_logged[0] - ana_logged[1])
    assert ana_layers == local and len(ana_layers) == DOCUMENTS
    assert ana_logged == budi_logged == (DOCUMENTS, DOCUMENTS)  # each layer's state logged once
    ana = layers_by_text(project.local("ana"), ["ana", "gold"])
    budi = layers_by_text(project.local("budi"), ["budi", "gold"])
    assert {k[0]: v for k, v in ana.items() if k[1] == "ana"} == {k[0]: v for k, v in budi.items() if k[1] == "budi"}
    gold = {k: v for k, v in ana.items() if k[1] == "gold"}
    assert gold == {k: v for k, v in budi.items() if k[1] == "gold"} and len(gold) == DOCUMENTS // 3
    store = Store.open(project.local("ana"), create=False)
    assert len(store.document_ids()) == DOCUMENTS and store.check() == []
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()
    # and one more sync finds nothing to do
    again = project.sync("ana").output
    assert "pushed 0 layer(s)" in again and "pulled 0 document(s), 0 layer(s)" in again
