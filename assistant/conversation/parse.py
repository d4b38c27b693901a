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
FREE_WORDS = r"\b(nada|gratis|cero|zero|ningun|nothing|free|no money|sin dinero|no tengo dinero)\b"
CURRENCY_NAME = (
    r"(?:(?:mexican|colombian|chilean|argentin\w*|dominican)\s+)?(?:dolares?|dollars?|bucks|usd|"
    r"soles?|pen|quetzales?|gtq|reales?|reais|brl|euros?|eur|pesos?|mxn|cop|clp|ars|dop|"
    r"bolivianos?|bob|guaranies|pyg|colones|crc|lempiras?|hnl|lucas?)"
)
_NUMBER_WORD = "|".join(sorted(set(WORD_NUMBERS) - {"a", "un", "una"}, key=len, reverse=True))
AMOUNT = rf"(?:\d[\d.,]*(?:\s*(?:mil|k|thousand))?|(?:\b(?:{_NUMBER_WORD})\b\s*)+)"
# an amount said with its currency: "$40", "usd 30", "12 mil pesos chilenos", "10 lucas"
MONEY = re.compile(rf"(?:\$|\bus\$|\busd\b)\s*{AMOUNT}|(?<![\w$.,]){AMOUNT}\s*{CURRENCY_NAME}\b")
TIME_AMOUNT = re.compile(
    rf"(?:{AMOUNT}|\buna?\b|\ban?\b)\s*(?:horas?|horitas?|hrs?|hs|hours?|h|semanas?|weeks?|"
    r"meses|mes|months?|anos?|years?|dias?|days?)\b"
)
HOURS = re.compile(
    r"\b(\d+(?:[.,]\d+)?|[a-z]+)"  # a number, or the lower end of a range ("5 a 8", "5-8")
    r"(?:(?:\s*-\s*|\s+(?:a|y|to|and|or|o)\s+)(\d+(?:[.,]\d+)?|[a-z]+))?"
    r"\s*(horas?|horitas?|hrs?|hs|hours?|h)\b"
)
SPAN = re.compile(r"\b(\d+|half an?|[a-z]+)\s*(semanas?|weeks?|meses|mes|months?|anos?|years?)\b")
DAILY = re.compile(
    r"\b(diari[oa]s?|al dia|por dia|x dia|cada dia|todos los dias|a day|per day|daily|"
    r"every day|each day)\b"
)
DAYS_A_WEEK = (
    (r"\b(lunes a viernes|entre semana|weekdays?|monday to friday)\b", 5),
    (r"\b(lunes a sabado|monday to saturday)\b", 6),
    (r"\b(fines? de semana|weekends?|sabados? y domingos?)\b", 2),
)


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


def spaced(text: str) -> str:
    """Folded, with digits apart from the letters after them ("80usd", "3hrs")."""
    return re.sub(r"(\d)([a-z$])", r"\1 \2", fold(text))


def money(text: str) -> float | None:
    """An amount said with its currency ("12 dólares", "$40", "10 lucas", "80usd")."""
    m = MONEY.search(spaced(text))
    values = numbers(m.group(0)) if m else []
    return values[0] if values else None


