"""brat standoff: a folder of `.txt` + `.ann` pairs, with `annotation.conf`.

T lines are spans, E lines facts with a trigger, R lines binary relations
(facts without a trigger), A/M lines attributes, `#` lines notes, N lines
normalisations (kept in the `brat_normalization` attribute). `*` equivalence
lines have no counterpart here and are reported as skipped.

One folder holds one layer, as in brat. On import, subfolders are layers only
when asked (`layers_from_folders`) or when every subfolder holds the same
texts (as our export of several layers writes them); otherwise they are just
folders (a corpus split into `train/` and `test/`, or by language): every file
goes to the import's annotator and keeps its folder in the document's `source`,
and an export writes it back into that folder. On export, several layers go to
one subfolder each.

Offsets are brat's, which are not quite ours: brat reads the `.txt` with
universal newlines, so a CRLF counts as one character there (nlplab/brat#853),
and a span crossing a line break is written as fragments either side of it, as
brat's own editor writes it (brat refuses a T line whose text is not exactly the
`.txt` between its offsets). The `.txt` keeps the document's bytes; offsets are
converted both ways (`BratOffsets`), and a reader also takes files whose offsets
count CRLF as two, telling them apart by the text each T line quotes.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from annotator.domain import AnnotatedDocument, Argument, Document, Fact, Label, Schema, Span
from annotator.domain.document import SOURCE_NAME
from annotator.formats.base import (
    Format, FormatError, ReadOptions, WriteOptions, WriteSummary, register,
)
from annotator.formats.brat_names import NAMES_FILE, BratNames, OurNames, folder_names, kind_name
from annotator.formats.output import refuse_existing, staged_files
from annotator.formats.reading import check_file_size, read_text

NORMALIZATION = "brat_normalization"
"""Attribute holding brat N lines as [type, reference, text] triples."""

NOTES = "brat_notes"
"""Attribute holding `#` lines of a type other than AnnotatorNotes (TDT's
`Lemma`, for one) as [type, text] pairs; AnnotatorNotes become the note."""

ANNOTATOR_NOTES = "AnnotatorNotes"

_BOM = b"\xef\xbb\xbf"

_REPEAT_NUMBER = re.compile(r"[2-9]|[1-9]\d+")
"""What brat appends to a role name used again in one fact: 2, 3, ..."""


# -- reading ------------------------------------------------------------------

def document_files(root: Path) -> list[Path]:
    """The `.txt` files of a brat folder (or the one document named)."""
    root = Path(root)
    if root.is_dir():
        return sorted(p for p in root.rglob("*.txt") if p.is_file() and not p.name.startswith("."))
    return [root.with_suffix(".txt")]


def read(path: Path, options: ReadOptions) -> Iterator[AnnotatedDocument]:
    root = Path(path)
    files = document_files(root)
    if not files:
        raise FormatError(root, "holds no .txt files")
    names = OurNames.beside(root)
    by_layer = root.is_dir() and _folders_are_layers(root, files, options)
    for txt in files:
        layer, base = options.annotator, root
        if by_layer and txt.parent != root:
            folder = txt.relative_to(root).parts[0]
            layer, base = names.ours("layers", folder), root / folder
        try:
            record = read_document(txt, txt.with_suffix(".ann"), layer, options,
                                   base if root.is_dir() else None, names)
            if record is not None:
                yield record
        except FormatError as error:
            if not options.skip_bad:
                raise
            options.skipped.append(str(error))


def _folders_are_layers(root: Path, files: list[Path], options: ReadOptions) -> bool:
    """Whether the subfolders of `root` are annotators' layers (see the module's docstring)."""
    folders: dict[str, dict[Path, Path]] = {}
    for txt in files:
        parts = txt.relative_to(root).parts
        if len(parts) > 1:
            folders.setdefault(parts[0], {})[Path(*parts[1:])] = txt
    if options.layers_from_folders is not None:
        return options.layers_from_folders
    if not folders:
        return False
    names = {frozenset(contents) for contents in folders.values()}
    same = len(folders) > 1 and len(names) == 1 and all(txt.parent != root for txt in files) and all(
        len({contents[name].read_bytes() for contents in folders.values()}) == 1 for name in next(iter(names)))
    if not same:
        options.warnings.append(
            f"{root}: subfolders {', '.join(sorted(folders))} read as folders of one layer ({options.annotator}); "
            "--layers-from-folders reads each as an annotator's layer")
    return same


def read_document(txt: Path, ann: Path, annotator: str, options: ReadOptions,
                  root: Path | None = None, names: OurNames | None = None) -> AnnotatedDocument | None:
    """The document of a .txt/.ann pair; None (with a warning) for an empty .txt,
    which brat corpora hold as placeholders, unless `options.strict`."""
    check_file_size(txt, options)
    text = read_text(txt)
    if not text.strip():
        if options.strict or (ann.exists() and read_text(ann).strip()):
            raise FormatError(txt, "is empty")
        options.warnings.append(f"{txt}: empty, skipped")
        return None
    name = txt.relative_to(root).as_posix() if root is not None and root.is_dir() else txt.name
    names = names or OurNames()
    # the file's path in the folder names the document, with its text; an export of ours
    # records the name a document had where its file is named otherwise
    document = Document(None, txt.stem, text, {"source": name, SOURCE_NAME: names.ours("documents", name)})
    if not ann.exists():
        return AnnotatedDocument(document)
    with open(txt, "rb") as raw:
        # brat reads the .txt as plain UTF-8, so a byte-order mark is its offset 0
        bom = raw.read(len(_BOM)) == _BOM
    parser = _AnnParser(ann, text, annotator, options, names, bom)
    parser.parse(read_text(ann))
    return AnnotatedDocument(document, parser.spans(), parser.facts())


@dataclass
class _TextBound:
    line: int
    brat_id: str
    label: str
    offsets: str
    fragments: list[tuple[int, int]]
    surface: str | None


@dataclass
class _Pending:
    line: int
    brat_id: str
    label: str
    args: list[tuple[str, str]]
    trigger: str | None = None


@dataclass
class _AnnParser:
    path: Path
    text: str
    annotator: str
    options: ReadOptions
    names: OurNames
    """Our names of the labels, roles and attributes an export renamed for brat."""
    bom: bool = False
    span_by_id: dict[str, Span] = field(default_factory=dict)
    textbound: list[_TextBound] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    extras: list[tuple[int, str, str]] = field(default_factory=list)
    """(line, kind, raw) of A/M, # and N lines, applied once every target is known."""
    fact_by_id: dict[str, Fact] = field(default_factory=dict)

    def fail(self, line: int, message: str) -> FormatError:
        return FormatError(self.path, message, line)

    def parse(self, content: str) -> None:
        # only "\n" ends an .ann line: str.splitlines() would also cut at
        # U+2028, U+0085 and the like inside a span's surface text
        for n, raw in enumerate(content.split("\n"), 1):
            raw = raw.removesuffix("\r")
            if not raw.strip():
                continue
            kind = raw[0]
            if kind == "T":
                self._span(n, raw)
            elif kind in "ER":
                self._fact_line(n, raw)
            elif kind in "AM#N":
                self.extras.append((n, kind, raw))
            elif kind == "*":
                self.options.warnings.append(f"{self.path}:{n}: equivalence line skipped (no counterpart in annotator)")
            else:
                raise self.fail(n, f"unknown annotation line {raw[:40]!r}")
        self._build_spans()
        self._build_facts()
        for n, kind, raw in self.extras:
            self._extra(n, kind, raw)

    def _span(self, n: int, raw: str) -> None:
        # the quoted text may itself hold a TAB, as brat's reader allows
        parts = raw.split("\t", 2)
        if len(parts) < 2:
            raise self.fail(n, "a T line needs an id, a label with offsets, and the text")
        brat_id, middle = parts[0], parts[1]
        label, _, offsets = middle.partition(" ")
        try:
            fragments = [tuple(int(x) for x in piece.split()) for piece in offsets.split(";")]
            if not fragments or any(len(f) != 2 for f in fragments):
                raise ValueError
        except ValueError:
            raise self.fail(n, f"cannot read the offsets {offsets!r}") from None
        self.textbound.append(_TextBound(n, brat_id, self.names.ours("labels", label), offsets,
                                         fragments,  # type: ignore[arg-type]
                                         parts[2] if len(parts) > 2 else None))

    def _build_spans(self) -> None:
        # brat's own files count a CRLF as one character and a byte-order mark
        # as offset 0; some other tools count a CRLF as two, or skip the mark.
        # The text each T line quotes tells which way this file counts.
        views = [BratOffsets(self.text, count_crlf_as_one=crlf, bom=bom)
                 for bom in ([True, False] if self.bom else [False]) for crlf in (True, False)]
        view = next((v for v in views if all(self._quotes_match(t, v) for t in self.textbound)), views[0])
        for t in self.textbound:
            self._add_span(t, view)

    def _quotes_match(self, t: _TextBound, view: BratOffsets) -> bool:
        if not all(0 <= start < end <= len(view.text) for start, end in t.fragments):
            return False
        return t.surface is None or _quote_matches(t.surface, " ".join(view.text[s:e] for s, e in t.fragments))

    def _add_span(self, t: _TextBound, view: BratOffsets) -> None:
        n, brat_id = t.line, t.brat_id
        for start, end in t.fragments:
            if not (0 <= start < end <= len(view.text)):
                raise self.fail(n, f"{brat_id} offsets {start}-{end} are outside the text of "
                                   f"{self.path.with_suffix('.txt').name} (length {len(view.text)})")
        covered = " ".join(view.text[s:e] for s, e in t.fragments)
        if t.surface is not None and not _quote_matches(t.surface, covered):
            raise self.fail(n, f"{brat_id} says it covers {t.surface!r} but the .txt has {covered!r} there; "
                               "the .ann does not belong to this .txt")
        start, end = view.to_ours(t.fragments[0][0]), view.to_ours(t.fragments[-1][1])
        if start >= end:
            raise self.fail(n, f"{brat_id} covers nothing but the byte-order mark")
        gaps = [view.text[a[1]:b[0]] for a, b in zip(t.fragments, t.fragments[1:])]
        # fragments either side of line breaks are how brat writes one span across lines
        if any(not _LINE_BREAKS_ONLY.fullmatch(gap) for gap in gaps):
            if self.options.discontinuous == "error":
                raise self.fail(n, f"{brat_id} is discontinuous ({t.offsets}); annotator spans are continuous")
            self.options.warnings.append(
                f"{self.path}:{n}: discontinuous {brat_id} ({t.offsets}) joined into one span {start}-{end}")
        if brat_id in self.span_by_id:
            raise self.fail(n, f"id {brat_id} is used twice")
        self.span_by_id[brat_id] = Span(len(self.span_by_id) + 1, None, self.annotator, start, end, t.label,
                                        self.text[start:end])

    def _fact_line(self, n: int, raw: str) -> None:
        parts = raw.split("\t")
        if len(parts) < 2 or not parts[1].strip():
            raise self.fail(n, "an E or R line needs an id and a type")
        brat_id, items = parts[0], parts[1].split()
        if raw[0] == "E":
            label, _, trigger = items[0].partition(":")
            pending = _Pending(n, brat_id, self.names.ours("labels", label), [], trigger or None)
        else:
            pending = _Pending(n, brat_id, self.names.ours("labels", items[0]), [])
        for item in items[1:]:
            role, sep, target = item.partition(":")
            if not sep or not target:
                raise self.fail(n, f"cannot read the argument {item!r} (expected Role:Id)")
            pending.args.append((role, target))
        self.pending.append(pending)

    def _build_facts(self) -> None:
        known = {p.brat_id for p in self.pending}
        for i, p in enumerate(self.pending, 1):
            if p.brat_id in self.fact_by_id:
                raise self.fail(p.line, f"id {p.brat_id} is used twice")
            if p.trigger is not None and p.trigger not in self.span_by_id:
                raise self.fail(p.line, f"{p.brat_id} is triggered by {p.trigger}, which is not a T line of this file")
            self.fact_by_id[p.brat_id] = Fact(
                i, None, self.annotator, p.label,
                self.span_by_id[p.trigger].id if p.trigger else None)
        for p in self.pending:
            fact = self.fact_by_id[p.brat_id]
            roles = self._role_names(p)
            for role, (_, target) in zip(roles, p.args):
                if target in self.span_by_id:
                    fact.args.append(Argument(role, span_id=self.span_by_id[target].id))
                elif target in known:
                    fact.args.append(Argument(role, fact_id=self.fact_by_id[target].id))
                else:
                    raise self.fail(p.line, f"{p.brat_id} role {role} points at {target}, which is not in this file")

    def _role_names(self, p: _Pending) -> list[str]:
        if p.brat_id.startswith("R"):
            schema = self.options.schema
            label = schema.label(p.label) if schema else None
            names = [r for r, _ in p.args]
            if label is not None and len(label.roles) == 2 and sorted(names) == ["Arg1", "Arg2"]:
                return [label.roles[int(r[-1]) - 1].name for r in names]
            return [self.names.ours("roles", name) for name in names]
        # brat numbers a role used again: Org-Arg, Org-Arg2, Org-Arg3
        seen: set[str] = set()
        names = []
        for role, _ in p.args:
            base = next((b for b in seen if role.startswith(b) and _REPEAT_NUMBER.fullmatch(role[len(b):])), role)
            seen.add(base)
            names.append(self.names.ours("roles", base))
        return names

    def _target(self, n: int, brat_id: str) -> Span | Fact:
        found = self.span_by_id.get(brat_id) or self.fact_by_id.get(brat_id)
        if found is None:
            raise self.fail(n, f"refers to {brat_id}, which is not in this file")
        return found

    def _extra(self, n: int, kind: str, raw: str) -> None:
        parts = raw.split("\t", 2)  # a note's text may hold tabs, as brat reads it
        fields = parts[1].split() if len(parts) > 1 else []
        if kind in "AM":
            if len(fields) < 2:
                raise self.fail(n, "an attribute line needs a name and a target")
            target = self._target(n, fields[1])
            name = self.names.ours("attributes", fields[0])
            target.attributes[name] = self.names.ours(f"values:{name}", fields[2]) if len(fields) > 2 else True
        elif kind == "#":
            if len(fields) < 2:
                raise self.fail(n, "a note line needs a type and a target")
            target = self._target(n, fields[1])
            note = parts[2] if len(parts) > 2 else ""
            if fields[0] == ANNOTATOR_NOTES:
                target.note = f"{target.note}\n{note}" if target.note else note
            else:
                target.attributes.setdefault(NOTES, []).append([fields[0], note])
        else:
            if len(fields) < 3:
                raise self.fail(n, "a normalisation line needs a type, a target and a reference")
            target = self._target(n, fields[1])
            target.attributes.setdefault(NORMALIZATION, []).append(
                [fields[0], fields[2], parts[2] if len(parts) > 2 else ""])

    def spans(self) -> list[Span]:
        return list(self.span_by_id.values())

    def facts(self) -> list[Fact]:
        return list(self.fact_by_id.values())


