"""The backup file: a zip archive the app writes and reads, the same for SQLite and PostgreSQL.

    manifest.json            format, format version, the database's schema revision (Alembic), the
                             kind of database it came from, when it was taken, each table (its
                             columns in order, its row count) and the SHA-256 and size of every
                             other member
    database/<table>.jsonl   one row a line: a JSON array in the manifest's column order; values
                             that JSON has no type for carry a tag ({"$date": "2026-11-27"})
    files/<path>             the stored files (the files folder in the instance folder), as they were

The rows are an app-level dump (every table, in foreign-key order), not the database's own
format, so a backup restores on either kind of database and needs no client programs. The
checksums find a damaged or altered file before anything is restored; they are not a signature
(anyone who can edit the file can edit the manifest too), so backups belong on storage only the
operators can write to."""

from __future__ import annotations

import base64
import hashlib
import json
import time as _time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = "portfolio-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TABLE_DIR = "database/"
FILES_DIR = "files/"
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore cannot go on; the message (Swedish, for the operator) says why."""


# --- values --------------------------------------------------------------------------------------

def encode(value: Any) -> Any:
    """A column value as JSON, its type kept: JSON's own types as they are, others tagged."""
    if value is None or isinstance(value, bool | int | str | float):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):            # before date: a datetime is a date too
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    raise BackupError(f"Kan inte säkerhetskopiera ett värde av typen {type(value).__name__}.")


_DECODERS: dict[str, Callable[[str], Any]] = {
    "$decimal": Decimal,
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$time": time.fromisoformat,
    "$bytes": base64.b64decode,
}


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        ((tag, text),) = value.items()
        return _DECODERS[tag](text)
    return value


def row_line(values) -> bytes:
    return (json.dumps([encode(v) for v in values], ensure_ascii=False, separators=(",", ":"))
            + "\n").encode("utf-8")


# --- the manifest --------------------------------------------------------------------------------

@dataclass
class TableInfo:
    name: str
    columns: list[str]
    rows: int = 0

    @property
    def member(self) -> str:
        return f"{TABLE_DIR}{self.name}.jsonl"


@dataclass
class Member:
    sha256: str
    size: int


@dataclass
class Manifest:
    schema_revision: str
    database: str                      # "sqlite" or "postgresql": where the backup was taken
    created_at: str                    # ISO 8601, UTC
    tables: list[TableInfo] = field(default_factory=list)
    members: dict[str, Member] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @property
    def files(self) -> list[str]:
        return sorted(name for name in self.members if name.startswith(FILES_DIR))

    def to_json(self) -> bytes:
        data = {
            "format": FORMAT, "format_version": self.format_version,
            "schema_revision": self.schema_revision, "database": self.database,
            "created_at": self.created_at,
            "tables": [{"name": t.name, "columns": t.columns, "rows": t.rows} for t in self.tables],
            "members": {name: {"sha256": m.sha256, "size": m.size} for name, m in sorted(self.members.items())},
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError("Filen är ingen säkerhetskopia från portföljappen (manifest.json har fel format).")
            version = int(data["format_version"])
            if version > FORMAT_VERSION:
                raise BackupError(
                    f"Säkerhetskopian har filformat {version}, men den här versionen av appen läser bara "
                    f"format {FORMAT_VERSION}. Återställ med en nyare version av appen.")
            manifest = cls(
                schema_revision=str(data["schema_revision"]), database=str(data["database"]),
                created_at=str(data["created_at"]), format_version=version,
                tables=[TableInfo(str(t["name"]), [str(c) for c in t["columns"]], int(t["rows"]))
                        for t in data["tables"]],
                members={str(name): Member(str(m["sha256"]), int(m["size"]))
                         for name, m in data["members"].items()})
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"Säkerhetskopians manifest.json är skadad ({exc}).") from exc
        for name in manifest.members:
            _check_member_name(name)
        missing = [t.member for t in manifest.tables if t.member not in manifest.members]
        if missing:
            raise BackupError(f"Säkerhetskopians manifest saknar kontrollsumma för {missing[0]}.")
        return manifest


