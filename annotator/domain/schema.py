"""The label schema: entity and fact labels, fact roles, and attributes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("entity", "fact")
CARDINALITIES = ("one", "optional", "many")
"""`one`: exactly one filler is required; `optional`: zero or one; `many`: zero or more."""


class SchemaError(ValueError):
    """A schema that breaks a rule (duplicate name, hotkey clash, unknown role target)."""


@dataclass
class Role:
    name: str
    cardinality: str = "optional"
    allowed: list[str] = field(default_factory=list)
    """Entity labels or fact labels that may fill the role; empty means any."""
    description: str = ""

    @property
    def required(self) -> bool:
        return self.cardinality == "one"

    @property
    def max_fillers(self) -> int | None:
        return None if self.cardinality == "many" else 1


@dataclass
class Label:
    name: str
    kind: str = "entity"
    color: str = "#9ecae1"
    hotkey: str = ""
    description: str = ""
    order: int = 0
    roles: list[Role] = field(default_factory=list)
    trigger: bool = True
    """Fact labels only: False for binary relations, which are stated by their
    two arguments rather than by a stretch of text."""

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.name == name), None)


@dataclass
class AttributeDef:
    """An attribute any annotation may carry: a flag, or one value from a list."""

    name: str
    kind: str = "flag"
    choices: list[str] = field(default_factory=list)
    applies_to: list[str] = field(default_factory=lambda: ["entity", "fact"])
    description: str = ""

    def accepts(self, value: Any) -> bool:
        if self.kind == "flag":
            return isinstance(value, bool)
        return value in self.choices


@dataclass
class Schema:
    labels: list[Label] = field(default_factory=list)
    attributes: list[AttributeDef] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.labels.sort(key=lambda label: label.order)

    def label(self, name: str) -> Label | None:
        return next((label for label in self.labels if label.name == name), None)

    def attribute(self, name: str) -> AttributeDef | None:
        return next((a for a in self.attributes if a.name == name), None)

    @property
    def entity_labels(self) -> list[Label]:
        return [label for label in self.labels if label.kind == "entity"]

    @property
    def fact_labels(self) -> list[Label]:
        return [label for label in self.labels if label.kind == "fact"]

    def by_hotkey(self, key: str) -> Label | None:
        key = key.lower()
        return next((label for label in self.labels if label.hotkey and label.hotkey.lower() == key), None)

    def validate(self) -> None:
        """Raise SchemaError naming the first broken rule."""
        seen: set[str] = set()
        keys: dict[str, str] = {}
        for label in self.labels:
            if not label.name.strip():
                raise SchemaError("a label has an empty name")
            if label.name in seen:
                raise SchemaError(f"label name {label.name!r} is used twice")
            seen.add(label.name)
            if label.kind not in KINDS:
                raise SchemaError(f"label {label.name!r} has unknown kind {label.kind!r}")
            if label.hotkey:
                key = label.hotkey.lower()
                if key in keys:
                    raise SchemaError(
                        f"hotkey {label.hotkey!r} is used by both {keys[key]!r} and {label.name!r}"
                    )
                keys[key] = label.name
        for label in self.fact_labels:
            for role in label.roles:
                if role.cardinality not in CARDINALITIES:
                    raise SchemaError(
                        f"role {role.name!r} of {label.name!r} has unknown cardinality {role.cardinality!r}"
                    )
                for target in role.allowed:
                    if target not in seen:
                        raise SchemaError(
                            f"role {role.name!r} of {label.name!r} allows unknown label {target!r}"
                        )

    # -- JSON ---------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "labels": [asdict(label) for label in self.labels],
            "attributes": [asdict(a) for a in self.attributes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schema:
        labels = []
        for i, raw in enumerate(data.get("labels", [])):
            raw = dict(raw)
            roles = [Role(**r) for r in raw.pop("roles", [])]
            raw.setdefault("order", i)
            labels.append(Label(roles=roles, **raw))
        attributes = [AttributeDef(**a) for a in data.get("attributes", [])]
        schema = cls(labels, attributes)
        schema.validate()
        return schema

    @classmethod
    def load(cls, path: Path) -> Schema:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            return cls.from_dict(data)
        except (OSError, ValueError, TypeError) as exc:
            raise SchemaError(f"{path}: {exc}") from exc


def default_schema_path() -> Path:
    from annotator.paths import resource_path

    return resource_path("schemas", "news.json")


def default_schema() -> Schema:
    return Schema.load(default_schema_path())