# -- writing ------------------------------------------------------------------

@dataclass
class _Plan:
    """What a brat export of some records writes, before anything is written."""

    folder: Path
    names: BratNames
    documents: list[tuple[Path, AnnotatedDocument]]
    """Each document's path without suffix (its `.txt` and `.ann`), with its record."""
    confs: dict[Path, str]
    """The configuration files (and the names file) with their text."""

    def paths(self) -> list[Path]:
        return [*(base.with_name(base.name + suffix) for base, _ in self.documents for suffix in (".txt", ".ann")),
                *self.confs]


def _plan(records: list[AnnotatedDocument], path: Path, options: WriteOptions) -> _Plan:
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise FormatError(folder, "is a file; a brat export writes a folder")
    layers = sorted({name for r in records for name in r.annotators()})
    names = BratNames.of(names_used(records, options.schema), folder)
    if len(layers) <= 1:
        layout = [(folder, records)]
    else:
        # every document in every layer's folder, as a brat project per
        # annotator holds them all: one that nobody annotated is still exported
        names.to_brat["layers"] = folder_names(layers, reserved=["annotation.conf", "visual.conf", NAMES_FILE])
        layout = [(folder / names.to_brat["layers"][layer], [r.layer(layer) for r in records]) for layer in layers]
    documents = [(layer_folder / stem, record) for layer_folder, layer_records in layout
                 for stem, record in _stems(layer_records)]
    for stem, record in _stems(records):
        if record.document.source_name not in ("", f"{stem}.txt"):
            names.documents[f"{stem}.txt"] = record.document.source_name
    confs = {folder / "annotation.conf": annotation_conf(records, options.schema, names)}
    if options.schema is not None:
        confs[folder / "visual.conf"] = visual_conf(options.schema, names)
    if names.recorded():
        confs[folder / NAMES_FILE] = names.as_json()
    return _Plan(folder, names, documents, confs)


