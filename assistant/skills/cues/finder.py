"""Find behaviour cues in a worker's text: spaCy's Matcher over accent-folded tokens, then
the negation and context rules of scope.py and the blocking contexts of the cue files."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from pathlib import Path

from assistant.skills.cues.patterns import (
    CueFile,
    KeyVocabulary,
    norm,
    parse_pattern,
    read_cue_file,
)
from assistant.skills.cues.scope import CLAUSE_PUNCT, Scopes, Token
from assistant.skills.segment import segment, tokenizer

DATA_DIR = Path(__file__).parent / "data"
LANGUAGES = ("es", "en")


@dataclass(frozen=True)
class CueHit:
    """A skill shown by a behaviour cue, with the clause or sentence that supports it."""

    uri: str
    label: str
    start: int  # the cue's character offsets in the text
    end: int
    evidence: str  # quoted from the text: the task statement (or sentence) around the cue
    evidence_start: int
    evidence_end: int
    weight: float  # how strongly the cue alone shows the skill, in (0, 1]
    cue: str  # the pattern as written in the cue file


@dataclass(frozen=True)
class BlockedReading:
    """A span where the listed concepts must not be read (negated, or another sense)."""

    uris: frozenset[str]  # empty: any concept (a negation)
    start: int
    end: int
    reason: str


class CueFinder:
    """One per language; built on first use, then shared (matching is read-only)."""

    def __init__(self, lang: str, path: Path | None = None) -> None:
        from spacy.matcher import Matcher

        self.lang = lang
        self.nlp = tokenizer(lang)
        self.file: CueFile = read_cue_file(path or DATA_DIR / f"cues_{lang}.txt", lang)
        split = functools.lru_cache(maxsize=None)(self._split_word)
        parsed = []
        for cue in self.file.cues:
            try:
                parsed.append(parse_pattern(cue.pattern, split))
            except ValueError as exc:
                raise ValueError(f"{self.file.path.name}:{cue.line}: {exc}") from exc
        self.vocabulary = KeyVocabulary([v for variants in parsed for v in variants])
        # One small Matcher per cue line, run only when the text holds a key for every
        # required token of one of its variants: spaCy evaluates each set predicate of each
        # pattern at every token, so one Matcher with all ~3,000 variants costs tens of ms
        # per text, and the pre-check keeps that to the few cues a text can match.
        self._matchers = []
        self._needs: list[list[tuple[frozenset[str], ...]]] = []
        self._by_key: dict[str, set[int]] = {}  # key of a first required token -> cues
        for index, variants in enumerate(parsed):
            matcher = Matcher(self.nlp.vocab)
            matcher.add(
                "cue", [self.vocabulary.matcher_pattern(v) for v in variants], greedy="LONGEST"
            )
            self._matchers.append(matcher)
            self._needs.append(
                [
                    tuple(
                        frozenset(self.vocabulary.keys_for(s))
                        for s in v
                        if not (s.gap or s.optional)
                    )
                    for v in variants
                ]
            )
            for need in self._needs[-1]:
                for key in need[0]:
                    self._by_key.setdefault(key, set()).add(index)

    def _split_word(self, word: str) -> tuple[str, ...]:
        return tuple(norm(t.text) for t in self.nlp.make_doc(word))

    # -- one text ------------------------------------------------------------------------------
    def _analyse(self, text: str):
        doc = self.nlp.make_doc(text)
        tokens = []
        for token in doc:
            folded = norm(token.text)
            token.norm_ = self.vocabulary.key(folded, token.like_num)
            breaks = token.is_space or "\n" in token.text or folded in CLAUSE_PUNCT
            tokens.append(Token(folded, token.idx, token.idx + len(token.text), breaks))
        present = {token.norm_ for token in doc}
        candidates = set().union(*(self._by_key.get(key, ()) for key in present))
        matches = []
        for index in sorted(candidates):
            needs = self._needs[index]
            if any(all(not keys.isdisjoint(present) for keys in need) for need in needs):
                for _, start, end in self._matchers[index](doc):
                    matches.append((self.file.cues[index], start, end))
        return tokens, Scopes(tokens, self.lang), matches

    def find(self, text: str) -> list[CueHit]:
        tokens, scopes, matches = self._analyse(text)
        blocks = self._blocks(tokens, matches)
        best: dict[tuple[str, int], CueHit] = {}
        evidence = _Evidence(text, self.lang)
        for cue, start, end in matches:
            if cue.block or scopes.negated(start, end):
                continue
            uri = cue.uris[0]
            char_start, char_end = tokens[start].start, tokens[end - 1].end
            if any(uri in b.uris and b.start < char_end and char_start < b.end for b in blocks):
                continue
            quote, q_start, q_end = evidence.around(char_start, char_end)
            hit = CueHit(
                uri, cue.label, char_start, char_end, quote, q_start, q_end, cue.weight, cue.pattern
            )
            key = (uri, q_start)  # one hit per concept and piece of evidence
            kept = best.get(key)
            if kept is None or (hit.weight, hit.end - hit.start) > (
                kept.weight,
                kept.end - kept.start,
            ):
                best[key] = hit
        return sorted(best.values(), key=lambda h: (h.start, h.uri))

    def blocked(self, text: str) -> list[BlockedReading]:
        tokens, scopes, matches = self._analyse(text)
        out = self._blocks(tokens, matches)
        out += [
            BlockedReading(frozenset(), a, b, "negated") for a, b in scopes.negated_char_spans()
        ]
        return sorted(out, key=lambda b: (b.start, b.end))

    def _blocks(self, tokens: list[Token], matches) -> list[BlockedReading]:
        return [
            BlockedReading(frozenset(cue.uris), tokens[s].start, tokens[e - 1].end, cue.label)
            for cue, s, e in matches
            if cue.block
        ]


class _Evidence:
    """The smallest task statement (segment.py) holding the whole cue, else its sentence."""

    def __init__(self, text: str, lang: str) -> None:
        self.text = text
        self.lang = lang
        self._segments = None
        self._sentences = None

    def around(self, start: int, end: int) -> tuple[str, int, int]:
        if self._segments is None:
            self._segments = segment(self.text, self.lang)
        for seg in self._segments:
            if seg.start <= start and end <= seg.end:
                return seg.text, seg.start, seg.end
        if self._sentences is None:
            doc = tokenizer(self.lang)(self.text)
            self._sentences = [(s.start_char, s.end_char) for s in doc.sents]
        for a, b in self._sentences:
            if a <= start < b:
                b = max(b, end)
                quote = self.text[a:b]
                lead = len(quote) - len(quote.lstrip())
                quote = quote.strip()
                return quote, a + lead, a + lead + len(quote)
        return self.text[start:end], start, end


_LOCK = threading.Lock()


@functools.cache
def _finder(lang: str) -> CueFinder:
    return CueFinder(lang)


def cue_finder(lang: str) -> CueFinder:
    """The shared finder of a language (es for any language without its own cue file)."""
    lang = lang if lang in LANGUAGES else "es"
    with _LOCK:  # two threads asking first must not build the matcher twice
        return _finder(lang)


def find_cues(text: str, lang: str) -> list[CueHit]:
    """Skills shown by behaviour cues in `text`, negated and other-sense readings left out."""
    if not text or not text.strip():
        return []
    return cue_finder(lang).find(text)


def blocked_readings(text: str, lang: str) -> list[BlockedReading]:
    """Spans where concepts must not be read: negations (any concept) and other senses of a
    word (the listed concepts), for a caller filtering lexicon or dense matches."""
    if not text or not text.strip():
        return []
    return cue_finder(lang).blocked(text)
