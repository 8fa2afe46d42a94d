"""brat standoff: the real brat files go into the database and come back out
with the same annotations (ids and line order aside)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.exchange import export, import_files
from annotator.formats.base import FormatError, ReadOptions
from annotator.formats.brat import read

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


def ann_content(path: Path, skip: str = "*") -> set:
    """The annotations of an .ann file with ids replaced by what they point at."""
    lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l.strip() and l[0] not in skip]
    by_id: dict[str, str] = {}
    for line in lines:
        if line[0] == "T":
            brat_id, middle, *_ = line.split("\t")
            by_id[brat_id] = middle
    def resolve(ref: str, depth: int = 0) -> str:
        if ref in by_id:
            return by_id[ref]
        line = next(l for l in lines if l.split("\t")[0] == ref)
        return describe(line, depth + 1)
    def describe(line: str, depth: int = 0) -> str:
        parts = line.split("\t")
        kind, fields = parts[0][0], parts[1].split()
        if kind == "T":
            return f"T {parts[1]} {parts[2] if len(parts) > 2 else ''}"
        if kind == "E":
            label, _, trigger = fields[0].partition(":")
            args = sorted(f"{r}={resolve(t, depth)}" for r, _, t in (a.partition(":") for a in fields[1:]))
            return f"E {label} {resolve(trigger)} {args}"
        if kind == "R":
            return f"R {fields[0]} " + " ".join(f"{r}={resolve(t, depth)}" for r, _, t in sorted(a.partition(":") for a in fields[1:]))
        if kind in "AM":
            return f"A {fields[0]} {resolve(fields[1], depth)} {fields[2:] }"
        if kind == "#":
            return f"# {resolve(fields[1], depth)} {parts[2] if len(parts) > 2 else ''}"
        if kind == "N":
            return f"N {fields[0]} {resolve(fields[1], depth)} {fields[2]} {parts[2] if len(parts) > 2 else ''}"
        raise AssertionError(line)
    return {describe(line) for line in lines}


def test_brat_tutorial_round_trip_through_the_database(tmp_path, store):
    source = FIXTURES / "brat-news"
    report = import_files(store, [source], format="brat", annotator="ana")
    assert report.documents_added == 13 and report.spans == 119
    assert report.facts == 8 + 23  # relations and events, as brat-peek counts them
    assert any("equivalence" in w for w in report.warnings)
    assert store.check() == []
    export(store, "brat", tmp_path / "out")
    for ann in sorted(source.glob("*.ann")):
        exported = tmp_path / "out" / ann.name
        assert ann_content(exported) == ann_content(ann), ann.name
    assert (tmp_path / "out" / "999-complete.txt").read_bytes() == (source / "999-complete.txt").read_bytes()
    conf = (tmp_path / "out" / "annotation.conf").read_text()
    for section in ("[entities]", "[relations]", "[events]", "[attributes]"):
        assert section in conf
    assert "Merge-org\tOrg-Arg*:<ANY>" in conf and "Confidence\tArg:<EVENT>, Value:" in conf


def test_roles_used_twice_are_read_as_one_role_and_written_numbered(tmp_path, store):
    import_files(store, [FIXTURES / "brat-news"], format="brat", annotator="ana")
    merges = [f for d in store.document_ids() for f in store.facts(d) if f.label == "Merge-org"]
    assert any([a.role for a in f.args] == ["Org-Arg"] * 4 for f in merges)
    assert store.schema().label("Merge-org").role("Org-Arg").cardinality == "many"
    assert store.schema().label("Family").trigger is False


def test_relation_arguments_take_the_schema_role_names(tmp_path, store):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Ani anggota PBB.", encoding="utf-8")
    (folder / "a.ann").write_text("T1\tPERSON 0 3\tAni\nT2\tORGANISATION 12 15\tPBB\nR1\tMEMBER_OF Arg1:T1 Arg2:T2\n",
                                  encoding="utf-8")
    import_files(store, [folder], annotator="ana")
    (fact,) = store.facts(store.document_ids()[0])
    assert [a.role for a in fact.args] == ["member", "group"]
    export(store, "brat", tmp_path / "out")
    assert "R1\tMEMBER_OF Arg1:T1 Arg2:T2" in (tmp_path / "out" / "a.ann").read_text()


def test_discontinuous_spans_are_joined_with_a_warning_or_refused():
    options = ReadOptions()
    records = list(read(FIXTURES / "brat-dkpro", options))
    doc = next(r for r in records if r.document.meta["source"] == "document0d.txt")
    assert any(s.start == 5 and s.end == 10 for s in doc.spans)
    assert any("discontinuous T2" in w for w in options.warnings)
    with pytest.raises(FormatError, match=r"document0d.ann:2: T2 is discontinuous"):
        list(read(FIXTURES / "brat-dkpro", ReadOptions(discontinuous="error")))


def test_an_ann_that_does_not_match_its_txt_is_refused(tmp_path, store):
    folder = tmp_path / "in"
    shutil.copytree(FIXTURES / "brat-news", folder)
    (folder / "000-introduction.txt").write_text("Some other text entirely. " * 40, encoding="utf-8")
    with pytest.raises(FormatError, match=r"000-introduction.ann:\d+: T\d+ says it covers"):
        import_files(store, [folder], format="brat")
    assert store.document_ids() == []


def test_several_layers_are_written_one_subfolder_each_and_read_back(tmp_path, store):
    import_files(store, [FIXTURES / "brat-news" / "000-introduction.ann"], format="brat", annotator="ana")
    import_files(store, [FIXTURES / "brat-news" / "000-introduction.ann"], format="brat", annotator="budi")
    untouched, _ = store.add_document("nobody's yet", "Belum ada yang menandai artikel ini.")
    report = export(store, "brat", tmp_path / "out")
    assert (tmp_path / "out" / "ana" / "000-introduction.ann").exists()
    assert (tmp_path / "out" / "budi" / "000-introduction.ann").exists()
    # a document no one annotated yet still goes out, to each annotator's folder
    for layer in ("ana", "budi"):
        txt = tmp_path / "out" / layer / f"document-{untouched.id}.txt"
        assert txt.read_text(encoding="utf-8") == "Belum ada yang menandai artikel ini."
        assert txt.with_suffix(".ann").read_text(encoding="utf-8") == ""
    assert report.summaries["all"].documents == 2
    records = list(read(tmp_path / "out", ReadOptions()))
    assert sorted(a for r in records for a in r.annotators()) == ["ana", "budi"]
