"""How far annotators agree, over a chosen set of documents and labels.

`measure_agreement(records, annotators, labels=None, progress=None)` returns
an `AgreementReport` with, for every pair of annotators:

- span-level precision, recall and F1, micro-averaged over all spans of the
  documents both annotated, exact (same start, end, label) and relaxed (a
  span is found when the other has an overlapping span with the same
  label), overall and per label. Precision and recall take the first
  annotator of the pair as the reference; F1 is symmetric.
- token-level Cohen's kappa, precision, recall and F1 (overall: micro-averaged
  over the labels, "O" left out, as scikit-learn's
  `precision_recall_fscore_support(a, b, labels=..., average="micro")`;
  and per label), and a label confusion table. Tokens come from
  the regex tokenizer of `annotator.formats.tokens` (words with their
  combining marks, emoji sequences and symbols), the same tokens the token
  formats export; a token takes the label of the
  innermost span overlapping it (the first one when two are equally long),
  or "O" when no span does.
- fact agreement: facts match when type and trigger span are equal (for a
  relation without trigger: type and arguments); for matched facts, the
  fillers of each role are compared.

Over all annotators: Fleiss' kappa when there are more than two (on the
documents every one of them annotated) and Krippendorff's alpha, nominal, on tokens (on the documents
at least two annotated; a missing annotator is a missing value), with the
counts alpha was computed from.

Undefined scores are None, never a made-up number: F1 when neither
annotator made a span; kappa or alpha when every token got the same label
from everyone (expected agreement is 1, so chance-correction divides by 0).

A document counts for a pair when both annotated it (made an annotation or
set a status past "to do"). Documents no chosen annotator annotated, or only
one did, are listed in `skipped_documents`.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass, field
from itertools import combinations
from typing import IO, Any

from annotator.domain import AnnotatedDocument, Span
from annotator.domain.layers import fact_views, span_key
from annotator.formats.spreadsheet_cells import csv_line
from annotator.formats.tokens import tokenize as regex_tokens

OUTSIDE = "O"

Progress = Callable[[int, int], bool | None]
"""Called with (documents done, total); returning False cancels."""


class AgreementCancelled(Exception):
    def __init__(self, done: int) -> None:
        super().__init__(f"agreement cancelled after {done} document(s)")
        self.done = done


@dataclass
class Score:
    """Counts behind precision, recall and F1 of annotator b against reference a."""

    a_total: int = 0
    b_total: int = 0
    a_found: int = 0
    """Spans of a that b also has (exactly, or overlapping for relaxed)."""
    b_found: int = 0

    @property
    def recall(self) -> float | None:
        return self.a_found / self.a_total if self.a_total else None

    @property
    def precision(self) -> float | None:
        return self.b_found / self.b_total if self.b_total else None

    @property
    def f1(self) -> float | None:
        if not self.a_total and not self.b_total:
            return None
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.a_total += other.a_total
        self.b_total += other.b_total
        self.a_found += other.a_found
        self.b_found += other.b_found

    def as_json(self) -> dict[str, Any]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1,
                "a": self.a_total, "b": self.b_total, "a_found": self.a_found, "b_found": self.b_found}


@dataclass
class LabelScores:
    exact: Score = field(default_factory=Score)
    relaxed: Score = field(default_factory=Score)


@dataclass
class FactScores:
    facts: Score = field(default_factory=Score)
    """Facts matched by type and trigger span."""
    roles: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    """Per role, fillers of matched facts."""

    def as_json(self) -> dict[str, Any]:
        return {"f1": self.facts.f1, **self.facts.as_json(),
                "roles": {role: score.as_json() for role, score in sorted(self.roles.items())}}


@dataclass
class PairAgreement:
    a: str
    b: str
    documents: int = 0
    exact: Score = field(default_factory=Score)
    relaxed: Score = field(default_factory=Score)
    per_label: dict[str, LabelScores] = field(default_factory=lambda: defaultdict(LabelScores))
    confusion: Counter = field(default_factory=Counter)
    """(label by a, label by b) -> tokens."""
    facts: FactScores = field(default_factory=FactScores)

    @property
    def tokens(self) -> int:
        return sum(self.confusion.values())

    @property
    def cohen_kappa(self) -> float | None:
        return cohen_kappa(self.confusion)

    def token_scores(self) -> dict[str, Score]:
        """Per label, the tokens a and b gave it and those both did (`token_scores`)."""
        return token_scores(self.confusion)

    def token_score(self) -> Score:
        """Token precision, recall and F1 micro-averaged over the labels, "O" left out."""
        total = Score()
        for score in self.token_scores().values():
            total.add(score)
        return total


@dataclass
class AgreementReport:
    annotators: list[str]
    labels: list[str] | None
    """The labels measured, or None for all."""
    documents: int = 0
    """Documents at least two of the annotators annotated."""
    pairs: list[PairAgreement] = field(default_factory=list)
    fleiss_kappa: float | None = None
    fleiss_tokens: int = 0
    fleiss_documents: int = 0
    krippendorff_alpha: float | None = None
    alpha_counts: dict[str, Any] = field(default_factory=dict)
    skipped_documents: dict[str, list[int]] = field(default_factory=lambda: {"nobody": [], "one_annotator": []})
    one_annotator_names: dict[int, str] = field(default_factory=dict)

    def confusion(self) -> dict[str, dict[str, int]]:
        """Tokens by (label of the pair's first annotator, label of the second), over all pairs."""
        total: Counter = Counter()
        for pair in self.pairs:
            total.update(pair.confusion)
        table: dict[str, dict[str, int]] = {}
        for (x, y), n in sorted(total.items()):
            table.setdefault(x, {})[y] = n
        return table

    def all_labels(self) -> list[str]:
        found = set()
        for pair in self.pairs:
            found.update(pair.per_label)
        return sorted(found)

    def as_json(self) -> dict[str, Any]:
        def pair_json(p: PairAgreement) -> dict[str, Any]:
            tokens, by_label = p.token_score(), p.token_scores()
            return {
                "a": p.a, "b": p.b, "documents": p.documents,
                "span_f1_exact": p.exact.f1, "span_f1_relaxed": p.relaxed.f1,
                "span_precision_exact": p.exact.precision, "span_recall_exact": p.exact.recall,
                "span_precision_relaxed": p.relaxed.precision, "span_recall_relaxed": p.relaxed.recall,
                "spans_a": p.exact.a_total, "spans_b": p.exact.b_total, "spans_matched_exact": p.exact.a_found,
                "cohen_kappa": p.cohen_kappa, "tokens": p.tokens, **_token_json(tokens),
                "per_label": {
                    label: {"span_f1_exact": s.exact.f1, "span_f1_relaxed": s.relaxed.f1,
                            "spans_a": s.exact.a_total, "spans_b": s.exact.b_total,
                            "spans_matched_exact": s.exact.a_found,
                            **_token_json(by_label.get(label, Score()))}
                    for label, s in sorted(p.per_label.items())
                },
                "facts": p.facts.as_json(),
            }

        return {
            "annotators": self.annotators,
            "labels": self.labels,
            "documents": self.documents,
            "pairs": [pair_json(p) for p in self.pairs],
            "fleiss_kappa": self.fleiss_kappa,
            "fleiss_tokens": self.fleiss_tokens,
            "fleiss_documents": self.fleiss_documents,
            "krippendorff_alpha": self.krippendorff_alpha,
            "krippendorff_counts": self.alpha_counts,
            "confusion": self.confusion(),
            "facts": {f"{p.a}|{p.b}": p.facts.as_json() for p in self.pairs},
            "skipped_documents": {
                "nobody": {"count": len(self.skipped_documents["nobody"]), "documents": self.skipped_documents["nobody"]},
                "one_annotator": {"count": len(self.skipped_documents["one_annotator"]),
                                  "documents": {str(k): v for k, v in self.one_annotator_names.items()}},
            },
        }

    def table_lines(self) -> list[str]:
        """The report as a readable table."""
        def fmt(value: float | None) -> str:
            return "   -" if value is None else f"{value:.3f}"

        skipped = self.skipped_documents
        lines = [
            f"annotators: {', '.join(self.annotators)}",
            f"documents compared: {self.documents} (skipped: {len(skipped['nobody'])} annotated by nobody, "
            f"{len(skipped['one_annotator'])} by only one)",
            "",
            f"{'pair':<24} {'label':<14} {'spans':>11} {'F1 exact':>9} {'F1 relax':>9} {'kappa':>6} "
            f"{'tok P':>6} {'tok R':>6} {'tok F1':>6}",
        ]
        for p in self.pairs:
            pair = f"{p.a} / {p.b}"
            tokens, by_label = p.token_score(), p.token_scores()
            lines.append(f"{pair:<24} {'(all)':<14} {p.exact.a_total:>5}/{p.exact.b_total:<5} "
                         f"{fmt(p.exact.f1):>9} {fmt(p.relaxed.f1):>9} {fmt(p.cohen_kappa):>6} "
                         f"{fmt(tokens.precision):>6} {fmt(tokens.recall):>6} {fmt(tokens.f1):>6}")
            for label, s in sorted(p.per_label.items()):
                t = by_label.get(label, Score())
                lines.append(f"{'':<24} {label:<14} {s.exact.a_total:>5}/{s.exact.b_total:<5} "
                             f"{fmt(s.exact.f1):>9} {fmt(s.relaxed.f1):>9} {'':>6} "
                             f"{fmt(t.precision):>6} {fmt(t.recall):>6} {fmt(t.f1):>6}")
            if p.facts.facts.a_total or p.facts.facts.b_total:
                roles = ", ".join(f"{role} {fmt(score.f1)}" for role, score in sorted(p.facts.roles.items()))
                lines.append(f"{'':<24} facts: F1 {fmt(p.facts.facts.f1)}" + (f"; roles: {roles}" if roles else ""))
        counts = self.alpha_counts
        lines.append("")
        if len(self.annotators) > 2:
            lines.append(f"Fleiss' kappa: {fmt(self.fleiss_kappa)} ({self.fleiss_tokens} tokens in "
                         f"{self.fleiss_documents} documents every annotator annotated)")
        lines += [
            f"Krippendorff's alpha (nominal, tokens): {fmt(self.krippendorff_alpha)} "
            f"({counts.get('units', 0)} tokens, {counts.get('values', 0)} values)",
        ]
        confusion = self.confusion()
        disagreements = sorted(((n, x, y) for x, row in confusion.items() for y, n in row.items() if x != y),
                               reverse=True)
        if disagreements:
            lines += ["", "most confused labels (tokens; first annotator of a pair / second):"]
            lines += [f"  {x} / {y}: {n}" for n, x, y in disagreements[:10]]
        return lines

    def rows(self) -> list[dict[str, Any]]:
        """One row per pair and label ("*" for all labels), for CSV."""
        rows = []
        for p in self.pairs:
            entries = [("*", LabelScores(p.exact, p.relaxed))] + sorted(p.per_label.items())
            by_label = {"*": p.token_score(), **p.token_scores()}
            for label, s in entries:
                tokens = by_label.get(label, Score())
                rows.append({
                    "a": p.a, "b": p.b, "label": label, "documents": p.documents,
                    "spans_a": s.exact.a_total, "spans_b": s.exact.b_total, "matched_exact": s.exact.a_found,
                    "precision_exact": s.exact.precision, "recall_exact": s.exact.recall, "f1_exact": s.exact.f1,
                    "precision_relaxed": s.relaxed.precision, "recall_relaxed": s.relaxed.recall,
                    "f1_relaxed": s.relaxed.f1,
                    "cohen_kappa": p.cohen_kappa if label == "*" else None,
                    "token_precision": tokens.precision, "token_recall": tokens.recall, "token_f1": tokens.f1,
                })
        return rows


def write_report(report: AgreementReport, handle: IO[str], as_csv: bool = False) -> None:
    """The report as the command line's `--json` (default) or `--csv` prints it."""
    if as_csv:
        # annotator and label names are anyone's text: guarded as the spans CSV guards them
        rows = report.rows()
        columns = list(rows[0]) if rows else ["a", "b", "label"]
        handle.write(csv_line(columns, end="\n"))
        handle.writelines(csv_line((row[name] for name in columns), end="\n") for row in rows)
    else:
        handle.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n")


def measure_agreement(
    records: Iterable[AnnotatedDocument],
    annotators: Sequence[str],
    labels: Iterable[str] | None = None,
    progress: Progress | None = None,
    total: int | None = None,
) -> AgreementReport:
    """Agreement over `records`, read one at a time: each document updates
    running counts and is let go, so a corpus of any size takes the memory of
    one document (and of the counts). `total` is the number of records, for
    `progress`, when `records` is an iterator that cannot tell it."""
    names = list(dict.fromkeys(annotators))
    if len(names) < 2:
        raise ValueError("agreement needs at least two annotators")
    wanted = None if labels is None else set(labels)
    if total is None:
        total = len(records) if isinstance(records, Sized) else 0
    report = AgreementReport(names, None if wanted is None else sorted(wanted))
    pairs = {(a, b): PairAgreement(a, b) for a, b in combinations(names, 2)}
    report.pairs = list(pairs.values())
    fleiss_units: Counter = Counter()
    alpha_units: Counter = Counter()
    for n, record in enumerate(records, 1):
        _measure_document(record, names, wanted, pairs, fleiss_units, alpha_units, report)
        if progress is not None and progress(n, max(total, n)) is False:
            raise AgreementCancelled(n)
    if len(names) > 2:  # for a pair, Cohen's kappa is the figure to read
        report.fleiss_kappa, report.fleiss_tokens = fleiss_kappa(fleiss_units)
    report.krippendorff_alpha, report.alpha_counts = krippendorff_alpha(alpha_units)
    return report


def _measure_document(record, names, wanted, pairs, fleiss_units, alpha_units, report) -> None:
    doc_id = record.document.id
    spans: dict[str, list[Span]] = {name: [] for name in names}
    for span in record.spans:
        if span.annotator in spans and (wanted is None or span.label in wanted):
            spans[span.annotator].append(span)
    worked = {s.annotator for s in record.spans} | {f.annotator for f in record.facts}
    worked |= {name for name, status in record.status.items() if status != "todo"}
    present = [name for name in names if name in worked]
    if not present:
        report.skipped_documents["nobody"].append(doc_id)
        return
    if len(present) == 1:
        report.skipped_documents["one_annotator"].append(doc_id)
        report.one_annotator_names[doc_id] = present[0]
        return
    report.documents += 1
    text = record.document.text
    token_starts, token_ends = tokenize(text)
    tags = {name: token_labels(token_starts, token_ends, spans[name]) for name in present}
    keys = {name: {span_key(s) for s in spans[name]} for name in present}
    by_label = {name: _by_label(spans[name]) for name in present}
    facts = {name: [f for f in fact_views(record, name) if wanted is None or f.label in wanted]
             for name in present}
    for a, b in combinations(present, 2):
        pair = pairs[(a, b)]
        pair.documents += 1
        _span_scores(pair, keys[a], keys[b], by_label[a], by_label[b])
        pair.confusion.update(zip(tags[a], tags[b]))
        _fact_scores(pair.facts, facts[a], facts[b])
    columns = list(zip(*(tags[name] for name in present)))
    alpha_units.update(columns)
    if len(present) == len(names):
        report.fleiss_documents += 1
        fleiss_units.update(columns)


def _by_label(spans: list[Span]) -> dict[str, list[tuple[int, int]]]:
    grouped: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s in spans:
        grouped[s.label].append((s.start, s.end))
    return grouped


def _span_scores(pair: PairAgreement, keys_a: set, keys_b: set, by_label_a: dict, by_label_b: dict) -> None:
    matched = Counter(key[2] for key in keys_a & keys_b)
    for label in set(by_label_a) | set(by_label_b):
        scores = pair.per_label[label]
        ranges_a, ranges_b = set(by_label_a.get(label, ())), set(by_label_b.get(label, ()))
        m = matched[label]
        exact = Score(len(ranges_a), len(ranges_b), m, m)
        relaxed = Score(len(ranges_a), len(ranges_b), _found(ranges_a, ranges_b), _found(ranges_b, ranges_a))
        scores.exact.add(exact)
        scores.relaxed.add(relaxed)
        pair.exact.add(exact)
        pair.relaxed.add(relaxed)


def _found(ranges: set[tuple[int, int]], others: set[tuple[int, int]]) -> int:
    return sum(1 for s, e in ranges if (s, e) in others or any(os < e and s < oe for os, oe in others))


def _fact_scores(scores: FactScores, facts_a, facts_b) -> None:
    by_identity_a = {f.identity: f for f in facts_a}
    by_identity_b = {f.identity: f for f in facts_b}
    matched = by_identity_a.keys() & by_identity_b.keys()
    scores.facts.add(Score(len(by_identity_a), len(by_identity_b), len(matched), len(matched)))
    for identity in matched:
        fa, fb = by_identity_a[identity], by_identity_b[identity]
        roles = {a.role for a in fa.args} | {a.role for a in fb.args}
        for role in roles:
            ta = {a.target for a in fa.args if a.role == role}
            tb = {a.target for a in fb.args if a.role == role}
            m = len(ta & tb)
            scores.roles[role].add(Score(len(ta), len(tb), m, m))


# -- tokens ----------------------------------------------------------------------


def tokenize(text: str) -> tuple[list[int], list[int]]:
    """Start and end offsets (code points) of the tokens of `text`: the
    token formats' regex tokens (their fast path for plain texts included)."""
    tokens = regex_tokens(text)
    return tokens.starts, tokens.ends


def token_labels(starts: list[int], ends: list[int], spans: Iterable[Span]) -> list[str]:
    """The label of each token: that of the innermost span overlapping it, else O."""
    tags = [OUTSIDE] * len(starts)
    # longest first, so inner spans overwrite outer ones; among equally long
    # spans the one that starts first is written last and wins
    for span in sorted(spans, key=lambda s: (s.start - s.end, -s.start)):
        first = bisect_right(ends, span.start)
        last = bisect_left(starts, span.end)
        for i in range(first, last):
            tags[i] = span.label
    return tags


def token_scores(confusion: Counter) -> dict[str, Score]:
    """Per label but "O", from (label by a, label by b) -> tokens: the tokens a
    gave it (`a_total`), b gave it (`b_total`), and both (`a_found`, `b_found`),
    so that precision and recall take a as the reference, as for spans."""
    scores: dict[str, Score] = defaultdict(Score)
    for (x, y), n in confusion.items():
        if x != OUTSIDE:
            scores[x].a_total += n
        if y != OUTSIDE:
            scores[y].b_total += n
        if x == y != OUTSIDE:
            scores[x].a_found += n
            scores[x].b_found += n
    return dict(sorted(scores.items()))


def _token_json(score: Score) -> dict[str, Any]:
    return {"token_precision": score.precision, "token_recall": score.recall, "token_f1": score.f1,
            "tokens_a": score.a_total, "tokens_b": score.b_total, "tokens_matched": score.a_found}


# -- chance-corrected coefficients ----------------------------------------------


def cohen_kappa(confusion: Counter) -> float | None:
    """Cohen's kappa from (label by a, label by b) -> count."""
    total = sum(confusion.values())
    if not total:
        return None
    rows: Counter = Counter()
    cols: Counter = Counter()
    observed = 0
    for (x, y), n in confusion.items():
        rows[x] += n
        cols[y] += n
        if x == y:
            observed += n
    expected = sum(rows[k] * cols[k] for k in rows) / (total * total)
    if expected >= 1.0:
        return None
    return (observed / total - expected) / (1 - expected)


def fleiss_kappa(units: Counter) -> tuple[float | None, int]:
    """Fleiss' kappa from (tuple of labels, one per rater) -> count of such tokens.
    Every tuple must have the same number of raters. Returns (kappa, tokens)."""
    tokens = sum(units.values())
    if not tokens:
        return None, 0
    raters = len(next(iter(units)))
    if raters < 2:
        return None, tokens
    category_totals: Counter = Counter()
    agreement_sum = 0.0
    for labels, n in units.items():
        counts = Counter(labels)
        category_totals.update({k: v * n for k, v in counts.items()})
        agreement_sum += n * (sum(v * v for v in counts.values()) - raters) / (raters * (raters - 1))
    p_bar = agreement_sum / tokens
    p_e = sum((v / (tokens * raters)) ** 2 for v in category_totals.values())
    if p_e >= 1.0:
        return None, tokens
    return (p_bar - p_e) / (1 - p_e), tokens


def krippendorff_alpha(units: Counter) -> tuple[float | None, dict[str, Any]]:
    """Nominal alpha from (tuple of the labels the coders of a token gave) -> count.
    Tuples may differ in length (coders who did not annotate a document give
    no value); tokens with fewer than two values cannot be paired and are left out."""
    coincidence: Counter = Counter()
    pairable = 0
    for labels, n in units.items():
        m = len(labels)
        if m < 2:
            continue
        pairable += n
        counts = Counter(labels)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nc - 1) if c == k else nc * nk
                if pairs:
                    coincidence[(c, k)] += n * pairs / (m - 1)
    totals: Counter = Counter()
    for (c, _), v in coincidence.items():
        totals[c] += v
    values = sum(totals.values())
    counts = {
        "units": pairable,
        "values": round(values),
        "values_by_label": {k: round(v) for k, v in sorted(totals.items())},
    }
    disagreement_observed = sum(v for (c, k), v in coincidence.items() if c != k)
    disagreement_expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if values <= 1 or not disagreement_expected:
        return None, counts
    alpha = 1 - (values - 1) * disagreement_observed / disagreement_expected
    return alpha, counts
