"""A team project on the throw-away PostgreSQL cluster, and its members' local databases."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from click.testing import CliRunner

from annotator.cli import main
from annotator.project import open_project

PASSWORD = "secret-{name}"


def run(*args, ok: bool = True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output + repr(result.exception)
    return result


@dataclass
class TeamProject:
    admin_url: str
    folder: Path

    def url(self, name: str) -> str:
        parts = urlsplit(self.admin_url)
        netloc = f"{quote(name)}:{quote(PASSWORD.format(name=name))}@{parts.hostname}:{parts.port}"
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))

    def add(self, name: str, role: str = "annotator") -> str:
        run("team", "add-member", name, "--role", role, "--password", PASSWORD.format(name=name),
            "--server", self.url("lena"))
        return self.url(name)

    def local(self, name: str) -> Path:
        """The member's local database (made on first use, with the default schema)."""
        path = self.folder / f"{name}.db"
        if not path.exists():
            open_project(path).close()
        return path

    def sync(self, name: str, ok: bool = True):
        return run("--db", self.local(name), "--annotator", name, "sync", "--server", self.url(name), ok=ok)


def start_project(admin_url: str, folder: Path, documents: list[tuple[str, str]]) -> TeamProject:
    """A project whose lead, lena, pushed `documents` (title, text) and the default schema."""
    folder.mkdir(parents=True, exist_ok=True)
    project = TeamProject(admin_url, folder)
    run("team", "init", admin_url, "--lead", "lena", "--password", PASSWORD.format(name="lena"))
    store = open_project(project.local("lena"))
    for title, text in documents:
        store.add_document(title, text)
    store.close()
    run("--db", project.local("lena"), "team", "push-documents", "--server", project.url("lena"))
    return project
