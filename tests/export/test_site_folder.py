"""The audience site's folder: a re-export owns only what it wrote, never follows a link, and fails whole.

Most tests drive ``write_owned_folder`` with a few small files, which is what
``write_site`` hands it; one goes through ``python -m geo export --site`` to see
what the presenter is told.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from geo.cli import main
from geo.export.owned_folder import (
    MANIFEST,
    STAGING_PREFIX,
    FolderRefused,
    read_manifest,
    write_owned_folder,
)
from geo.export.site import _owned_by_an_older_site

FIRST = {
    "index.html": b"<p>first</p>",
    "assets/app.1111.js": b"one()",
    "ko/index.html": b"<p>ko</p>",
    "sw.js": b"// sw",
}


def write(folder: Path, files: dict[str, bytes]):
    return write_owned_folder(folder, files, owned_before=_owned_by_an_older_site)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (links as their target), hashed: what a web server would serve."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_a_first_write_lists_what_it_owns(tmp_path: Path):
    result = write(tmp_path / "site", FIRST)
    assert read_manifest(tmp_path / "site") == sorted(FIRST)
    assert [p.relative_to(tmp_path / "site").as_posix() for p in result.written] == sorted(FIRST)
    assert result.kept == []
    assert result.removed == []


def test_files_the_user_added_are_kept_and_named(tmp_path: Path):
    site = tmp_path / "site"
    write(site, FIRST)
    (site / "NOTES.txt").write_text("projector: HDMI 2")
    (site / "photos").mkdir()
    (site / "photos" / "room.jpg").write_bytes(b"\xff\xd8")
    second = {k: v for k, v in FIRST.items() if k not in ("ko/index.html", "assets/app.1111.js")}
    result = write(site, second | {"assets/app.2222.js": b"two()"})
    assert (site / "NOTES.txt").read_text() == "projector: HDMI 2"
    assert (site / "photos" / "room.jpg").read_bytes() == b"\xff\xd8"
    assert result.kept == ["NOTES.txt", "photos/room.jpg"]
    assert result.removed == ["assets/app.1111.js", "ko/index.html"]
    assert not (site / "ko").exists(), "an emptied folder of ours goes with its files"
    assert not list(site.glob(f"{STAGING_PREFIX}*"))


def test_the_cli_says_which_files_it_kept(tmp_path: Path, capsys):
    site = tmp_path / "site"
    assert main(["export", "--site", str(site), "--lang", "en"]) == 0
    (site / "NOTES.txt").write_text("mine")
    capsys.readouterr()
    assert main(["export", "--site", str(site), "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "kept 1 files you added: NOTES.txt" in err
    assert (site / "NOTES.txt").read_text() == "mine"


def test_a_folder_that_is_a_symbolic_link_is_refused(tmp_path: Path):
    real = tmp_path / "real"
    write(real, FIRST)
    before = snapshot(real)
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(FolderRefused, match="symbolic link"):
        write(tmp_path / "link", {"index.html": b"new"})
    assert snapshot(real) == before


def test_a_link_inside_the_folder_is_never_followed(tmp_path: Path):
    site, outside = tmp_path / "site", tmp_path / "outside"
    write(site, FIRST)
    outside.mkdir()
    (outside / "app.1111.js").write_text("someone else's")
    for path in (site / "assets").iterdir():
        path.unlink()
    (site / "assets").rmdir()
    (site / "assets").symlink_to(outside)
    before = snapshot(site)
    with pytest.raises(FolderRefused, match=r"assets is a symbolic link"):
        write(site, FIRST | {"assets/app.2222.js": b"two()"})
    assert (outside / "app.1111.js").read_text() == "someone else's"
    assert sorted(p.name for p in outside.iterdir()) == ["app.1111.js"]
    assert snapshot(site) == before


def test_a_manifest_pointing_outside_is_refused_and_nothing_deleted(tmp_path: Path):
    site = tmp_path / "site"
    write(site, FIRST)
    (tmp_path / "precious.txt").write_text("keep me")
    doc = json.loads((site / MANIFEST).read_text())
    doc["files"].append("../precious.txt")
    (site / MANIFEST).write_text(json.dumps(doc))
    before = snapshot(site)
    with pytest.raises(FolderRefused, match=r"'\.\./precious\.txt'"):
        write(site, {"index.html": b"new"})
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    assert snapshot(site) == before


def test_a_site_from_before_manifests_is_recognised_by_its_service_worker(tmp_path: Path):
    from geo.export.site import SITE_MARK

    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("old")
    (site / "assets" / "old.js").write_text("old()")
    (site / "NOTES.txt").write_text("mine")
    (site / "sw.js").write_text(f'{SITE_MARK}\nvar FILES = ["index.html", "assets/old.js"];\n')
    result = write(site, FIRST)
    assert result.removed == ["assets/old.js"]
    assert result.kept == ["NOTES.txt"]
    assert read_manifest(site) == sorted(FIRST)


def test_someone_elses_folder_is_refused(tmp_path: Path):
    other = tmp_path / "thesis"
    other.mkdir()
    (other / "chapter1.md").write_text("draft")
    with pytest.raises(FolderRefused, match="not an audience site"):
        write(other, FIRST)
    assert sorted(p.name for p in other.iterdir()) == ["chapter1.md"]


def test_a_failure_half_way_through_the_swap_puts_the_old_site_back(tmp_path: Path):
    """A real fault, not a mock: the user keeps a folder where the new site wants a file.

    The assets are renamed into place first; then ``about.html`` meets the
    user's non-empty folder of that name (EISDIR). Everything already moved must
    go back, so a server keeps serving the old, whole site.
    """
    site = tmp_path / "site"
    write(site, FIRST)
    (site / "about.html").mkdir()
    (site / "about.html" / "draft.txt").write_text("mine")
    before = snapshot(site)
    second = FIRST | {"assets/app.1111.js": b"changed()", "assets/app.2222.js": b"two()", "about.html": b"x"}
    with pytest.raises(IsADirectoryError):
        write(site, second)
    assert snapshot(site) == before
    assert not (site / "assets" / "app.2222.js").exists()
    assert not list(site.glob(f"{STAGING_PREFIX}*"))


def test_staging_left_by_a_killed_export_is_cleared(tmp_path: Path):
    site = tmp_path / "site"
    write(site, FIRST)
    leftover = site / f"{STAGING_PREFIX}dead" / "new"
    leftover.mkdir(parents=True)
    (leftover / "index.html").write_text("half")
    result = write(site, FIRST)
    assert not list(site.glob(f"{STAGING_PREFIX}*"))
    assert result.kept == []
