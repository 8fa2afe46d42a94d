"""`annotator sync` against a real PostgreSQL server: round trips, ownership
checked by the server itself, two annotators offline, gold reaching annotators."""

from __future__ import annotations

import psycopg
import pytest
from team_layers import layers_by_text
from team_project import run, start_project

from annotator.domain import Argument, Label
from annotator.store import Store

TEXTS = [(f"Berita {i}", f"Presiden Joko Widodo berkata di Jakarta bahwa kota {i} akan dibangun.") for i in range(6)]


@pytest.fixture
def project(server_database, tmp_path):
    project = start_project(server_database, tmp_path, TEXTS)
    project.add("ana")
    project.add("budi")
    project.add("rita", "reviewer")
    run("team", "assign", "--annotator", "ana", "--count", "3", "--server", project.url("lena"))
    run("team", "assign", "--annotator", "budi", "--count", "3", "--overlap", "2", "--server", project.url("lena"))
    return project


def _annotate(path, annotator: str, *, with_fact: bool = True) -> None:
    store = Store.open(path, create=False)
    store.actor = annotator
    for document_id in store.document_ids():
        text = store.document_text(document_id)
        person = store.add_span(document_id, annotator, text.index("Joko"), text.index("Joko") + 11, "PERSON",
                                attributes={"uncertain": True}, note="presiden?")
        store.add_span(document_id, annotator, text.index("Jakarta"), text.index("Jakarta") + 7, "LOCATION")
        if with_fact:
            trigger = store.add_span(document_id, annotator, text.index("berkata"), len(text) - 1, "QUOTE")
            store.add_fact(document_id, annotator, "QUOTE", trigger.id, [Argument("speaker", person.id)],
                           attributes={"source_type": "official"}, note="kutipan")
        store.set_status(document_id, annotator, "done")
    store.close()


def test_a_round_trip_carries_spans_facts_roles_attributes_notes_and_statuses(project):
    assert "pulled 3 document(s)" in project.sync("ana").output
    _annotate(project.local("ana"), "ana")
    assert "pushed 3 layer(s)" in project.sync("ana").output
    assert "pulled 6 document(s), 3 layer(s)" in project.sync("rita").output
    mine = layers_by_text(project.local("ana"), ["ana"])
    assert len(mine) == 3 and all(c[0] == "done" and len(c[2]) == 1 for c in mine.values())
    assert layers_by_text(project.local("rita"), ["ana"]) == mine
    # a second sync has nothing to do, on either side
    assert "pushed 0 layer(s)" in project.sync("ana").output
    again = project.sync("rita").output
    assert "pulled 0 document(s), 0 layer(s)" in again
    status = {s["annotator"]: s for s in __import__("json").loads(
        run("team", "status", "--json", "--server", project.url("lena")).output)}
    assert status["ana"]["statuses"]["done"] == 3 and status["ana"]["spans"] == 9 and status["ana"]["facts"] == 3


def test_edits_and_deletes_reach_the_reviewer_and_ids_stay_put(project):
    project.sync("ana")
    _annotate(project.local("ana"), "ana")
    project.sync("ana")
    project.sync("rita")
    rita = Store.open(project.local("rita"))
    first = rita.document_ids_by_hash([Store.open(project.local("ana")).document(1).hash])
    ids_before = sorted(s.id for d in rita.document_ids() for s in rita.spans(d, "ana"))
    rita.close()
    ana = Store.open(project.local("ana"))
    ana.actor = "ana"
    location = next(s for s in ana.spans(1, "ana") if s.label == "LOCATION")
    ana.delete_span(location.id)
    person = next(s for s in ana.spans(1, "ana") if s.label == "PERSON")
    ana.update_span(person.id, note="Presiden RI", attributes={})
    ana.set_status(1, "ana", "in_progress")
    ana.close()
    assert "pushed 1 layer(s)" in project.sync("ana").output
    assert "1 layer(s)" in project.sync("rita").output
    assert layers_by_text(project.local("rita"), ["ana"]) == layers_by_text(project.local("ana"), ["ana"])
    rita = Store.open(project.local("rita"))
    ids_after = sorted(s.id for d in rita.document_ids() for s in rita.spans(d, "ana"))
    # the edited span kept its local id, the deleted one went, nothing was added anew
    assert set(ids_after) < set(ids_before) and len(ids_after) == len(ids_before) - 1
    pulled = rita.history(limit=1)[0]
    assert first and pulled.kind == "sync"
    rita.close()
    shown = run("--db", project.local("rita"), "history", "--limit", "1").output
    assert "layer of ana pulled" in shown and "as ana left it on the team server" in shown
    refused = run("--db", project.local("rita"), "revert", pulled.id, ok=False)
    assert refused.exit_code == 1 and "the layer is its owner's" in refused.output


