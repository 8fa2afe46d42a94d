"""Names brat cannot hold as they are, mapped reversibly.

brat stores a label, role or attribute name only when it matches
`[A-Za-z0-9_-]+` (its configuration warns and renames anything else, and an
`.ann` line ends a name at the first space). A name outside that set gets a
brat name: each run of whitespace becomes `_`, every other character `U`, its
code point in hex and `_` (`Nama Orang` -> `Nama_Orang`, `人名` ->
`U4EBA_U540D_`; never ending in a digit, which brat strips from a role).
The mapping goes beside the export in `NAMES_FILE`, which our reader uses, and
as comments and display names (visual.conf) that brat shows. Two names that
would get one brat name are refused before anything is written.

A layer's folder name is made from the layer's name (`folder_names`), kept
distinct when two would sanitise alike (`ana x`, `ana_x`); the layers whose
folder is not their name are recorded in the same file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.formats.base import FormatError

NAMES_FILE = "annotator_names.json"
"""Beside an export's annotation.conf: {kind: {brat name: our name}}, the kinds
being "labels", "roles", "attributes", "layers" and "values:ATTRIBUTE" (the
values of one attribute, which brat's configuration holds under the same rule),
and "documents": {a .txt's path in its layer's folder: the document's source
name}, for documents whose file is not named so, so that an import of the
export matches them."""


def kind_name(kind: str) -> str:
    """"labels" -> "label", "values:tingkat" -> "value of tingkat"."""
    return f"value of {kind.partition(':')[2]}" if kind.startswith("values:") else kind.removesuffix("s")

_BRAT_NAME = re.compile(r"[A-Za-z0-9_-]+")
_NOT_IN_BRAT_NAMES = re.compile(r"\s+|[^A-Za-z0-9_\-\s]")


def brat_name(name: str) -> str:
    """The name brat stores for one of ours: itself when brat can hold it."""
    if _BRAT_NAME.fullmatch(name):
        return name
    return _NOT_IN_BRAT_NAMES.sub(lambda m: "_" if m.group().isspace() else f"U{ord(m.group()):04X}_", name)


@dataclass
class BratNames:
    """Our names and brat's for one export, by kind ("labels", "roles", "attributes", "layers")."""

    to_brat: dict[str, dict[str, str]] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)
    """A .txt's path in its layer's folder -> the source name of its document, where they differ."""

    @classmethod
    def of(cls, names: dict[str, Iterable[str]], where: Path) -> BratNames:
        """The brat names of these names of each kind; two names meeting on one
        brat name are refused, naming them (`where` names the export)."""
        mapping = cls()
        for kind, ours in names.items():
            taken: dict[str, str] = {}
            for name in dict.fromkeys(ours):
                theirs = brat_name(name)
                if theirs in taken and taken[theirs] != name:
                    raise FormatError(where, f"the {kind_name(kind)} names {taken[theirs]!r} and {name!r} would both be "
                                             f"{theirs!r} in brat, which allows only A-Z, a-z, 0-9, _ and - in "
                                             "names; rename one (Labels → Edit schema…); nothing was written")
                taken[theirs] = name
                mapping.to_brat.setdefault(kind, {})[name] = theirs
        return mapping

    def brat(self, kind: str, name: str) -> str:
        return self.to_brat.get(kind, {}).get(name) or brat_name(name)

    def renamed(self) -> dict[str, dict[str, str]]:
        """{kind: {brat name: our name}} of the names brat holds otherwise."""
        out = {kind: {theirs: ours for ours, theirs in names.items() if ours != theirs}
               for kind, names in self.to_brat.items()}
        return {kind: names for kind, names in out.items() if names}

    def recorded(self) -> dict[str, dict[str, str]]:
        """What `NAMES_FILE` holds: the names renamed, and the documents' source names."""
        return {**self.renamed(), **({"documents": self.documents} if self.documents else {})}

    def as_json(self) -> str:
        return json.dumps(self.recorded(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@dataclass
class OurNames:
    """Reading: brat names back to ours, from the `NAMES_FILE` of an export."""

    from_brat: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def beside(cls, root: Path) -> OurNames:
        """The names recorded in `root` (a brat folder, or the folder of the file read) or its parent."""
        root = Path(root)
        folder = root if root.is_dir() else root.parent
        for candidate in (folder / NAMES_FILE, folder.parent / NAMES_FILE):
            if candidate.is_file():
                try:
                    data = json.loads(candidate.read_text(encoding="utf-8"))
                except (OSError, ValueError) as error:
                    raise FormatError(candidate, f"cannot be read: {error}") from None
                if not isinstance(data, dict) or not all(
                        isinstance(names, dict) and all(isinstance(v, str) for v in names.values())
                        for names in data.values()):
                    raise FormatError(candidate, "is not a mapping of names by kind")
                return cls(data)
        return cls()

    def ours(self, kind: str, name: str) -> str:
        return self.from_brat.get(kind, {}).get(name, name)


def folder_names(layers: list[str], reserved: Iterable[str] = ()) -> dict[str, str]:
    """A distinct folder name for each layer: its name made safe for any file
    system, numbered when two layers would share one or it would be one of the
    `reserved` names of files beside the folders (compared without case, for
    file systems that ignore it). Layers whose name is already safe keep it."""
    safe = {layer: re.sub(r"[^\w.\-]+", "_", layer).strip("._") or "layer" for layer in layers}
    taken: set[str] = {name.casefold() for name in reserved}
    out: dict[str, str] = {}
    for layer in sorted(layers, key=lambda name: (safe[name] != name, name)):
        name, n = safe[layer], 2
        while name.casefold() in taken:
            name, n = f"{safe[layer]}-{n}", n + 1
        taken.add(name.casefold())
        out[layer] = name
    return out
