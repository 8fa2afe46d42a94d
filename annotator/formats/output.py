"""Writing export files without ever losing one we did not write.

Every file is written under a temporary name beside its target and renamed
into place only when the whole output is complete, so a failure leaves no
half file and no temporary one. An export replaces only the files it writes
itself, and an existing one of those only when allowed (`--overwrite`); it
never removes a file or a folder. Files get the permissions a plain `open()`
would give them (the umask's), not `mkstemp`'s private 0600.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO


class OutputExists(FileExistsError):
    """Files an export would replace that the user has not allowed it to."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self.paths = sorted(Path(p) for p in paths)
        shown = ", ".join(str(p) for p in self.paths[:10])
        more = f" and {len(self.paths) - 10} more" if len(self.paths) > 10 else ""
        super().__init__(f"{len(self.paths)} file(s) already exist and would be replaced: {shown}{more} "
                         "(--overwrite replaces them, and only them)")


def umask() -> int:
    """The process's umask, read without changing it where the system allows
    (setting it, even for a moment, would race with other threads' files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode(target: Path) -> int:
    """The mode `open(target, "w")` would leave: an existing file keeps its
    own, a new one gets 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~umask()


def make_folder(folder: Path, created: list[Path] | None = None) -> None:
    """`mkdir -p` (0777 less the umask, as `os.makedirs` gives), noting each
    folder it made in `created`, outermost first, so a failure can take back
    exactly those."""
    missing = []
    at = Path(folder)
    while not at.exists():
        missing.append(at)
        if at.parent == at:
            break
        at = at.parent
    if at.exists() and not at.is_dir():
        raise NotADirectoryError(f"{at} is a file, not a folder")
    for path in reversed(missing):
        path.mkdir()
        if created is not None:
            created.append(path)


_PROTECTED: ContextVar[frozenset[Path]] = ContextVar("annotator_protected_outputs", default=frozenset())


@contextmanager
def protecting(paths: Iterable[Path]) -> Iterator[None]:
    """Within the block no output may be any of `paths` (the database being
    exported and its journal files), whatever `overwrite` says: every writer
    here goes through `refuse_existing` or `atomic_output`, which check it."""
    token = _PROTECTED.set(frozenset(Path(p).resolve() for p in paths))
    try:
        yield
    finally:
        _PROTECTED.reset(token)


def refuse_protected(paths: Iterable[Path]) -> None:
    protected = _PROTECTED.get()
    for path in paths if protected else ():
        if Path(path).resolve() in protected:
            raise ValueError(f"{path} is the database being exported; choose another place")


def refuse_existing(paths: Iterable[Path], overwrite: bool) -> None:
    """Raise `OutputExists` naming those of `paths` already present, unless
    `overwrite`; a protected path (`protecting`) is refused either way."""
    paths = list(paths)
    refuse_protected(paths)
    if overwrite:
        return
    present = [Path(p) for p in paths if os.path.lexists(p)]
    if present:
        raise OutputExists(present)


def _temporary_beside(target: Path) -> tuple[int, str]:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.fchmod(fd, file_mode(target))
    return fd, tmp


@contextmanager
def atomic_output(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to a temporary file beside `path` and move it into place only on
    success, so a failed export leaves no half file (and any old file intact)."""
    path = Path(path)
    refuse_protected([path])
    make_folder(path.parent)
    fd, tmp = _temporary_beside(path)
    try:
        kwargs = {"encoding": encoding, "newline": ""} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class StagedFiles:
    """The files of one folder export, each written beside its target and all
    renamed into place by `commit`; `discard` removes the temporary files and
    the folders this export made (only while still empty), and nothing else."""

    def __init__(self, overwrite: bool = False) -> None:
        self.overwrite = overwrite
        self._staged: dict[Path, str] = {}
        self._created: list[Path] = []

    def folder(self, path: Path) -> Path:
        make_folder(path, self._created)
        return Path(path)

    def write_text(self, path: Path, text: str) -> None:
        path = Path(path)
        if path in self._staged:
            raise ValueError(f"{path} is written twice by one export")
        self.folder(path.parent)
        fd, tmp = _temporary_beside(path)
        self._staged[path] = tmp
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())

    def commit(self) -> list[Path]:
        refuse_existing(self._staged, self.overwrite)
        for path, tmp in self._staged.items():
            os.replace(tmp, path)
        done = list(self._staged)
        self._staged.clear()
        return done

    def discard(self) -> None:
        for tmp in self._staged.values():
            if os.path.exists(tmp):
                os.unlink(tmp)
        self._staged.clear()
        for folder in reversed(self._created):
            try:
                folder.rmdir()
            except OSError:  # something else is in it now: not ours to remove
                pass
        self._created.clear()


@contextmanager
def staged_files(overwrite: bool = False) -> Iterator[StagedFiles]:
    """`StagedFiles` committed on success and discarded on any failure."""
    staged = StagedFiles(overwrite)
    try:
        yield staged
        staged.commit()
    except BaseException:
        staged.discard()
        raise