def test_schema_changes_by_the_lead_reach_the_annotators(project):
    project.sync("ana")
    lead = Store.open(project.local("lena"))
    lead.actor = "lena"
    lead.save_label(Label("TOPIK", "entity", color="#123456", hotkey="9"))
    lead.close()
    assert "the schema" in project.sync("lena").output.splitlines()[1]
    assert "the schema" in project.sync("ana").output
    ana = Store.open(project.local("ana"))
    assert ana.schema().label("TOPIK").color == "#123456"


def test_a_label_only_the_local_file_has_stays_while_its_spans_use_it(project):
    project.sync("ana")
    ana = Store.open(project.local("ana"))
    ana.actor = "ana"
    ana.save_label(Label("LOKAL", "entity", color="#654321", hotkey="9"))
    ana.add_span(ana.document_ids()[0], "ana", 0, 8, "LOKAL")
    ana.close()
    lead = Store.open(project.local("lena"))
    lead.actor = "lena"
    lead.save_label(Label("TOPIK", "entity", color="#123456", hotkey="9"))
    lead.close()
    project.sync("lena")
    project.sync("ana")
    ana = Store.open(project.local("ana"))
    names = [label.name for label in ana.schema().labels]
    assert names[-2:] == ["TOPIK", "LOKAL"]
    assert ana.schema().label("LOKAL").hotkey == "" and ana.schema().label("TOPIK").hotkey == "9"


def test_two_annotators_offline_then_syncing_in_either_order(project, tmp_path):
    project.sync("ana")
    project.sync("budi")
    _annotate(project.local("ana"), "ana")
    _annotate(project.local("budi"), "budi", with_fact=False)
    project.sync("budi")
    project.sync("ana")
    project.sync("budi")
    project.sync("rita")
    everyone = layers_by_text(project.local("rita"), ["ana", "budi"])
    assert {k: v for k, v in everyone.items() if k[1] == "ana"} == layers_by_text(project.local("ana"), ["ana"])
    assert {k: v for k, v in everyone.items() if k[1] == "budi"} == layers_by_text(project.local("budi"), ["budi"])
    assert len(everyone) == 6
    # an annotator pulls gold and their own layer only: budi never sees ana's
    assert layers_by_text(project.local("budi"), ["ana"]) == {}


def test_gold_by_the_reviewer_reaches_the_annotators(project):
    project.sync("ana")
    _annotate(project.local("ana"), "ana", with_fact=False)
    project.sync("ana")
    project.sync("rita")
    rita = Store.open(project.local("rita"))
    rita.actor = "rita"
    document_id = rita.document_ids()[0]
    for span in rita.spans(document_id, "ana"):
        rita.add_span(document_id, "gold", span.start, span.end, span.label)
    rita.record_decision(document_id, "rita", "span", "accept", {"from": "ana"})
    digest = rita.document(document_id).hash
    rita.close()
    assert "pushed 1 layer(s) of documents, 1 review decision(s)" in project.sync("rita").output
    project.sync("ana")
    project.sync("budi")
    gold = layers_by_text(project.local("rita"), ["gold"])
    assert set(gold) == {(digest, "gold")}
    # the first document is ana's and (by the overlap) budi's too
    assert layers_by_text(project.local("ana"), ["gold"]) == gold
    assert layers_by_text(project.local("budi"), ["gold"]) == gold
    with _raw(project, "lena") as lena:
        assert lena.execute("SELECT reviewer, kind, choice FROM decisions").fetchall() == [("rita", "span", "accept")]
    # another reviewer gets the decision, once; rita's own is not pulled back as a second one
    project.add("rex", "reviewer")
    assert "1 review decision(s)" in project.sync("rex").output
    assert "review decision" not in project.sync("rex").output.splitlines()[2]
    project.sync("rita")
    for name in ("rex", "rita"):
        store = Store.open(project.local(name))
        assert [(d["reviewer"], d["choice"], d["detail"]) for d in store.decisions()] == [
            ("rita", "accept", {"from": "ana"})]
        store.close()


def _raw(project, name):
    return psycopg.connect(project.url(name), autocommit=True, options="-c search_path=annotator")


