"""Generated import files for the fault and scale tests: news-like articles
with spans, facts of a label the schema lacks and attributes it lacks too, so
that an import writes every part (documents, spans, facts, labels, roles,
attribute definitions)."""

from __future__ import annotations

import json
from pathlib import Path

WORDS = ("Presiden", "Jokowi", "berkata", "di", "Jakarta", "bahwa", "harga", "beras", "naik", "pada", "Senin",
         "menurut", "Badan", "Pusat", "Statistik", "Bandung", "😀", "Café\u0301")


def article(n: int, spans: int = 20) -> dict:
    """A native record: about 1 KB of text, `spans` entity spans, one new-label fact."""
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(spans * 5)]
    text = f"Berita {n}: " + " ".join(words) + "."
    out, start = [], len(f"Berita {n}: ")
    for i, word in enumerate(words):
        if i % 5 == 0:
            out.append({"id": len(out) + 1, "start": start, "end": start + len(word),
                        "label": "PERSON" if i % 2 else "GENERATED_ENTITY", "text": word,
                        "attributes": {"generated_flag": True} if i % 10 == 0 else {}})
        start += len(word) + 1
    fact = {"id": 1, "label": "GENERATED_FACT", "span": 1, "args": [{"role": "who", "span": 2}],
            "attributes": {"generated_choice": f"v{n % 3}"}}
    return {"title": f"Berita {n}", "text": text, "spans": out, "facts": [fact], "status": {"ana": "done"}}


def write_native(path: Path, count: int, spans: int = 20) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps(article(n, spans), ensure_ascii=False) + "\n")
    return path


def write_articles(path: Path, count: int) -> Path:
    """Plain articles as JSON lines (`jsonl` format): text and title only."""
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            record = article(n, 20)
            out.write(json.dumps({"title": record["title"], "text": record["text"]}, ensure_ascii=False) + "\n")
    return path
