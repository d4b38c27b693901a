"""The cue files (data/cues_<lang>.txt) and how their patterns become spaCy Matcher patterns.

A cue file is a list of sections. A section header names one ESCO concept and what the
lines under it are:

    == work in teams | http://data.europa.eu/esco/skill/60c78287-...
    nos cubr*                     one cue per line; a cue is a few tokens
    trabaj* en equipo @0.9        '@weight' sets how strongly the cue alone shows the skill

    !! a place, not a guard post | http://data.europa.eu/esco/skill/e95dc989-... <uri> ...
    (a|en) la guardia             a blocking context: where it matches, the listed concepts
                                  must not be read (from cues or from any other signal)

Tokens of a pattern, compared on accent-folded lower-case text:
    word        that word            trabaj*     any word starting with 'trabaj'
    a|b*|c      one of these         #           any number
    (a b|c d*)  one of these sequences of words
    x? (..)?    optional word or group
    ...         up to 3 other words, no punctuation in between
Groups expand to several Matcher patterns (MAX_VARIANTS at most per line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.skills.lexicon import fold

DEFAULT_WEIGHT = 0.7
NUMBER = "#"  # a number no pattern names as a word
NO_KEY = "~"  # a token no pattern names (an empty NORM would fall back to the word itself)
GAP = "..."
MAX_GAP = 3
_HEADER = re.compile(r"^(==|!!)\s*(.+?)\s*\|\s*(.+?)\s*$")
_URI = re.compile(r"^http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}$")
_WILD = re.compile(r"^[^\W_]+\*$")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'"})


class CueFileError(ValueError):
    """A cue file line that cannot be read; the message names the file and line."""


def norm(text: str) -> str:
    """The form cues and text are compared in: lower case, no accents, one apostrophe."""
    return fold(text.translate(_APOSTROPHES))


@dataclass(frozen=True)
class Cue:
    uris: tuple[str, ...]  # one concept for a cue; one or more for a block
    label: str  # the section's label (an ESCO preferred label for a cue section)
    pattern: str  # as written in the file
    weight: float
    block: bool  # True: a blocking context, not evidence
    line: int


@dataclass
class CueFile:
    lang: str
    path: Path
    cues: list[Cue] = field(default_factory=list)

    def sections(self, block: bool = False) -> dict[str, str]:
        """uri -> label of the cue (or block) sections."""
        return {u: c.label for c in self.cues if c.block == block for u in c.uris}


def read_cue_file(path: Path, lang: str) -> CueFile:
    out = CueFile(lang, path)
    header: tuple[tuple[str, ...], str, bool] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = "" if raw.lstrip().startswith("#") else raw.strip()  # '#' alone is a number
        if not line:
            continue
        where = f"{path.name}:{number}"
        if line.startswith(("==", "!!")):
            match = _HEADER.match(line)
            if not match:
                raise CueFileError(f"{where}: a header reads '== label | uri' or '!! why | uri…'")
            uris = tuple(match.group(3).split())
            bad = [u for u in uris if not _URI.match(u)]
            if bad or (match.group(1) == "==" and len(uris) != 1):
                raise CueFileError(f"{where}: not one ESCO skill URI per cue section: {bad}")
            header = (uris, match.group(2), match.group(1) == "!!")
            continue
        if header is None:
            raise CueFileError(f"{where}: a cue before any '==' or '!!' header")
        pattern, _, weight_text = line.partition(" @")
        try:
            weight = float(weight_text) if weight_text.strip() else DEFAULT_WEIGHT
        except ValueError as exc:
            raise CueFileError(f"{where}: weight {weight_text.strip()!r} is not a number") from exc
        if not 0 < weight <= 1:
            raise CueFileError(f"{where}: weight {weight} is outside (0, 1]")
        uris, label, block = header
        out.cues.append(Cue(uris, label, pattern.strip(), weight, block, number))
    return out


# -- compiling ----------------------------------------------------------------------------------
# Each token of the text gets one key in NORM: "=word" when the word is one a pattern names
# exactly, else the longest wildcard prefix "pref*" it starts with, else nothing. A pattern
# token then matches with a set lookup (no regular expression per token and pattern), which
# keeps a few thousand patterns in the low milliseconds per text.


@dataclass(frozen=True)
class TokenSpec:
    words: frozenset[str]  # exact folded words
    prefixes: frozenset[str]  # wildcard prefixes, without the '*'
    number: bool = False  # '#': any number ("12", "doce" is a word)
    optional: bool = False
    gap: bool = False


Variant = list[TokenSpec]
MAX_VARIANTS = 400  # one line expands to at most this many Matcher patterns


def _pattern_units(pattern: str) -> list[tuple[str, bool]]:
    """Split a pattern into units: a word or a parenthesised group, and whether it ends in
    '?' (optional). Spaces inside a group separate the words of one alternative."""
    units: list[tuple[str, bool]] = []
    i, text = 0, pattern.strip()
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if text[i] == "(":
            close = text.find(")", i)
            if close < 0:
                raise ValueError("a '(' without its ')'")
            body, i = text[i + 1 : close], close + 1
            if "(" in body:
                raise ValueError("groups do not nest")
        else:
            j = i
            while j < len(text) and not text[j].isspace() and text[j] != "(":
                j += 1
            body, i = text[i:j], j
        optional = i < len(text) and text[i] == "?"
        if body.endswith("?") and not optional and len(body) > 1:
            body, optional = body[:-1], True
        i += 1 if optional and i < len(text) and text[i] == "?" else 0
        units.append((body.strip(), optional))
    return units


def _single(option: str, split_word) -> TokenSpec | None:
    """A one-token option as a spec, or None when it is several tokens."""
    if option == "#":
        return TokenSpec(frozenset(), frozenset(), number=True)
    if "*" in option:
        if not _WILD.match(option):
            raise ValueError(f"wildcard {option!r} must be letters then '*'")
        return TokenSpec(frozenset(), frozenset([option[:-1]]))
    pieces = split_word(option)
    return TokenSpec(frozenset(pieces), frozenset()) if len(pieces) == 1 else None


def _sequence(option: str, split_word) -> Variant:
    out: Variant = []
    for word in option.split():
        spec = _single(word, split_word)
        if spec is None:
            out += [TokenSpec(frozenset([p]), frozenset()) for p in split_word(word)]
        else:
            out.append(spec)
    return out


def parse_pattern(pattern: str, split_word) -> list[Variant]:
    """The Matcher token sequences one pattern line stands for. `split_word` splits a word
    the way the text will be tokenised ("don't" -> "do", "n't")."""
    variants: list[Variant] = [[]]
    for body, optional in _pattern_units(norm(pattern)):
        if body == GAP:
            if optional:
                raise ValueError("'...' is already optional")
            variants = [v + [TokenSpec(frozenset(), frozenset(), gap=True)] for v in variants]
            continue
        options = [o.strip() for o in body.split("|")]
        if not all(options):
            raise ValueError(f"empty alternative in {body!r}")
        merged = TokenSpec(frozenset(), frozenset())
        sequences: list[Variant] = []
        for option in options:
            spec = _single(option, split_word) if " " not in option else None
            if spec is None:
                sequences.append(_sequence(option, split_word))
            else:
                merged = TokenSpec(
                    merged.words | spec.words,
                    merged.prefixes | spec.prefixes,
                    merged.number or spec.number,
                )
        choices: list[Variant] = []
        if merged.words or merged.prefixes or merged.number:
            one = TokenSpec(merged.words, merged.prefixes, merged.number, optional=optional)
            choices.append([one])
        choices += sequences
        if optional and sequences:
            choices = [[TokenSpec(s.words, s.prefixes, s.number) for s in c] for c in choices]
            choices.append([])
        variants = [v + c for v in variants for c in choices]
        if len(variants) > MAX_VARIANTS:
            raise ValueError(f"expands to more than {MAX_VARIANTS} variants")
    out = []
    for variant in variants:
        required = [s for s in variant if not (s.gap or s.optional)]
        if not required:
            raise ValueError("a pattern needs at least one required token")
        while variant and variant[0].gap:
            variant = variant[1:]
        while variant and variant[-1].gap:
            variant = variant[:-1]
        out.append(variant)
    return out


class KeyVocabulary:
    """The exact words and wildcard prefixes of all patterns, and the key of a text token."""

    def __init__(self, all_specs: list[Variant]) -> None:
        self.words: set[str] = set()
        self.prefixes: set[str] = set()
        for specs in all_specs:
            for spec in specs:
                self.words |= spec.words
                self.prefixes |= spec.prefixes
        self._lengths = sorted({len(p) for p in self.prefixes}, reverse=True)
        self._by_prefix: dict[str, list[str]] = {}

    def key(self, word: str, like_number: bool = False) -> str:
        if word in self.words:
            return "=" + word
        for length in self._lengths:
            if length <= len(word) and word[:length] in self.prefixes:
                return word[:length] + "*"
        return NUMBER if like_number else NO_KEY

    def keys_for(self, spec: TokenSpec) -> list[str]:
        keys = {"=" + w for w in spec.words}
        if spec.number:  # a number some pattern also names as a word has that word's key
            keys |= {NUMBER} | {"=" + w for w in self.words if w.isdigit()}
        for prefix in spec.prefixes:
            if prefix not in self._by_prefix:
                self._by_prefix[prefix] = [f"={w}" for w in self.words if w.startswith(prefix)]
                self._by_prefix[prefix] += [f"{p}*" for p in self.prefixes if p.startswith(prefix)]
            keys.update(self._by_prefix[prefix])
        return sorted(keys)

    def matcher_pattern(self, specs: list[TokenSpec]) -> list[dict]:
        out: list[dict] = []
        for spec in specs:
            if spec.gap:
                out.append({"IS_PUNCT": False, "OP": f"{{0,{MAX_GAP}}}"})
                continue
            keys = self.keys_for(spec)
            token: dict = {"NORM": keys[0]} if len(keys) == 1 else {"NORM": {"IN": keys}}
            if spec.optional:
                token["OP"] = "?"
            out.append(token)
        return out