def hours_and_weeks(text: str, bare: bool = True) -> tuple[float | None, int | None]:
    """("5 horas a la semana por 3 meses") -> (5, 13). A range counts its lower end ("entre 4
    y 6 horas": 4), hours a day count the days said ("3 horas diarias de lunes a viernes": 15,
    every day otherwise); a span needs a number or "un mes", "for a month", "medio año" ("a
    week" is a rate). A lone number is the hours when `bare`."""
    t = fold(text)
    hours = weeks = None
    for m in HOURS.finditer(t):
        low = _word_or_number(m.group(1))
        if (
            low is None
            and m.group(1) in ("un", "una", "a", "an")
            and m.group(3) in ("hora", "hour")
        ):
            low = 1.0
        if low is None:
            continue
        high = _word_or_number(m.group(2)) if m.group(2) else None
        hours = min(low, high) if high else low
        break
    if hours is not None and DAILY.search(t):
        hours *= next((n for pattern, n in DAYS_A_WEEK if re.search(pattern, t)), 7)
    for m in SPAN.finditer(t):
        token, unit = m.group(1), m.group(2)
        if token in ("a", "an"):  # "for a month" is a span, "a week" a rate
            n = 1.0 if re.search(r"\b(for|during|in|within|over)\s+$", t[: m.start()]) else None
        elif token in ("un", "una"):
            n = 1.0
        elif token.startswith(("half", "medi")):
            n = 0.5 if token in ("half a", "half an", "medio", "media") else None
        else:
            n = _word_or_number(token)
        if not n:
            continue  # "por semana", "x semana": a rate, not a span
        factor = 1 if unit.startswith(("seman", "week")) else 4.345
        if unit.startswith(("an", "year")):
            factor = 52
        weeks = max(1, round(n * factor))
        break
    if bare and hours is None and weeks is None:
        values = numbers(text)
        if len(values) == 1 and 0 < values[0] <= 60:
            hours = values[0]
    return hours, weeks


def _word_or_number(token: str) -> float | None:
    if token in WORD_NUMBERS and token not in ("a", "un", "una"):
        return float(WORD_NUMBERS[token])
    return _number_at(token)


PRONOUN_ONE = re.compile(
    r"\b(the|this|that|which|each|any|every|no|next|other|last|first|second|third|fourth|"
    r"fifth|\d+(st|nd|rd|th))\s+$"
)


def mentions(text: str) -> list[tuple[int, int, int]]:
    """Items named from a numbered list, in order, as (start, end, number) in the folded
    text: digits ("2", "#4", "3rd", "3,5"), number words ("dos", "three"), ordinals ("la
    segunda"; "the last" is -1). "one" after "the" or an ordinal, or before "of" ("the second
    one", "one of them"), is a pronoun; "un", "una", "a" are articles."""
    t, found = fold(text), []
    for m in re.finditer(r"(?<!\d)(\d{1,3})(?:st|nd|rd|th)?(?!\d)|\b([a-z]+)\b", t):
        word = m.group(2)
        if m.group(1):
            found.append((m.start(), m.end(), int(m.group(1))))
        elif word in ORDINALS:
            found.append((m.start(), m.end(), ORDINALS[word]))
        elif word in WORD_NUMBERS and word not in ("a", "un", "una", "cero", "zero"):
            if word in ("one", "uno") and (
                PRONOUN_ONE.search(t[: m.start()]) or re.match(r"\s+(of|de)\b", t[m.end() :])
            ):
                continue
            if WORD_NUMBERS[word] <= 20:
                found.append((m.start(), m.end(), WORD_NUMBERS[word]))
    return found


def choice(text: str, count: int) -> int | None:
    """The 0-based item chosen from a numbered list of `count` ("la 2", "the second one")."""
    found = mentions(text)
    if not found:
        return None
    n = found[0][2]
    index = count - 1 if n == -1 else n - 1
    return index if 0 <= index < count else None


def choices(text: str, count: int) -> list[int]:
    """Several items ("quita la 2 y la 5", "remove 3,5") as 0-based indexes, in order, without
    repeats."""
    picked = [count - 1 if n == -1 else n - 1 for _, _, n in mentions(text)]
    return list(dict.fromkeys(i for i in picked if 0 <= i < count))


_ONLINE = r"(online|en linea|virtual|a distancia|remot\w*|internet|desde (mi )?casa)"
_ONSITE = (
    r"(presencial|onsite|on site|in person|en persona|cara a cara|ir a (las |una )?clases?|"
    r"classroom)"
)


