"""Small Indonesian news-like corpora made up in the tests: sentences from
templates with names drawn from pools, and the spans of every name."""

from __future__ import annotations

import random

FIRST = ["Budi", "Siti", "Agus", "Dewi", "Joko", "Rina", "Hendra", "Putri", "Andi", "Wati", "Bambang", "Sri",
         "Yusuf", "Lina", "Rudi", "Maya", "Eko", "Nur", "Fajar", "Indah", "Teguh", "Ratna", "Dimas", "Ayu"]
LAST = ["Santoso", "Wijaya", "Pratama", "Hidayat", "Saputra", "Kusuma", "Nugroho", "Siregar", "Lubis",
        "Harahap", "Gunawan", "Setiawan", "Rahman", "Halim", "Susanto", "Tanjung", "Sinaga", "Purba"]
PLACES = ["Jakarta", "Bandung", "Surabaya", "Medan", "Makassar", "Semarang", "Padang", "Palembang", "Denpasar",
          "Pontianak", "Manado", "Ambon", "Kupang", "Jayapura", "Mataram", "Kendari", "Jambi", "Bengkulu",
          "Ternate", "Sorong", "Cirebon", "Tegal", "Malang", "Kediri"]
ORGS = ["Bank Sentosa", "Partai Maju", "Universitas Nusantara", "Kementerian Pangan", "PT Sinar Jaya",
        "Komisi Pemilu", "Badan Cuaca", "Dinas Kesehatan", "Yayasan Harapan", "Polda Timur", "Koperasi Tani",
        "Lembaga Survei Nusa", "PT Garuda Baru", "Kantor Pajak", "Dewan Kota", "Sekolah Tinggi Hukum"]

TEMPLATES = [
    "Menurut {PERSON} , harga beras di {LOCATION} naik pekan ini .",
    "{PERSON} mengatakan bahwa {ORGANISATION} akan membuka kantor di {LOCATION} .",
    "Presiden {ORGANISATION} , {PERSON} , tiba di {LOCATION} pada Senin pagi .",
    "Warga {LOCATION} menyambut kedatangan {PERSON} dengan meriah .",
    "Kepala {ORGANISATION} {PERSON} meminta warga tetap tenang .",
    "Banjir melanda {LOCATION} dan {ORGANISATION} mengirim bantuan .",
    "Dalam rapat itu , {PERSON} dari {ORGANISATION} menolak usulan tersebut .",
    "Juru bicara {ORGANISATION} , {PERSON} , membantah kabar itu .",
    "Kata {PERSON} , jalan menuju {LOCATION} sudah bisa dilalui .",
    "Pemerintah {LOCATION} bekerja sama dengan {ORGANISATION} untuk membangun jembatan .",
]


def split_pools(seed: int = 0) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Name pools for training and for testing, with no name in both."""
    rng = random.Random(seed)
    people = [f"{a} {b}" for a in FIRST for b in LAST]
    rng.shuffle(people)
    places, orgs = PLACES[:], ORGS[:]
    rng.shuffle(places)
    rng.shuffle(orgs)
    half_people, half_places, half_orgs = len(people) // 2, len(places) // 2, len(orgs) // 2
    train = {"PERSON": people[:half_people], "LOCATION": places[:half_places], "ORGANISATION": orgs[:half_orgs]}
    test = {"PERSON": people[half_people:], "LOCATION": places[half_places:], "ORGANISATION": orgs[half_orgs:]}
    return train, test


def sentence(rng: random.Random, pools: dict[str, list[str]]) -> tuple[str, list[tuple[int, int, str]]]:
    template = rng.choice(TEMPLATES)
    text = ""
    spans = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        label, _, rest = after.partition("}")
        text += before
        name = rng.choice(pools[label])
        spans.append((len(text), len(text) + len(name), label))
        text += name
    return text + rest, spans


def documents(count: int, pools: dict[str, list[str]], seed: int,
              sentences: int = 5) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """`count` documents of `sentences` lines each, with their spans."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        text = ""
        spans: list[tuple[int, int, str]] = []
        for _ in range(sentences):
            line, line_spans = sentence(rng, pools)
            spans += [(s + len(text), e + len(text), label) for s, e, label in line_spans]
            text += line + "\n"
        out.append((text, spans))
    return out


def add_done_documents(store, count: int, pools: dict[str, list[str]], seed: int = 1, sentences: int = 5,
                       annotator: str = "ana", done: int | None = None) -> list[int]:
    """Add `count` generated documents with their spans in `annotator`'s layer,
    the first `done` of them (all by default) marked done; returns their ids."""
    ids = []
    for n, (text, spans) in enumerate(documents(count, pools, seed=seed, sentences=sentences)):
        doc, _ = store.add_document(f"d{n}", text)
        ids.append(doc.id)
        for start, end, label in spans:
            store.add_span(doc.id, annotator, start, end, label)
        if done is None or n < done:
            store.set_status(doc.id, annotator, "done")
    return ids
