"""Negation scope and clauses, by a few explicit rules (no parser).

A clause ends at punctuation, a line break, or a word that starts a new clause ("pero",
"y", "porque", "but", "and", "because"...). A negator ("no", "nunca", "sin", "not", "n't",
"never", "without"...) negates what follows it in its clause, up to NEGATION_WINDOW tokens.
A cue is negated when such a negator stands before it in the scope; a negator inside the
cue itself is part of what the cue says ("nunca falté", "without being told").
"Not only", "no solo", "no matter", a tag "¿no?" and "nada más" ("just") negate nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

NEGATION_WINDOW = 10  # "que no estén todo el día con la tablet": the cue is 7 tokens on

NEGATORS = {
    "es": {"no", "nunca", "jamas", "ni", "tampoco", "sin", "nadie", "ningun", "ninguna", "ninguno"},
    "en": {
        "not",
        "n't",
        "never",
        "no",
        "without",
        "nor",
        "neither",
        "cannot",
        "nobody",
        "none",
        "nothing",
        "hardly",
    },
}
NEGATORS["pt"] = {"nao", "nunca", "jamais", "nem", "sem", "ninguem", "nenhum", "nenhuma"}

# A negator followed by one of these words is no negation ("no solo cocino, también...").
PSEUDO_NEXT = {
    "es": {"solo", "solamente", "nomas", "obstante", "importa", "mas"},
    "en": {"only", "just", "matter", "problem", "doubt", "wonder", "sooner", "less"},
    "pt": {"so", "somente", "apenas"},
}
# ... or preceded by one of these ("¿sí o no?", "nada más" is handled by 'mas' above).
PSEUDO_PREV = {"es": {"o", "si"}, "en": {"or"}, "pt": {"ou"}}

CLAUSE_WORDS = {
    "es": {
        "pero",
        "sino",
        "aunque",
        "y",
        "e",
        "o",
        "u",
        "porque",
        "pues",
        "entonces",
        "cuando",
        "mientras",
        "asi",
        "luego",
        "despues",
    },
    "en": {
        "but",
        "and",
        "or",
        "because",
        "so",
        "although",
        "though",
        "while",
        "when",
        "whereas",
        "then",
        "after",
        "since",
    },
    "pt": {"mas", "e", "ou", "porque", "quando", "entao", "depois"},
}
CLAUSE_PUNCT = set('.,;:!?¡¿()[]{}…—–"') | {"...", "-", "/"}


@dataclass(frozen=True)
class Token:
    text: str  # accent-folded lower case
    start: int  # character offsets in the text
    end: int
    breaks: bool  # punctuation or line break: ends a clause by itself


def clause_ids(tokens: list[Token], lang: str) -> list[int]:
    """A clause number per token; boundary tokens belong to no clause (-1)."""
    words = CLAUSE_WORDS.get(lang, CLAUSE_WORDS["es"])
    ids, current = [], 0
    for token in tokens:
        if token.breaks or token.text in words:
            ids.append(-1)
            current += 1
        else:
            ids.append(current)
    return ids


def negator_positions(tokens: list[Token], lang: str) -> list[int]:
    negators = NEGATORS.get(lang, NEGATORS["es"])
    pseudo_next = PSEUDO_NEXT.get(lang, set())
    pseudo_prev = PSEUDO_PREV.get(lang, set())
    out = []
    for i, token in enumerate(tokens):
        if token.text not in negators:
            continue
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        before = tokens[i - 1] if i > 0 else None
        if after is not None and after.text in pseudo_next:
            continue
        if before is not None and before.text in pseudo_prev and (after is None or after.breaks):
            continue  # "¿sí o no?", "whether or not"
        if after is None or after.breaks:
            continue  # "No, ..." answers; it negates nothing after it
        out.append(i)
    return out


class Scopes:
    """Clauses and negations of one tokenised text."""

    def __init__(self, tokens: list[Token], lang: str) -> None:
        self.tokens = tokens
        self.clauses = clause_ids(tokens, lang)
        self.negators = negator_positions(tokens, lang)

    def negated(self, start: int, end: int) -> bool:
        """Is the token span [start, end) inside a negation that starts before it?"""
        clause = next((c for c in self.clauses[start:end] if c >= 0), -1)
        for position in self.negators:
            if position >= start:
                break
            if self.clauses[position] == clause and start - position <= NEGATION_WINDOW:
                return True
        return False

    def negated_char_spans(self) -> list[tuple[int, int]]:
        """Character spans a negation covers (for callers filtering other signals)."""
        spans = []
        for position in self.negators:
            clause = self.clauses[position]
            last = position
            limit = min(len(self.tokens), position + NEGATION_WINDOW + 1)
            for j in range(position + 1, limit):
                if self.clauses[j] != clause:
                    break
                last = j
            if last > position:
                spans.append((self.tokens[position].start, self.tokens[last].end))
        return spans

    def clause_span(self, start: int, end: int) -> tuple[int, int]:
        """Token span of the clause(s) around [start, end)."""
        lo, hi = start, end
        while lo > 0 and self.clauses[lo - 1] >= 0:
            lo -= 1
        while hi < len(self.tokens) and self.clauses[hi] >= 0:
            hi += 1
        return lo, hi
