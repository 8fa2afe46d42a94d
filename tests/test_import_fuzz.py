"""Importer fuzzing, through the whole import: every readable format's small
valid sample, damaged at random (bytes flipped, inserted, cut; lines lost or
doubled; JSON values of the wrong type; brackets thousands deep), goes
through `import_files` into a database. Either the import refuses with the
project's own error naming the file (and nothing of it lands), or every span
it stored covers exactly the text its offsets say. The reader-level half of
this fuzzing is `test_formats_bad_input.py`; both count into the figures
printed at the end of the run."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.exchange import ExchangeError, import_files
from annotator.formats.base import FormatError, all_formats
from annotator.project import install_default_schema
from annotator.store import Store
from fault_figures import FIGURES
from test_formats_bad_input import SAMPLES, damage, damages, make_sample

EXAMPLES = 60
"""Cases per sample: with the reader-level fuzzing, well over 2,000 cases in all."""


def stored_spans_match_their_text(store: Store, document_ids: list[int]) -> int:
    """How many stored spans of these documents do not cover the text they name."""
    wrong = 0
    for doc_id in set(document_ids):
        text = store.document_text(doc_id)
        wrong += sum(span.text != text[span.start:span.end] or not 0 <= span.start < span.end <= len(text)
                     for span in store.spans(doc_id))
    return wrong


@pytest.mark.parametrize(("name", "source"), SAMPLES)
def test_a_damaged_import_is_refused_whole_or_stores_spans_that_match_their_text(name, source, tmp_path_factory):
    sample = make_sample(name, tmp_path_factory.mktemp(f"{name}-import"), source)
    original = sample.damaged.read_bytes()
    store = Store.memory()
    install_default_schema(store)
    assert import_files(store, [sample.read_path], format=name).documents_added, "the undamaged sample must import"

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(ops=damages, skip_bad=st.booleans(), told=st.booleans())
    def check(ops, skip_bad, told):
        data = original
        for op in ops:
            data = damage(data, op)
        sample.damaged.write_bytes(data)
        documents = len(store.document_ids())
        FIGURES["fuzz_cases"] += 1
        try:
            report = import_files(store, [sample.read_path], format=name if told else None, skip_bad=skip_bad)
        except (FormatError, ExchangeError) as error:
            assert "\n" not in str(error) and str(sample.read_path.parent) in str(error), str(error)
            assert len(store.document_ids()) == documents  # nothing of it landed
            return
        except BaseException:
            FIGURES["fuzz_tracebacks"] += 1
            raise
        finally:
            sample.damaged.write_bytes(original)
        wrong = stored_spans_match_their_text(store, report.document_ids)
        FIGURES["fuzz_wrong_spans"] += wrong
        assert wrong == 0

    check()
    store.close()


def test_the_fuzzing_covers_every_readable_format():
    assert {name for name, _ in SAMPLES} == {name for name, fmt in all_formats().items() if fmt.read is not None}