def _check_member_name(name: str) -> None:
    path = PurePosixPath(name)
    if (path.is_absolute() or ".." in path.parts or "\\" in name
            or not (name.startswith(TABLE_DIR) or name.startswith(FILES_DIR))):
        raise BackupError(f"Säkerhetskopian innehåller en otillåten sökväg: {name!r}.")


# --- writing -------------------------------------------------------------------------------------

class ArchiveWriter:
    """Writes members one at a time, hashing them on the way; the manifest goes in last."""

    def __init__(self, target: Path):
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self.members: dict[str, Member] = {}

    def write_lines(self, name: str, lines: Iterator[bytes]) -> int:
        """Write a member from lines; returns how many lines."""
        digest, size, count = hashlib.sha256(), 0, 0
        info = zipfile.ZipInfo(name, date_time=_time.localtime()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED
        with self._zip.open(info, "w", force_zip64=True) as out:
            for line in lines:
                out.write(line)
                digest.update(line)
                size += len(line)
                count += 1
        self.members[name] = Member(digest.hexdigest(), size)
        return count

    def write_file(self, name: str, source: Path) -> None:
        digest, size = hashlib.sha256(), 0
        info = zipfile.ZipInfo.from_file(source, name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with source.open("rb") as handle, self._zip.open(info, "w", force_zip64=True) as out:
            while chunk := handle.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        self.members[name] = Member(digest.hexdigest(), size)

    def finish(self, manifest: Manifest) -> None:
        manifest.members = dict(self.members)
        self._zip.writestr(MANIFEST, manifest.to_json())
        self._zip.close()

    def abort(self) -> None:
        self._zip.close()


# --- reading -------------------------------------------------------------------------------------

DAMAGED = "Säkerhetskopian {path} är skadad eller ofullständig och kan inte läsas ({reason}). Ingenting har ändrats."


class ArchiveReader:
    """Opens a backup, reads its manifest and checks every member against it before any use."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
            raw = self._zip.read(MANIFEST)
        except KeyError as exc:
            raise BackupError(f"{path} saknar manifest.json och är ingen säkerhetskopia från portföljappen.") from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise BackupError(DAMAGED.format(path=path, reason=exc)) from exc
        self.manifest = Manifest.from_json(raw)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def verify(self) -> None:
        """Every member the manifest names is there with its size and SHA-256, and nothing else is."""
        names = {n for n in self._zip.namelist() if n != MANIFEST and not n.endswith("/")}
        extra = sorted(names - set(self.manifest.members))
        if extra:
            raise BackupError(f"Säkerhetskopian innehåller {extra[0]}, som inte står i dess manifest. "
                              "Filen har ändrats efter att den skrevs; ingenting har ändrats.")
        for name, expected in sorted(self.manifest.members.items()):
            if name not in names:
                raise BackupError(f"Säkerhetskopian saknar {name}, som står i dess manifest. Ingenting har ändrats.")
            digest, size = hashlib.sha256(), 0
            try:
                with self._zip.open(name) as handle:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
                raise BackupError(DAMAGED.format(path=self.path, reason=f"{name}: {exc}")) from exc
            if size != expected.size or digest.hexdigest() != expected.sha256:
                raise BackupError(
                    f"Kontrollsumman (SHA-256) för {name} i {self.path} stämmer inte med manifestet: filen "
                    "är skadad eller har ändrats. Ingenting har ändrats; använd en annan säkerhetskopia.")

    def rows(self, table: TableInfo) -> Iterator[list[Any]]:
        with self._zip.open(table.member) as handle:
            for line in handle:
                yield [decode(v) for v in json.loads(line)]

    def open_member(self, name: str) -> IO[bytes]:
        return self._zip.open(name)