def test_the_server_refuses_writes_by_anyone_but_the_owner(project):
    """A client that bypasses annotator's code, connected as ana."""
    project.sync("budi")
    _annotate(project.local("budi"), "budi", with_fact=False)
    project.sync("budi")
    with _raw(project, "budi") as budi:
        budi_document = budi.execute("SELECT document_id FROM layers WHERE annotator = 'budi' LIMIT 1").fetchone()[0]
    with _raw(project, "lena") as lena:
        before = lena.execute("SELECT annotator, document_id, content_hash FROM layers ORDER BY 1, 2").fetchall()
    with _raw(project, "ana") as ana:
        for statement, params in [
            ("INSERT INTO layers (document_id, annotator, content, content_hash) VALUES (%s, 'budi', '{}', 'x')",
             [budi_document]),
            ("INSERT INTO layers (document_id, annotator, content, content_hash) VALUES (%s, 'gold', '{}', 'x')",
             [budi_document]),
            ("INSERT INTO layers (document_id, annotator, content, content_hash, updated_by) "
             "VALUES (%s, 'ana', '{}', 'x', 'budi')", [budi_document]),
            ("INSERT INTO documents (hash, title, text) VALUES ('h', 't', 'x')", []),
            ("INSERT INTO assignments (document_id, annotator) VALUES (%s, 'ana')", [budi_document]),
            ("INSERT INTO project_schema (id, schema, hash) VALUES (1, '{}', 'x') "
             "ON CONFLICT (id) DO UPDATE SET hash = 'x'", []),
            ("INSERT INTO decisions (uid, document_id, kind, choice, created) VALUES ('u', %s, 'k', 'c', 'now')",
             [budi_document]),
        ]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                ana.execute(statement, params)
        # rows ana may not write are rows ana cannot even see: updates and deletes find nothing;
        # of the documents, ana sees the three assigned to her
        assert ana.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
        assert ana.execute("UPDATE layers SET content_hash = 'x' WHERE annotator = 'budi'").rowcount == 0
        assert ana.execute("SELECT count(*) FROM layers WHERE annotator = 'budi'").fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            ana.execute("DELETE FROM layers")
        assert ana.execute("UPDATE project_schema SET hash = 'x'").rowcount == 0
    with _raw(project, "lena") as lena:
        assert lena.execute("SELECT annotator, document_id, content_hash FROM layers ORDER BY 1, 2").fetchall() == before
    with _raw(project, "rita") as rita:  # a reviewer writes gold
        rita.execute("INSERT INTO layers (document_id, annotator, content, content_hash) "
                     "VALUES (%s, 'gold', '{\"status\": null, \"spans\": [], \"facts\": []}', 'x')", [budi_document])


def test_a_sync_as_someone_else_or_by_a_stranger_is_refused_with_a_message(project, postgres_cluster):
    result = run("--db", project.local("ana"), "--annotator", "budi", "sync", "--server", project.url("ana"), ok=False)
    assert result.exit_code == 1
    assert "the server knows you as ana" in result.output and "secret" not in result.output
    with psycopg.connect(project.admin_url, autocommit=True) as admin:
        admin.execute("CREATE ROLE stranger LOGIN PASSWORD 'secret-stranger'")
    stranger = run("--db", project.local("stranger"), "--annotator", "stranger", "sync", "--server",
                   project.url("stranger"), ok=False)
    assert "stranger is not a member of this team project" in stranger.output
    elsewhere = start_project(postgres_cluster.new_database("t_another_project"), project.folder / "other", [])
    elsewhere.add("ana")
    other = run("--db", project.local("ana"), "--annotator", "ana", "sync", "--server", project.url("ana"))
    assert other.exit_code == 0
    other = run("--db", project.local("ana"), "--annotator", "ana", "sync", "--server",
                elsewhere.url("ana"), ok=False)
    assert "was synced with another team project" in other.output
    wrong = run("--db", project.local("ana"), "--annotator", "ana", "sync", "--server",
                project.url("ana").replace("secret-ana", "wrong"), ok=False)
    assert wrong.exit_code == 1 and "cannot connect" in wrong.output and "wrong" not in wrong.output.split("(")[0]


def test_a_new_file_gets_the_annotators_own_layer_back_and_carries_on(project):
    project.sync("ana")
    _annotate(project.local("ana"), "ana")
    project.sync("ana")
    laptop = project.folder / "ana-laptop.db"
    Store.open(laptop).close()
    run("--db", laptop, "--annotator", "ana", "sync", "--server", project.url("ana"))
    assert layers_by_text(laptop, ["ana"]) == layers_by_text(project.local("ana"), ["ana"])
    store = Store.open(laptop)
    store.actor = "ana"
    document_id = store.document_ids()[0]
    store.delete_span(store.spans(document_id, "ana")[0].id)
    store.close()
    assert "pushed 1 layer(s)" in run("--db", laptop, "--annotator", "ana", "sync", "--server",
                                      project.url("ana")).output
    project.sync("rita")
    assert layers_by_text(project.local("rita"), ["ana"]) == layers_by_text(laptop, ["ana"])


