"""IdRuns: the ids an import gave its records, kept as runs so that memory stays flat."""

from __future__ import annotations

import pytest

from annotator.domain.id_runs import IdRuns


def test_consecutive_ids_are_one_run_and_read_back_in_order():
    ids = IdRuns()
    for doc_id in range(1000, 101000):
        ids.append(doc_id)
    assert ids.runs == 1 and len(ids) == 100000
    assert ids[0] == 1000 and ids[-1] == 100999 and ids[12345] == 13345
    assert ids == list(range(1000, 101000))


@pytest.mark.parametrize("ids", [[], [5], [3, 3, 3], [7, 8, 9, 2, 3, 10, 11, 1], [4, 5, 4, 5, 6]])
def test_any_order_of_ids_reads_back_exactly(ids):
    runs = IdRuns(ids)
    assert list(runs) == ids and len(runs) == len(ids)
    assert [runs[i] for i in range(len(ids))] == ids
    assert [runs[-i] for i in range(1, len(ids) + 1)] == [ids[-i] for i in range(1, len(ids) + 1)]
    assert runs[1:4] == ids[1:4] and runs[::-1] == ids[::-1]
    assert runs == ids and runs == tuple(ids) and runs != ids + [99]
    assert set(runs) == set(ids) and (min(runs) == min(ids) if ids else True)


def test_an_index_past_the_end_is_an_index_error():
    with pytest.raises(IndexError):
        IdRuns([1, 2])[2]
    with pytest.raises(IndexError):
        IdRuns([1, 2])[-3]


def test_a_repeated_id_starts_a_new_run():
    assert IdRuns([1, 2, 2, 3]).runs == 2 and IdRuns([1, 2, 2, 3]) == [1, 2, 2, 3]
