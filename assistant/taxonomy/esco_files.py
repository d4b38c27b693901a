"""Reading an ESCO CSV release in place: the two official zips, or a folder of extracted CSVs.

Everything here is read-only and validated; a problem raises TaxonomyImportError naming the
file and what is wrong with it, before anything is written to the database.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import TaxonomyImportError

# md5 of the official releases we know; a known release must match to the byte.
KNOWN_RELEASES: dict[str, dict[str, str]] = {
    "1.1.1": {
        "classification-en": "bb2f89a9efae25d2216748c86d1cb413",
        "relations": "7b580b5cbf9efde2f8a904cff14c71c0",
    }
}

# Columns each file must have (others are ignored, so newer releases still load).
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "skills": (
        "conceptUri",
        "preferredLabel",
        "altLabels",
        "description",
        "skillType",
        "reuseLevel",
    ),
    "occupations": ("conceptUri", "preferredLabel", "altLabels", "description", "iscoGroup"),
    "skillGroups": ("conceptUri", "preferredLabel", "code"),
    "skillsHierarchy": ("Level 0 URI", "Level 0 code", "Level 1 URI", "Level 1 code"),
    "ISCOGroups": ("conceptUri", "code", "preferredLabel"),
    "transversalSkillsCollection": ("conceptUri",),
    "digitalSkillsCollection": ("conceptUri",),
    "digCompSkillsCollection": ("conceptUri",),
    "greenSkillsCollection": ("conceptUri",),
    "languageSkillsCollection": ("conceptUri",),
    "occupationSkillRelations": ("occupationUri", "relationType", "skillType", "skillUri"),
    "skillSkillRelations": ("originalSkillUri", "relationType", "relatedSkillUri"),
    "broaderRelationsSkillPillar": ("conceptUri", "conceptType", "broaderUri", "broaderType"),
    "broaderRelationsOccPillar": ("conceptUri", "conceptType", "broaderUri", "broaderType"),
}
LANGUAGE_NEUTRAL = {
    "occupationSkillRelations",
    "skillSkillRelations",
    "broaderRelationsSkillPillar",
    "broaderRelationsOccPillar",
}
ZIP_KINDS = (
    ("relations", re.compile(r"relations|classification\s*-\s*-", re.I)),
    ("classification", re.compile(r"classification", re.I)),
)
_VERSION_RE = re.compile(r"v?(\d+\.\d+(?:\.\d+)?)")


def md5_of(path: Path) -> str:
    digest = hashlib.md5()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class EscoRelease:
    """Where each logical ESCO file lives: inside a zip, or as a plain CSV."""

    source_dir: Path
    language: str
    version: str
    members: dict[str, tuple[Path, str | None]] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        joined = "|".join(f"{k}={v}" for k, v in sorted(self.checksums.items()))
        return hashlib.sha256(f"{self.version}|{self.language}|{joined}".encode()).hexdigest()

    def describe(self, name: str) -> str:
        path, member = self.members[name]
        return f"{path.name}:{member}" if member else path.name

    def rows(self, name: str) -> Iterator[dict[str, str]]:
        """Yield the rows of one logical file, checking its header first."""
        if name not in self.members:
            raise TaxonomyImportError(f"{name}: not found in {self.source_dir}")
        path, member = self.members[name]
        yield from read_rows(path, member, self.describe(name), REQUIRED_COLUMNS.get(name, ()))


def read_rows(
    path: Path, member: str | None, where: str, required: tuple[str, ...]
) -> Iterator[dict[str, str]]:
    """The rows of a CSV file, or of a CSV member of a zip, after checking its header."""
    try:
        if member:
            with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
                yield from _read_csv(io.TextIOWrapper(raw, encoding="utf-8-sig"), required, where)
        else:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                yield from _read_csv(fh, required, where)
    except UnicodeDecodeError as exc:
        raise TaxonomyImportError(f"{where}: not UTF-8 text ({exc.reason})") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise TaxonomyImportError(f"{where}: cannot be read ({exc})") from exc


def _read_csv(stream, required: tuple[str, ...], where: str) -> Iterator[dict[str, str]]:
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise TaxonomyImportError(f"{where}: missing column(s) {', '.join(missing)}")
    try:
        for line_no, row in enumerate(reader, start=2):
            if None in row:
                raise TaxonomyImportError(
                    f"{where}: line {line_no} has more fields than the header"
                )
            yield row
    except csv.Error as exc:
        raise TaxonomyImportError(f"{where}: malformed CSV ({exc})") from exc


def _logical_name(filename: str, language: str) -> str | None:
    stem = Path(filename).stem
    if stem in LANGUAGE_NEUTRAL:
        return stem
    suffix = f"_{language}"
    if stem.endswith(suffix) and stem[: -len(suffix)] in REQUIRED_COLUMNS:
        return stem[: -len(suffix)]
    return None


def _guess_version(source_dir: Path, names: list[str]) -> str:
    for candidate in [*names, source_dir.name]:
        match = _VERSION_RE.search(candidate)
        if match:
            return match.group(1)
    return "unknown"


def open_release(source_dir: Path, language: str = "en", version: str | None = None) -> EscoRelease:
    """Locate the release's files and verify the checksums of a known release."""
    if not source_dir.is_dir():
        raise TaxonomyImportError(f"ESCO folder not found: {source_dir} (set PUENTE_ESCO_DIR)")
    zips = sorted(p for p in source_dir.iterdir() if p.suffix.lower() == ".zip")
    csvs = sorted(p for p in source_dir.iterdir() if p.suffix.lower() == ".csv")
    version = version or _guess_version(source_dir, [p.name for p in zips])
    release = EscoRelease(source_dir=source_dir, language=language, version=version)

    for path in zips:
        kind = next((k for k, pattern in ZIP_KINDS if pattern.search(path.name)), "other")
        checksum = md5_of(path)
        key = "relations" if kind == "relations" else f"{kind}-{language}"
        release.checksums[key] = checksum
        expected = KNOWN_RELEASES.get(version, {}).get(key)
        if expected and checksum != expected:
            raise TaxonomyImportError(
                f"{path.name}: md5 {checksum} does not match the official ESCO v{version} "
                f"release ({expected}); the file is damaged or not what its name says"
            )
        try:
            with zipfile.ZipFile(path) as archive:
                bad = archive.testzip()
                if bad:
                    raise TaxonomyImportError(f"{path.name}: corrupt member {bad}")
                for member in archive.namelist():
                    logical = _logical_name(member, language)
                    if logical:
                        release.members[logical] = (path, member)
        except zipfile.BadZipFile as exc:
            raise TaxonomyImportError(f"{path.name}: not a valid zip archive") from exc

    for path in csvs:
        logical = _logical_name(path.name, language)
        if logical and logical not in release.members:
            release.members[logical] = (path, None)
            release.checksums[path.name] = md5_of(path)

    missing = [n for n in REQUIRED_COLUMNS if n not in release.members]
    if missing:
        raise TaxonomyImportError(
            f"{source_dir}: the ESCO release is incomplete, missing "
            + ", ".join(
                f"{n}{'' if n in LANGUAGE_NEUTRAL else '_' + language}.csv" for n in missing
            )
        )
    return release


def split_labels(value: str) -> list[str]:
    """ESCO lists labels one per line (the main files) or ' | '-separated (collections)."""
    parts = re.split(r"\n| \| ", value or "")
    seen: dict[str, None] = {}
    for part in parts:
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)
