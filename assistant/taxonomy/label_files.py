"""Reading label sources in place: an ESCO release in another language (zips or CSVs, only
its labels are used) and Puente's own reviewed TSV files (assistant/taxonomy/labels/).

Read-only and validated, like esco_files: a problem raises TaxonomyImportError naming the file
and what is wrong, before anything is written.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import TaxonomyImportError
from assistant.taxonomy.esco_files import EscoRelease, _guess_version, md5_of, read_rows

PUENTE_LABELS_DIR = Path(__file__).resolve().parent / "labels"
# Files whose labels are read, in this order; the first two must be present.
LABEL_FILES = ("skills", "occupations", "skillGroups", "ISCOGroups")
LABEL_COLUMNS = ("conceptUri", "preferredLabel", "altLabels")
# md5 of each file of the label releases we know; a known release must match to the byte.
KNOWN_LABEL_RELEASES: dict[tuple[str, str], dict[str, str]] = {
    ("1.0.3", "es"): {
        "skills_es.csv": "d23cbcb1a019e86f85f9b42a40ab7295",
        "occupations_es.csv": "7881417aada679be24a3f91e431a98d5",
        "skillGroups_es.csv": "09d55edcaaa697c8b2149491440c68b3",
        "ISCOGroups_es.csv": "b3100c90940d0ba4bb1e1ad257879d57",
    }
}
_MEMBER_RE = re.compile(r"^(skills|occupations|skillGroups|ISCOGroups)_([a-z]{2,3})\.csv$")
PUENTE_COLUMNS = ("uri", "en", "label", "override", "note")
_PUENTE_NAME = re.compile(r"^puente_([a-z]{2,3})\.tsv$")


@dataclass
class LabelRelease(EscoRelease):
    """The label files of one ESCO language release: where each lives, and checksums (the
    English release's record, named by its source)."""

    @property
    def source(self) -> str:
        return f"esco-{self.version}"

    def rows(self, name: str) -> Iterator[dict[str, str]]:
        path, member = self.members[name]
        yield from read_rows(path, member, self.describe(name), LABEL_COLUMNS)

    def verify(self) -> None:
        """For a known release, every file's md5 (zipped or not) must be the official one."""
        expected = KNOWN_LABEL_RELEASES.get((self.version, self.language))
        if not expected:
            return
        for filename, md5 in expected.items():
            name = filename.split("_")[0]
            if name not in self.members:
                raise TaxonomyImportError(
                    f"{self.source_dir}: {filename} of ESCO v{self.version} ({self.language}) "
                    "is missing"
                )
            where = self.describe(name)
            actual = _member_md5(*self.members[name], where)
            if actual != md5:
                raise TaxonomyImportError(
                    f"{where}: md5 {actual} does not match the official ESCO v{self.version} "
                    f"({self.language}) file ({md5}); the file is damaged or not what its name says"
                )


def _member_md5(path: Path, member: str | None, where: str) -> str:
    if member is None:
        return md5_of(path)
    digest = hashlib.md5()
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as raw:
            for chunk in iter(lambda: raw.read(1 << 20), b""):
                digest.update(chunk)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TaxonomyImportError(f"{where}: cannot be read ({exc})") from exc
    return digest.hexdigest()


def open_label_release(source_dir: Path, version: str | None = None) -> LabelRelease:
    """Find the label files of an ESCO release in one language (its language is read from the
    file names: skills_es.csv -> es). Cheap: checksums of whole files only; `verify()` and the
    reading of the rows come when the release is actually imported."""
    if not source_dir.is_dir():
        raise TaxonomyImportError(
            f"ESCO labels folder not found: {source_dir} (set PUENTE_ESCO_LABELS_DIRS)"
        )
    zips = sorted(p for p in source_dir.iterdir() if p.suffix.lower() == ".zip")
    csvs = sorted(p for p in source_dir.iterdir() if p.suffix.lower() == ".csv")
    found: dict[str, dict[str, tuple[Path, str | None]]] = {}
    checksums: dict[str, str] = {}
    for path in zips:
        checksums[path.name] = md5_of(path)
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise TaxonomyImportError(f"{path.name}: not a valid zip archive") from exc
        for member in names:
            match = _MEMBER_RE.match(Path(member).name)
            if match:
                found.setdefault(match.group(2), {})[match.group(1)] = (path, member)
    for path in csvs:
        match = _MEMBER_RE.match(path.name)
        if match and match.group(1) not in found.get(match.group(2), {}):
            found.setdefault(match.group(2), {})[match.group(1)] = (path, None)
            checksums[path.name] = md5_of(path)
    if len(found) != 1:
        what = ", ".join(sorted(found)) if found else "no skills_<language>.csv"
        raise TaxonomyImportError(
            f"{source_dir}: a labels folder holds one ESCO language release, found {what}"
        )
    language, members = next(iter(found.items()))
    missing = [f"{n}_{language}.csv" for n in LABEL_FILES[:2] if n not in members]
    if missing:
        raise TaxonomyImportError(
            f"{source_dir}: the ESCO labels release is incomplete, missing {', '.join(missing)}"
        )
    version = version or _guess_version(source_dir, [p.name for p in zips])
    return LabelRelease(source_dir, language, version, members, checksums)


def fingerprint(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass
class PuenteLabel:
    uri: str
    en: str
    label: str
    override: bool
    note: str
    line: int


def puente_label_files(folder: Path = PUENTE_LABELS_DIR) -> dict[str, Path]:
    """language -> its puente_<language>.tsv."""
    if not folder.is_dir():
        return {}
    return {m.group(1): p for p in sorted(folder.iterdir()) if (m := _PUENTE_NAME.match(p.name))}


def read_puente_labels(path: Path) -> list[PuenteLabel]:
    """A reviewed TSV: a header `uri en label override note`, then one label a line; blank
    lines and lines starting with # are for the reviewers. `override` is empty or `yes`
    (Puente's label wins over ESCO's), and an override must give its reason in `note`."""
    where = path.name
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise TaxonomyImportError(f"{where}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise TaxonomyImportError(f"{where}: cannot be read ({exc})") from exc
    rows = [(i, line) for i, line in enumerate(lines, 1) if line.strip() and line[0] != "#"]
    if not rows or tuple(rows[0][1].split("\t")) != PUENTE_COLUMNS:
        raise TaxonomyImportError(f"{where}: the header must be {' '.join(PUENTE_COLUMNS)}")
    labels: list[PuenteLabel] = []
    seen: dict[str, int] = {}
    for i, line in rows[1:]:
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != len(PUENTE_COLUMNS):
            raise TaxonomyImportError(
                f"{where}: line {i} has {len(cells)} tab-separated fields, not "
                f"{len(PUENTE_COLUMNS)}"
            )
        uri, en, label, override, note = cells
        if not uri.startswith("http://data.europa.eu/esco/"):
            raise TaxonomyImportError(f"{where}: line {i} has no ESCO concept URI ({uri!r})")
        if not label:
            raise TaxonomyImportError(f"{where}: line {i} has an empty label")
        if override not in ("", "yes"):
            raise TaxonomyImportError(f"{where}: line {i}: override is 'yes' or empty")
        if override and not note:
            raise TaxonomyImportError(f"{where}: line {i}: an override needs its reason in note")
        if uri in seen:
            raise TaxonomyImportError(f"{where}: line {i} repeats the URI of line {seen[uri]}")
        seen[uri] = i
        labels.append(PuenteLabel(uri, en, label, override == "yes", note, i))
    return labels
