"""New articles from folders of .txt files and JSON lines."""

from __future__ import annotations

import json

import pytest

from annotator.exchange import import_files
from annotator.formats.base import FormatError


def test_folder_of_text_files_keeps_crlf_and_emoji(tmp_path, store):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_bytes("Judul 😀\r\nIsi e\u0301.\r\n".encode("utf-8"))
    (folder / "b.txt").write_text("Kedua\n", encoding="utf-8")
    report = import_files(store, [folder])
    assert report.documents_added == 2
    assert store.document(store.document_ids()[0]).text == "Judul 😀\r\nIsi e\u0301.\r\n"


def test_jsonl_articles_with_chosen_fields(tmp_path, store):
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in [
        {"body": "Teks satu", "headline": "Satu", "url": "u1"},
        {"body": "Teks dua", "headline": "Dua", "url": "u2"}]) + "\n", encoding="utf-8")
    report = import_files(store, [path], format="jsonl", text_field="body", title_field="headline")
    assert report.documents_added == 2
    assert store.document(store.document_ids()[1]).meta == {"url": "u2"}


def test_jsonl_without_the_text_field_is_located(tmp_path, store):
    path = tmp_path / "news.jsonl"
    path.write_text('{"text": "ok"}\n{"body": "no"}\n', encoding="utf-8")
    with pytest.raises(FormatError, match=r"news.jsonl:2: has no 'text' field"):
        import_files(store, [path], format="jsonl")
    assert store.document_ids() == []


def test_a_long_first_line_becomes_a_title_cut_between_words():
    from annotator.formats.reading import title_from_text

    line = "Presiden Joko Widodo meresmikan jalan tol baru yang menghubungkan Jakarta dan Bandung pada hari Senin pagi di hadapan ribuan warga"
    title = title_from_text(line + "\nIsi berita.")
    assert len(title) <= 120 and title.endswith("…")
    assert line.startswith(title[:-1]) and line[len(title) - 1] == " "  # cut at a space, not in a word
    assert title_from_text("Judul pendek\nIsi.") == "Judul pendek"
    assert title_from_text("x" * 300) == "x" * 119 + "…"
