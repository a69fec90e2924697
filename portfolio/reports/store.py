"""The report files in the file store: FILES_DIR/reports/<year>/… for published versions (kept
for good, backed up with the database) and FILES_DIR/reports/drafts/… for PDFs of live drafts
(kept a couple of days). Every file is written under a new name and moved into place, so a
reader never sees half a file and a stored file is never overwritten."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from portfolio.operations.schema import files_folder

FOLDER = "reports"
DRAFTS = "drafts"
DRAFT_MAX_AGE_SECONDS = 2 * 24 * 3600
_NAME = re.compile(r"(?:\d{4}|drafts)/[A-Za-z0-9._-]{1,120}")


class StoredFileError(RuntimeError):
    """A stored report file is missing or no longer matches its SHA-256."""


@dataclass(frozen=True)
class StoredFile:
    path: str          # relative to the reports folder, e.g. "2025/v1-3f2a….html"
    sha256: str
    size: int


def root() -> Path:
    return files_folder(current_app) / FOLDER


def absolute(name: str) -> Path:
    """Where the stored file `name` is. Only names this module makes are accepted."""
    if not _NAME.fullmatch(name or "") or ".." in name:
        raise ValueError(f"not a report file name: {name!r}")
    return root() / name


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def new_name(folder: str, stem: str, suffix: str) -> str:
    return f"{folder}/{stem}-{secrets.token_hex(6)}{suffix}"


def write(name: str, data: bytes) -> StoredFile:
    target = absolute(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    with open(partial, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
    return StoredFile(name, sha256_of(data), len(data))


def read(name: str, sha256: str | None = None) -> bytes:
    """The stored bytes; with `sha256`, checked against it (a changed file is refused)."""
    try:
        data = absolute(name).read_bytes()
    except OSError as exc:
        raise StoredFileError(f"report file {name} is missing") from exc
    if sha256 is not None and sha256_of(data) != sha256:
        raise StoredFileError(f"report file {name} does not match its SHA-256")
    return data


def exists(name: str | None) -> bool:
    return bool(name) and absolute(str(name)).is_file()


def sweep_drafts(max_age_seconds: int = DRAFT_MAX_AGE_SECONDS) -> int:
    """Delete draft files older than `max_age_seconds`; returns how many."""
    folder = root() / DRAFTS
    if not folder.is_dir():
        return 0
    cutoff, removed = time.time() - max_age_seconds, 0
    for entry in folder.iterdir():
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    return removed
