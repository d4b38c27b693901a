"""Reading amounts, currencies, hours, durations, choices and levels from what users type,
in Spanish and English. Used alongside Rasa's entities so a missed entity never derails a
turn; everything here is a pure function of the text."""

from __future__ import annotations

import re
import unicodedata

WORD_NUMBERS = {
    "cero": 0,
    "zero": 0,
    "un": 1,
    "uno": 1,
    "una": 1,
    "one": 1,
    "a": 1,
    "dos": 2,
    "two": 2,
    "tres": 3,
    "three": 3,
    "cuatro": 4,
    "four": 4,
    "cinco": 5,
    "five": 5,
    "seis": 6,
    "six": 6,
    "siete": 7,
    "seven": 7,
    "ocho": 8,
    "eight": 8,
    "nueve": 9,
    "nine": 9,
    "diez": 10,
    "ten": 10,
    "doce": 12,
    "twelve": 12,
    "quince": 15,
    "fifteen": 15,
    "veinte": 20,
    "twenty": 20,
    "treinta": 30,
    "thirty": 30,
    "cuarenta": 40,
    "forty": 40,
    "cincuenta": 50,
    "fifty": 50,
    "cien": 100,
    "hundred": 100,
    "doscientos": 200,
    "quinientos": 500,
    "mil": 1000,
    "thousand": 1000,
}
ORDINALS = {
    "primer": 1,
    "primero": 1,
    "primera": 1,
    "first": 1,
    "1st": 1,
    "segundo": 2,
    "segunda": 2,
    "second": 2,
    "2nd": 2,
    "tercer": 3,
    "tercero": 3,
    "tercera": 3,
    "third": 3,
    "3rd": 3,
    "cuarto": 4,
    "cuarta": 4,
    "fourth": 4,
    "quinto": 5,
    "quinta": 5,
    "fifth": 5,
    "ultimo": -1,
    "ultima": -1,
    "last": -1,
}
CURRENCY_WORDS = [
    (r"\b(usd|us\$|dolares?|dollars?|bucks)\b", "USD"),
    (r"\b(soles?|pen)\b", "PEN"),
    (r"\b(quetzales?|gtq)\b", "GTQ"),
    (r"\b(reales?|reais|brl)\b", "BRL"),
    (r"\b(euros?|eur)\b", "EUR"),
    (r"\b(pesos? mexicanos?|mxn)\b", "MXN"),
    (r"\b(pesos? colombianos?|cop)\b", "COP"),
    (r"\b(pesos? chilenos?|clp)\b", "CLP"),
    (r"\b(pesos? argentinos?|ars)\b", "ARS"),
    (r"\b(pesos? dominicanos?|dop)\b", "DOP"),
    (r"\b(bolivianos?|bob)\b", "BOB"),
    (r"\b(guaranies|pyg)\b", "PYG"),
    (r"\b(colones|crc)\b", "CRC"),
    (r"\b(lempiras?|hnl)\b", "HNL"),
]
FREE_WORDS = r"\b(nada|gratis|cero|ningun|nothing|free|no money|sin dinero|no tengo dinero)\b"


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _number_at(token: str) -> float | None:
    token = token.strip()
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", token):  # 1.500 / 1,500 / 200.000
        return float(re.sub(r"[.,]", "", token))
    if re.fullmatch(r"\d+([.,]\d{1,2})?", token):
        return float(token.replace(",", "."))
    return None


def numbers(text: str) -> list[float]:
    """Numbers in order, with "mil"/"k"/"thousand" multipliers and number words."""
    t = fold(text)
    found: list[float] = []
    for match in re.finditer(r"(\d[\d.,]*)\s*(mil|k|thousand|lucas?)?\b|\b([a-z]+)\b", t):
        if match.group(1):
            value = _number_at(match.group(1).rstrip(".,"))
            if value is None:
                continue
            if match.group(2):
                value *= 1000
            found.append(value)
        elif match.group(3) in WORD_NUMBERS and match.group(3) not in ("a", "un", "una"):
            word_value = WORD_NUMBERS[match.group(3)]
            if word_value == 1000 and found:
                found[-1] *= 1000
            else:
                found.append(float(word_value))
    return found