def outputs(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> list[Path]:
    """Every file an export of the records to `path` writes."""
    return _plan(list(records), path, options).paths()


def write(records: Iterable[AnnotatedDocument], path: Path, options: WriteOptions) -> WriteSummary:
    """The folder's own files only: into an existing folder nothing else is
    touched, and files of the same names are refused unless `options.overwrite`."""
    records = list(records)
    plan = _plan(records, path, options)
    summary = WriteSummary(files=[plan.folder])
    renamed = plan.names.renamed()
    if renamed:
        shown = [f"{ours!r} as {theirs}" for kind in renamed for theirs, ours in renamed[kind].items()]
        summary.notes.append(f"names brat cannot hold, written as brat names (recorded in {NAMES_FILE}, "
                             f"which annotator reads back): {', '.join(shown)}")
    refuse_existing(plan.paths(), options.overwrite)
    with staged_files(options.overwrite) as staged:
        staged.folder(plan.folder)
        for base, record in plan.documents:
            staged.write_text(base.with_name(base.name + ".txt"), record.document.text)
            lines = ann_lines(record, options.schema, summary.dropped, plan.names)
            staged.write_text(base.with_name(base.name + ".ann"), "".join(line + "\n" for line in lines))
            summary.spans += len(record.spans)
            summary.facts += len(record.facts)
        for target, text in plan.confs.items():
            staged.write_text(target, text)
    summary.documents = len(records)
    return summary


def names_used(records: list[AnnotatedDocument], schema: Schema | None) -> dict[str, list[str]]:
    """The label, role and attribute names an export of the records writes."""
    labels: list[str] = [label.name for label in schema.labels] if schema else []
    roles: list[str] = [role.name for label in schema.labels for role in label.roles] if schema else []
    attributes: list[str] = [attr.name for attr in schema.attributes] if schema else []
    values: dict[str, list[str]] = {f"values:{attr.name}": list(attr.choices) for attr in schema.attributes} \
        if schema else {}
    for record in records:
        labels += [s.label for s in record.spans] + [f.label for f in record.facts]
        roles += [a.role for f in record.facts for a in f.args]
        for item in [*record.spans, *record.facts]:
            for name, value in item.attributes.items():
                if name in (NORMALIZATION, NOTES):
                    continue
                attributes.append(name)
                if isinstance(value, str | int | float) and not isinstance(value, bool):
                    values.setdefault(f"values:{name}", []).append(str(value))
    return {"labels": labels, "roles": roles, "attributes": attributes, **values}


def _stems(records: list[AnnotatedDocument]) -> Iterator[tuple[str, AnnotatedDocument]]:
    """Each record with the file name (without suffix) it gets in its folder,
    distinct also on file systems that ignore case."""
    used: set[str] = set()
    for record in records:
        stem = _stem(record, used)
        used.add(stem.casefold())
        yield stem, record


def _stem(record: AnnotatedDocument, used: set[str]) -> str:
    """The file name, without suffix, of a document's .txt and .ann in the export:
    the name and folder it was imported from, where it came from a brat folder."""
    source = str(record.document.meta.get("source", ""))
    if source.endswith(".txt"):
        path = PurePosixPath(source.replace("\\", "/"))
        folders = [_safe(part) for part in path.parts[:-1] if part not in ("", ".", "..", "/")]
        base = "/".join([*folders, _safe(path.stem)])
    else:
        base = f"document-{record.document.id}"
    stem, n = base, 2
    while stem.casefold() in used:
        stem, n = f"{base}-{n}", n + 1
    return stem


def _safe(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name).strip("._") or "layer"


def ann_lines(record: AnnotatedDocument, schema: Schema | None, dropped: Counter,
              names: BratNames | None = None) -> list[str]:
    names = names or BratNames()
    label, role_name, attribute = (lambda name: names.brat("labels", name),  # type: ignore[union-attr]
                                   lambda name: names.brat("roles", name),  # type: ignore[union-attr]
                                   lambda name: names.brat("attributes", name))  # type: ignore[union-attr]
    lines: list[str] = []
    ids: dict[tuple[str, int | None], str] = {}
    brat = BratOffsets(record.document.text)
    for n, span in enumerate(record.spans, 1):
        ids[("span", span.id)] = f"T{n}"
        lines.append(f"T{n}\t{label(span.label)} {_textbound(record.document.text, span, brat)}")
    events = relations = 0
    written: list[tuple[str, Any]] = [(ids[("span", s.id)], s) for s in record.spans]
    for fact in record.facts:
        if fact.span_id is not None:
            events += 1
            ids[("fact", fact.id)] = f"E{events}"
        elif len(fact.args) == 2:
            relations += 1
            ids[("fact", fact.id)] = f"R{relations}"
        else:
            dropped["relation without a trigger that does not have exactly two arguments"] += 1
    for fact in record.facts:
        brat_id = ids.get(("fact", fact.id))
        if brat_id is None:
            continue
        targets = []
        for arg in _ordered_args(fact, schema):
            key = ("span", arg.span_id) if arg.span_id is not None else ("fact", arg.fact_id)
            if key not in ids:
                dropped["argument pointing at an annotation not exported"] += 1
                continue
            targets.append((role_name(arg.role), ids[key]))
        if brat_id.startswith("E"):
            counts: Counter = Counter()
            roles = []
            for role, target in targets:
                counts[role] += 1
                roles.append(f"{role}{counts[role] if counts[role] > 1 else ''}:{target}")
            lines.append(f"{brat_id}\t{label(fact.label)}:{ids[('span', fact.span_id)]}"
                         + "".join(" " + r for r in roles))
        elif len(targets) == 2:
            lines.append(f"{brat_id}\t{label(fact.label)} Arg1:{targets[0][1]} Arg2:{targets[1][1]}")
        else:
            dropped["relation without a trigger that does not have exactly two arguments"] += 1
            continue
        written.append((brat_id, fact))
    attributes = notes = normalizations = 0
    for brat_id, item in written:
        for name, value in item.attributes.items():
            if name == NORMALIZATION and isinstance(value, list):
                for ref_type, ref, text in value:
                    normalizations += 1
                    lines.append(f"N{normalizations}\t{ref_type} {brat_id} {ref}\t{text}")
            elif name == NOTES and isinstance(value, list):
                for note_type, text in value:
                    notes += 1
                    lines.append(f"#{notes}\t{note_type} {brat_id}\t{_one_line(text)}")
            elif value is True:
                attributes += 1
                lines.append(f"A{attributes}\t{attribute(name)} {brat_id}")
            elif value is False or value is None:
                continue
            elif isinstance(value, str | int | float) and str(value).strip():
                attributes += 1
                lines.append(f"A{attributes}\t{attribute(name)} {brat_id} {names.brat(f'values:{name}', str(value))}")
            else:
                dropped[f"attribute value brat cannot hold ({name})"] += 1
        # brat reads with universal newlines: a CR alone ends a line too
        for note in re.split("\r\n|\r|\n", item.note) if item.note else []:
            notes += 1
            lines.append(f"#{notes}\t{ANNOTATOR_NOTES} {brat_id}\t{note}")
    return lines


def _ordered_args(fact: Fact, schema: Schema | None) -> list[Argument]:
    label = schema.label(fact.label) if schema else None
    if label is None or fact.span_id is not None:
        return list(fact.args)
    order = {role.name: i for i, role in enumerate(label.roles)}
    return sorted(fact.args, key=lambda a: order.get(a.role, len(order)))


_LINE_BREAKS = re.compile("\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_LINE_BREAKS_ONLY = re.compile(f"(?:{_LINE_BREAKS.pattern})+")


class BratOffsets:
    """The document text as brat sees it, and offsets converted to and from ours.

    brat opens the `.txt` with universal newlines, which turn each CRLF into
    one LF: every offset after a CRLF is one less in brat than in the stored
    text (a lone CR stays one character). With `count_crlf_as_one=False` the
    view is the stored text itself, for files written by tools that count two.
    """

    def __init__(self, text: str, *, count_crlf_as_one: bool = True, bom: bool = False) -> None:
        pairs = [m.start() for m in re.finditer("\r\n", text)] if count_crlf_as_one else []
        self.differs = bool(pairs)
        self.text = text.replace("\r\n", "\n") if pairs else text
        self._after_pair = [p + 1 for p in pairs]
        self._pair_in_view = [p - k for k, p in enumerate(pairs)]
        # a byte-order mark the stored text leaves out, counted as brat counts it
        self._lead = 1 if bom else 0
        if bom:
            self.text = "\ufeff" + self.text

    def to_brat(self, offset: int) -> int:
        return offset - bisect_left(self._after_pair, offset) + self._lead

    def to_ours(self, offset: int) -> int:
        offset = max(0, offset - self._lead)
        return offset + bisect_left(self._pair_in_view, offset)


def _textbound(text: str, span: Span, brat: BratOffsets) -> str:
    """"START END\tTEXT" of a span's T line, in fragments between line breaks."""
    fragments, at = [], span.start
    for brk in _LINE_BREAKS.finditer(text, span.start, span.end):
        if brk.start() > at:
            fragments.append((at, brk.start()))
        at = brk.end()
    if at < span.end:
        fragments.append((at, span.end))
    if not fragments:  # nothing but line breaks: brat cannot show it, but keep it
        fragments = [(span.start, span.end)]
    offsets = ";".join(f"{brat.to_brat(s)} {brat.to_brat(e)}" for s, e in fragments)
    return f"{offsets}\t{_one_line(' '.join(text[s:e] for s, e in fragments))}"


def _one_line(text: str) -> str:
    # the quoted text must stay on its T line
    return _LINE_BREAKS.sub(" ", text)


def _quote_matches(quoted: str, covered: str) -> bool:
    # files written before spans were cut at line breaks quote a line break as a space
    return quoted == covered or _one_line(quoted) == _one_line(covered)


def annotation_conf(records: list[AnnotatedDocument], schema: Schema | None, names: BratNames | None = None) -> str:
    """brat's annotation.conf describing the labels, roles and attributes used,
    by their brat names. Only labels the export uses are defined, so tools that
    list every defined label (bratiaa's agreement tables) show no empty rows;
    the schema's other labels follow as comments in their sections, ready to
    be uncommented to annotate with them in brat. Roles name only the labels
    defined."""
    names = names or BratNames()
    label_name = lambda name: names.brat("labels", name)  # type: ignore[union-attr]  # noqa: E731
    role_name = lambda name: names.brat("roles", name)  # type: ignore[union-attr]  # noqa: E731
    entities: dict[str, None] = {}
    events: dict[str, dict[str, str]] = {}
    relations: dict[str, None] = {}
    attributes: dict[str, dict[str, Any]] = {}
    triggers = {f.label for r in records for f in r.facts if f.span_id is not None}
    labels: list[Label] = list(schema.labels) if schema else []
    for label in labels:
        if label.kind == "entity":
            entities[label.name] = None
        elif label.trigger:
            events[label.name] = {}
            for r in label.roles:
                base = _brat_role(r.name)
                # roles brat folds into one (Org1, Org2 -> Org) take any number of fillers
                events[label.name][base] = "many" if base in events[label.name] else r.cardinality
        else:
            relations[label.name] = None
    for r in records:
        for s in r.spans:
            if s.label not in triggers and s.label not in events:
                entities.setdefault(s.label, None)
        for f in r.facts:
            if f.span_id is None:
                relations.setdefault(f.label, None)
            else:
                roles = events.setdefault(f.label, {})
                counts = Counter(_brat_role(a.role) for a in f.args)
                for role, n in counts.items():
                    roles[role] = "many" if n > 1 or roles.get(role) == "many" else roles.get(role, "optional")
        for item in [*r.spans, *r.facts]:
            for name, value in item.attributes.items():
                if name in (NORMALIZATION, NOTES):
                    continue
                entry = attributes.setdefault(name, {"kinds": set(), "values": {}})
                entry["kinds"].add("<ENTITY>" if isinstance(item, Span) else
                                   "<EVENT>" if item.span_id is not None else "<RELATION>")
                if not isinstance(value, bool):
                    entry["values"][str(value)] = None
    if schema:
        for attr in schema.attributes:
            entry = attributes.setdefault(attr.name, {"kinds": set(), "values": {}})
            entry["kinds"].update("<ENTITY>" if k == "entity" else "<EVENT>" for k in attr.applies_to)
            entry["values"].update(dict.fromkeys(attr.choices))
    used = {s.label for r in records for s in r.spans} | {f.label for r in records for f in r.facts}
    everything = {*entities, *relations, *events}

    def types(allowed: Iterable[str], defined: set[str]) -> str:
        # a role open to any label, or to none of those defined, stays open
        shown = [label_name(name) for name in allowed if name in defined]
        return "|".join(shown) if shown else "<ANY>"

    def relation_line(name: str, defined: set[str]) -> str:
        label = schema.label(name) if schema else None
        ends = ([types(r.allowed, defined) for r in label.roles] if label and len(label.roles) == 2
                else ["<ANY>", "<ANY>"])
        return f"{label_name(name)}\tArg1:{ends[0]}, Arg2:{ends[1]}"

    marks = {"one": "", "optional": "?", "many": "*"}

    def event_line(name: str, defined: set[str]) -> str:
        label = schema.label(name) if schema else None
        parts = []
        for role, cardinality in events[name].items():
            folded = [r for r in label.roles if _brat_role(r.name) == role] if label else []
            # a role open to any label leaves the folded role open too
            allowed = list(dict.fromkeys(a for r in folded for a in r.allowed)) if all(r.allowed for r in folded) else []
            parts.append(f"{role_name(role)}{marks.get(cardinality, '?')}:{types(allowed, defined)}")
        return f"{label_name(name)}\t{', '.join(parts)}" if parts else label_name(name)

    def section(names: Iterable[str], line: Callable[[str, set[str]], str]) -> list[str]:
        """The lines of the labels used, then the schema's others as comments, as the schema has them."""
        names = list(names)
        unused = [f"# {line(name, everything)}" for name in names if name not in used]
        return ([line(name, used) for name in names if name in used]
                + (["# the schema's labels this export does not use:", *unused] if unused else []))

    out = ["# written by annotator", *_renamed_comments(names), "", "[entities]", ""]
    out += section([name for name in entities if name not in events], lambda name, _: label_name(name))
    # annotator spans may nest, overlap and share offsets; brat refuses all
    # three unless the configuration allows them
    out += ["", "[relations]", "", "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"]
    out += section(relations, relation_line)
    out += ["", "[events]", ""]
    out += section(events, event_line)
    out += ["", "[attributes]", ""]
    for name, entry in attributes.items():
        kinds = "|".join(sorted(entry["kinds"])) or "<ANY>"
        values = (f", Value:{'|'.join(names.brat(f'values:{name}', value) for value in entry['values'])}"
                  if entry["values"] else "")
        out.append(f"{names.brat('attributes', name)}\tArg:{kinds}{values}")
    return "\n".join(out) + "\n"


def _brat_role(name: str) -> str:
    """The role brat reads for `name`: it drops trailing digits (Org1, Org2 are
    both Org, numbered because the fact has several), so annotation.conf must
    define the role without them."""
    return re.sub(r"(?<=\D)\d+$", "", name)


def _renamed_comments(names: BratNames) -> list[str]:
    """Comment lines naming what each brat name stands for (the same as `NAMES_FILE`)."""
    out = []
    for kind, renamed in names.renamed().items():
        for theirs, ours in renamed.items():
            out.append(f"# {kind_name(kind)} {theirs} is annotator's "
                       f"{_one_conf_line(json.dumps(ours, ensure_ascii=False))}")
    return ["# names brat cannot hold, and what they stand for:", *out] if out else []


def _one_conf_line(text: str) -> str:
    # json.dumps leaves these as they are, and Python's splitlines (brat's) ends a line at them
    return re.sub("[\v\f\x1c-\x1e\x85\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", text)


def visual_conf(schema: Schema, names: BratNames | None = None) -> str:
    """brat's visual.conf: the schema's label colours, so brat shows what
    annotator shows, and the names of labels renamed for brat as their display names."""
    names = names or BratNames()
    shown = [f"{theirs} | {ours}" for kind in ("labels", "roles", "attributes")
             for theirs, ours in names.renamed().get(kind, {}).items()
             if "|" not in ours and ours.isprintable()]
    out = ["# written by annotator", "", "[labels]", "", *shown, "", "[drawing]", "",
           # brat's own defaults (configurations/example-conf), which a visual.conf replaces
           "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
           "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5"]
    out += [f"{names.brat('labels', label.name)}\tbgColor:{label.color}" for label in schema.labels
            if re.fullmatch("#[0-9a-fA-F]{6}", label.color or "")]
    return "\n".join(out) + "\n"


def looks_brat(path: Path) -> bool:
    path = Path(path)
    return path.suffix == ".ann" or (path.suffix == ".txt" and path.with_suffix(".ann").exists())


register(Format(
    name="brat", description="brat standoff folder (.txt + .ann, annotation.conf)",
    read=read, write=write, extensions=(".ann",), detect=looks_brat, writes_folder=True, outputs=outputs,
))
