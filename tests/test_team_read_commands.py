"""`--db postgresql://…` for commands that only read: they work on what the
server lets the member read, pulled into a temporary local copy."""

from __future__ import annotations

import json

from team_project import run, start_project
from test_team_sync import TEXTS, _annotate

from annotator.store import Store


def test_agreement_and_export_read_the_server(server_database, tmp_path):
    project = start_project(server_database, tmp_path, TEXTS)
    project.add("ana")
    project.add("budi")
    project.add("rita", "reviewer")
    run("team", "assign", "--annotator", "ana", "--count", "2", "--server", project.url("lena"))
    run("team", "assign", "--annotator", "budi", "--count", "2", "--overlap", "2", "--server", project.url("lena"))
    for name, with_fact in (("ana", True), ("budi", False)):
        project.sync(name)
        _annotate(project.local(name), name, with_fact=with_fact)
        project.sync(name)

    out = tmp_path / "all.jsonl"
    run("--db", project.url("rita"), "export", "--format", "native", "--out", out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(TEXTS)
    layers = sorted({s["annotator"] for r in records for s in r["spans"]})
    assert layers == ["ana", "budi"]
    agreement = run("--db", project.url("rita"), "agreement", "--json")
    assert {"ana", "budi"} <= set(json.dumps(json.loads(agreement.output)).replace('"', " ").split())

    # an annotator reads only what the server shows them: their documents, their layer
    mine = tmp_path / "mine.jsonl"
    run("--db", project.url("ana"), "export", "--format", "native", "--out", mine)
    records = [json.loads(line) for line in mine.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 and {s["annotator"] for r in records for s in r["spans"]} == {"ana"}
    # and the local files were not touched
    assert Store.open(project.local("rita")).document_ids() == []