def test_a_layer_another_client_wrote_that_is_no_layer_is_left_out_with_a_message(project):
    project.sync("ana")
    with _raw(project, "ana") as ana:
        document_id = ana.execute("SELECT id FROM documents ORDER BY id LIMIT 1").fetchone()[0]
        for n, content in enumerate(['{"spans": "x"}', '{"status": null, "facts": [], "spans": [{"uid": 1}]}']):
            ana.execute("INSERT INTO layers (document_id, annotator, content, content_hash) VALUES (%s, 'ana', %s, %s) "
                        "ON CONFLICT (document_id, annotator) DO UPDATE SET content = excluded.content, "
                        "content_hash = excluded.content_hash, xact = pg_current_xact_id()",
                        [document_id, content, f"h{n}"])
            result = project.sync("rita")
            assert "left out, not a layer annotator can read: ana's layer of document" in result.output
    assert layers_by_text(project.local("rita"), ["ana"]) == {}


def test_changes_to_layers_that_are_not_yours_are_not_pushed_and_you_are_told(project):
    project.sync("ana")
    ana = Store.open(project.local("ana"))
    ana.actor = "ana"
    document_id = ana.document_ids()[0]
    ana.add_span(document_id, "gold", 0, 8, "PERSON")
    ana.add_span(document_id, "budi", 0, 8, "PERSON")
    ana.add_span(document_id, "ana", 0, 8, "PERSON")
    ana.close()
    result = project.sync("ana").output
    assert "pushed 1 layer(s)" in result
    assert "not pushed, as the server takes only the layers you own: your changes to budi, gold" in result
    with _raw(project, "lena") as lena:
        assert lena.execute("SELECT annotator FROM layers").fetchall() == [("ana",)]


def test_a_layer_committed_after_a_pull_began_is_pulled_by_the_next_one(project):
    """Row order on the server is the order transactions began, not the order they
    committed: a pull must not step past a write still under way."""
    import json

    from annotator.store.sync_records import layer_hash

    project.sync("budi")
    _annotate(project.local("budi"), "budi", with_fact=False)
    budi_local = Store.open(project.local("budi"))
    state = budi_local.layer_state(budi_local.document_ids()[0], "budi")
    digest = budi_local.document(budi_local.document_ids()[0]).hash
    budi_local.close()
    slow = psycopg.connect(project.url("budi"), options="-c search_path=annotator")  # not autocommit
    try:
        document_id = slow.execute("SELECT id FROM documents WHERE hash = %s", [digest]).fetchone()[0]
        slow.execute("INSERT INTO layers (document_id, annotator, content, content_hash) VALUES (%s, 'budi', %s, %s)",
                     [document_id, json.dumps(state), layer_hash(state)])
        # budi's transaction is open, with its id taken, while ana's later one commits and rita pulls
        project.sync("ana")
        _annotate(project.local("ana"), "ana", with_fact=False)
        project.sync("ana")
        assert "3 layer(s)" in project.sync("rita").output
        slow.commit()
    finally:
        slow.close()
    assert "1 layer(s)" in project.sync("rita").output
    assert len(layers_by_text(project.local("rita"), ["budi"])) == 1


def test_a_document_note_travels_with_its_layer(project):
    project.sync("ana")
    store = Store.open(project.local("ana"), create=False)
    store.actor = "ana"
    first = store.document_ids()[0]
    store.set_document_note(first, "ana", "the scan stops half way")
    digest = store.document(first).hash
    store.close()
    assert "pushed 1 layer(s)" in project.sync("ana").output
    project.sync("rita")
    rita = Store.open(project.local("rita"), create=False)
    [there] = [d for d in rita.document_ids() if rita.document(d).hash == digest]
    assert rita.document_notes(there) == {"ana": "the scan stops half way"}
    rita.close()
    store = Store.open(project.local("ana"), create=False)
    store.set_document_note(first, "ana", "")  # taken back: the note goes on the server too
    store.close()
    assert "pushed 1 layer(s)" in project.sync("ana").output
    project.sync("rita")
    rita = Store.open(project.local("rita"), create=False)
    assert rita.document_notes(there) == {}
    rita.close()