def mode(text: str, loose: bool = False) -> str | None:
    """online | onsite | any; `loose` also reads the vaguer "igual", "lo mismo", "las dos",
    "whatever" (as the answer to the mode question only)."""
    t = fold(text)
    if re.search(r"\b(cualquier|cualquiera|da igual|both|either|any|ambas|ambos)\b", t):
        return "any"
    online, onsite = (re.search(rf"\b{words}\b", t) for words in (_ONLINE, _ONSITE))
    # "no presencial", "not online": the other one
    not_online, not_onsite = (
        re.search(rf"\b(no|not|sin|nada|no tengo|don'?t have|no have)\s+(es\s+|de\s+)?{words}\b", t)
        for words in (_ONLINE, _ONSITE)
    )
    if online and onsite:  # "en línea o presencial": either, unless one is ruled out
        if not_onsite and not not_online:
            return "online"
        if not_online and not not_onsite:
            return "onsite"
        return "any"
    if online:
        return "onsite" if not_online else "online"
    if onsite:
        return "online" if not_onsite else "onsite"
    if loose and re.search(r"\b(lo mismo|igual|las dos|los dos|whatever)\b", t):
        return "any"
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


CODE_CHAR = "[A-HJ-NP-Z2-9]"
CODE_PATTERN = re.compile(
    rf"(?<![A-Z0-9])({CODE_CHAR}{{4}})[- ]?({CODE_CHAR}{{4}})[- ]?({CODE_CHAR}{{4}})(?![A-Z0-9])"
)


def resume_code(text: str) -> str | None:
    """A 12-character resume code in the text (ABCD-EFGH-JKLM, with or without dashes)."""
    for m in CODE_PATTERN.finditer(text.upper()):
        code = "".join(m.groups())
        if any(ch.isdigit() for ch in code) and not code.isdigit():
            return code
    return None


def display_code(code: str | None) -> str:
    """ABCDEFGHJKLM -> ABCD-EFGH-JKLM: easier to read aloud and to type."""
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


REVOKE_LINK = re.compile(
    r"(?i)\b(revoc\w*|anul\w*|desactiv\w*|cancel\w*|invalid\w*|revoke\w*|disable\w*|"
    r"deactivat\w*|kill)\b.{0,30}\b(enlace|enlaces|link|links|v[ií]nculo)s?\b"
)


def revoke_link(text: str) -> bool:
    """An explicit request to switch off the summary/export links ("anula mi enlace")."""
    return bool(REVOKE_LINK.search(fold(text)))


DELETE_VERB = re.compile(r"\b(borr\w*|elimin\w*|delet\w*|eras\w*|forget|olvid\w*|suprim\w*|wipe)\b")
DELETE_WHAT = re.compile(
    r"\b(datos?|data|informacion|info|todo|everything|all|conversacion|conversation|"
    r"historial|history|cuenta|account|perfil|profile|me|mi|my)\b"
)


def delete_request(text: str) -> bool:
    """An explicit request to erase everything ("borra mis datos", "delete my data"): a
    deletion verb with what it is about, and no item number (numbers are review commands)."""
    t = fold(text)
    if t.strip() == "/delete_data":
        return True
    if numbers(text):
        return False
    return bool(DELETE_VERB.search(t) and DELETE_WHAT.search(t))


PLACE = re.compile(
    r"\b(?:at|in|for|en|para|em|na|no|num|numa)\s+(?:(?:an?|the|my|una?|el|la|los|las|mi|um|uma|o)"
    r"\s+)?(?P<place>[^\W\d_][\w\s-]*)$"
)


def unplaced(goal: str, titles: list[str]) -> bool:
    """Whether a goal names a place ("shift supervisor at a restaurant") that none of the
    titles of the occupation found for it speaks of: then the occupation is no sure answer
    (ESCO's "refinery shift manager" is also called "shift supervisor")."""
    found = PLACE.search(fold(goal).strip(" .!?"))
    if not found:
        return False
    words = [w for w in re.findall(r"[a-z]+", found.group("place")) if len(w) >= 4]
    stems = {w[:5] for w in words}
    named = {w[:5] for t in titles for w in re.findall(r"[a-z]+", fold(t)) if len(w) >= 4}
    return bool(stems) and not stems & named
