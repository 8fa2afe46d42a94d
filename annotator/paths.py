"""Where the shipped resources and sample articles are, installed or not."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _root(name: str) -> Path:
    # In the wheel, resources/ and seeds/ are package data under annotator/;
    # in a checkout they sit beside the package at the top of the repository.
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def resource_path(*parts: str) -> Path:
    return _root("resources").joinpath(*parts)


def seeds_dir() -> Path:
    return _root("seeds")
