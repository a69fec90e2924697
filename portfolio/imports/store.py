"""Uploaded import files waiting for their background job: FILES_DIR/imports/<random id>.

The file store is shared with the workers (another machine may run the job), so the upload is
written there, named by a random id (the original name stays in the job's arguments), and the
job deletes it when it has finished. A file whose job never finished (failed on its last
attempt, lost) is deleted after a day by `sweep`, which every upload runs.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import IO

from flask import current_app

from portfolio.operations.schema import files_folder

FOLDER = "imports"
MAX_AGE_SECONDS = 24 * 3600
_ID = re.compile(r"[0-9a-f]{32}")


def folder() -> Path:
    return files_folder(current_app) / FOLDER


def path_of(file_id: str) -> Path:
    """Where the file `file_id` is (or was). Only ids this module made are accepted."""
    if not _ID.fullmatch(file_id or ""):
        raise ValueError(f"not an import file id: {file_id!r}")
    return folder() / file_id


def save(stream: IO[bytes]) -> str:
    """Copy the (rewound) upload into the store; returns the new file's id."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    file_id = secrets.token_hex(16)
    partial = target / f"{file_id}.part"
    stream.seek(0)
    with open(partial, "wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    os.replace(partial, target / file_id)
    return file_id


def delete(file_id: str) -> None:
    try:
        path_of(file_id).unlink(missing_ok=True)
    except ValueError:
        return


def sweep(max_age_seconds: int = MAX_AGE_SECONDS) -> int:
    """Delete stored files (and partial copies) older than `max_age_seconds`; returns how many."""
    target = folder()
    if not target.is_dir():
        return 0
    cutoff = time.time() - max_age_seconds
    removed = 0
    for entry in target.iterdir():
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink(missing_ok=True)
                removed += 1
        except OSError:
            continue
    return removed
