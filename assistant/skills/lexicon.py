"""Exact and near-exact mentions: lexicon terms (tools, everyday phrases, Spanish and English)
and short ESCO labels, found with spaCy's PhraseMatcher on accent-folded lower-case tokens."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from assistant.skills.segment import tokenizer

LEXICON_DIR = Path(__file__).parent / "lexicon"


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Mention:
    uri: str
    start: int  # character offsets in the text
    end: int
    source: str  # "lexicon" or "esco-label"


def read_lexicon(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        return [
            (row["term"].strip(), row["uri"].strip())
            for row in reader
            if row.get("term") and row.get("uri")
        ]


# Light suffix stripping, the same on lexicon terms and on text, so "arreglaba" meets
# "arreglar" and "fixed bikes" meets "fix bike". Longest suffix first; stems keep 4+ letters.
_SUFFIXES = {
    "es": (
        "abamos",
        "iamos",
        "aron",
        "ieron",
        "aban",
        "ando",
        "iendo",
        "aste",
        "iste",
        "ian",
        "aba",
        "ar",
        "er",
        "ir",
        "ia",
        "as",
        "os",
        "es",
        "a",
        "o",
        "e",
        "s",
    ),
    "en": ("ings", "ing", "ied", "ies", "ed", "es", "s", "e"),
}
_SUFFIXES["pt"] = _SUFFIXES["es"]


def stem(word: str, lang: str) -> str:
    for suffix in _SUFFIXES.get(lang, ()):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _fold_doc(doc: Doc) -> Doc:
    lang = doc.lang_
    for token in doc:
        token.norm_ = stem(fold(token.text), lang)
    return doc


class MentionMatcher:
    """One matcher per language; lexicon terms are kept apart from ESCO labels so a match
    can say where it came from."""

    def __init__(
        self,
        lang: str,
        esco_labels: dict[str, list[str]] | None = None,
        lexicon_dir: Path = LEXICON_DIR,
    ) -> None:
        self.lang = lang
        self._nlp = tokenizer(lang)
        self._matcher = PhraseMatcher(self._nlp.vocab, attr="NORM")
        self._keys: dict[int, tuple[str, str]] = {}
        pairs: list[tuple[str, str, str]] = []
        path = lexicon_dir / f"{lang}.tsv"
        if path.exists():
            pairs += [(term, uri, "lexicon") for term, uri in read_lexicon(path)]
        for uri, labels in (esco_labels or {}).items():
            pairs += [(label, uri, "esco-label") for label in labels]
        grouped: dict[tuple[str, str], list[str]] = {}
        for term, uri, source in pairs:
            grouped.setdefault((uri, source), []).append(term)
        for (uri, source), terms in grouped.items():
            key = f"{source}|{uri}"
            match_id = self._nlp.vocab.strings.add(key)
            self._keys[match_id] = (uri, source)
            docs = [_fold_doc(self._nlp.make_doc(t)) for t in dict.fromkeys(terms)]
            self._matcher.add(key, docs)

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, text: str) -> list[Mention]:
        doc = _fold_doc(self._nlp.make_doc(text))
        mentions = []
        for match_id, start, end in self._matcher(doc):
            uri, source = self._keys[match_id]
            span = doc[start:end]
            mentions.append(Mention(uri, span.start_char, span.end_char, source))
        return mentions


def short_esco_labels(skills, max_words: int = 4) -> dict[str, list[str]]:
    """ESCO labels short enough to be said as they are ("use spreadsheets software",
    "WordPress"). One-word labels only when they look like a product name: common words
    ("sales", "plan") and acronyms ("DID" is also a verb) mean too many things."""
    labels: dict[str, list[str]] = {}
    for info in skills.values():
        for label in (info.label, *info.alt_labels):
            words = label.split()
            if not words or len(words) > max_words:
                continue
            if len(words) == 1 and not _is_product_name(label):
                continue
            labels.setdefault(info.uri, []).append(label)
    return labels


def _is_product_name(label: str) -> bool:
    inner_upper = any(ch.isupper() for ch in label[1:])
    has_lower = any(ch.islower() for ch in label)
    return len(label) > 3 and (inner_upper and has_lower or any(ch.isdigit() for ch in label))