def currency(text: str, default: str | None = None) -> str | None:
    t = fold(text)
    if "$" in text and not re.search(r"[a-z]\$", t):
        dollars = "USD"
    else:
        dollars = None
    for pattern, code in CURRENCY_WORDS:
        if re.search(pattern, t):
            return code
    return dollars or default


def budget(text: str) -> float | None:
    if re.search(FREE_WORDS, fold(text)) and not re.search(r"\d", text):
        return 0.0
    values = numbers(text)
    return values[0] if values else None


def hours_and_weeks(text: str) -> tuple[float | None, int | None]:
    """("5 horas a la semana por 3 meses") -> (5, 13)."""
    t = fold(text)
    hours = weeks = None
    m = re.search(r"(\d+(?:[.,]\d+)?|[a-z]+)\s*(?:horas?|hrs?|hours?|h)\b", t)
    if m:
        hours = _word_or_number(m.group(1))
    for m in re.finditer(r"(\d+|[a-z]+)\s*(semanas?|weeks?|meses|mes|months?|anos?|years?)\b", t):
        n = 1.0 if m.group(1) in ("un", "una") else _word_or_number(m.group(1))
        if not n:
            continue  # "por semana", "a week": a rate, not a span
        unit = m.group(2)
        factor = 1 if unit.startswith(("seman", "week")) else 4.345
        if unit.startswith(("an", "year")):
            factor = 52
        weeks = max(1, round(n * factor))
        break
    if hours is None and weeks is None:
        values = numbers(text)
        if len(values) == 1 and 0 < values[0] <= 60:
            hours = values[0]
    return hours, weeks


def _word_or_number(token: str) -> float | None:
    if token in WORD_NUMBERS and token not in ("a", "un", "una"):
        return float(WORD_NUMBERS[token])
    return _number_at(token)


def choice(text: str, count: int) -> int | None:
    """The 0-based item chosen from a numbered list of `count` ("la 2", "the second one")."""
    t = fold(text)
    for word, n in ORDINALS.items():
        if re.search(rf"\b{word}\b", t):
            index = count - 1 if n == -1 else n - 1
            return index if 0 <= index < count else None
    values = [int(v) for v in numbers(text) if float(v).is_integer()]
    if values and 1 <= values[0] <= count:
        return values[0] - 1
    return None


def choices(text: str, count: int) -> list[int]:
    """Several items ("quita la 2 y la 5") as 0-based indexes, in order, without repeats."""
    picked = [int(v) - 1 for v in numbers(text) if float(v).is_integer() and 1 <= v <= count]
    single = choice(text, count)
    if not picked and single is not None:
        picked = [single]
    return list(dict.fromkeys(picked))


def mode(text: str) -> str | None:
    t = fold(text)
    if re.search(r"\b(cualquier|cualquiera|da igual|both|either|any|ambas|ambos)\b", t):
        return "any"
    if re.search(r"\b(online|en linea|virtual|a distancia|remot[oa]|internet|desde casa)\b", t):
        return "online"
    if re.search(r"\b(presencial|onsite|on site|in person|en persona|cara a cara)\b", t):
        return "onsite"
    return None


def level(text: str) -> str | None:
    t = fold(text)
    if re.search(r"\b(avanzad[oa]|advanced|expert[oa]?|muy bien)\b", t):
        return "advanced"
    if re.search(r"\b(intermedi[oa]|intermediate|regular|mas o menos)\b", t):
        return "intermediate"
    if re.search(r"\b(basic[oa]|basic|principiante|beginner|poco)\b", t):
        return "basic"
    return None


def language(text: str) -> str | None:
    t = fold(text)
    if re.search(r"\b(english|ingles)\b", t):
        return "en"
    if re.search(r"\b(spanish|espanol|castellano)\b", t):
        return "es"
    return None


def resume_code(text: str) -> str | None:
    for m in re.finditer(r"\b([A-HJ-NP-Z2-9]{3})-?([A-HJ-NP-Z2-9]{3})\b", text.upper()):
        code = m.group(1) + m.group(2)
        if any(ch.isdigit() for ch in code) and not code.isdigit():
            return code
    return None
