"""The behaviour-cue layer (assistant/skills/cues): transversal and digital skills from how
workers describe what they do, in Spanish and English, with negation and context rules."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.skills.cues import blocked_readings, find_cues
from assistant.skills.cues.finder import DATA_DIR, LANGUAGES, CueFinder
from assistant.skills.cues.patterns import CueFileError, norm, read_cue_file
from assistant.skills.cues.scope import Scopes, Token
from assistant.skills.evaluate import DEVSET_DIR
from tests.esco_release import EscoRelease, esco_release

SKILL = "http://data.europa.eu/esco/skill/"
WORK_IN_TEAMS = SKILL + "60c78287-22eb-4103-9c8c-28deaa460da0"
COPE_WITH_STRESS = SKILL + "7a147904-22b3-498a-b4d9-7bceeb86b45d"
COMPLAINTS = SKILL + "28d715e3-3e5b-4fb6-8dd2-4be4919c8587"
MEMORISE = SKILL + "fa46a48d-9cb9-422d-afab-1047654dbcdd"
DIGITAL_HARDWARE = SKILL + "6b2f8802-0cbf-436e-a37f-ca55ede41bbc"
PATROL_AREAS = SKILL + "e95dc989-ae49-49c6-bfc4-9aef35e92f35"
HEALTH_OF_OTHERS = SKILL + "4cde32b5-fc2f-4257-a8b9-5b15a67ee3e5"
SPREADSHEETS = SKILL + "1973c966-f236-40c9-b2d4-5d71a89019be"
INTERNET_CHAT = SKILL + "fef18610-c8ca-431b-9ca8-d3d0cdffde72"
COLLABORATION_SOFTWARE = SKILL + "b080a008-a35d-4bd0-92e9-edf3773bb2b7"
E_SERVICES = SKILL + "d908a818-70ef-419e-9d60-8f459114cb2f"
PAYMENT_TERMINALS = SKILL + "1558e8f3-67c9-4be6-bf2c-c5ab7b6de5f9"
GPS_TOOLS = SKILL + "6efef9df-ac86-45ca-8b1b-a8178ef17b5c"
ONLINE_SALES = SKILL + "78b26c92-da70-4c72-9f10-7a8c8b9db02e"
EMAIL = SKILL + "a12057b4-6d11-4a12-ab8e-15a028ef0a6d"
VIDEO_CALLS = SKILL + "580660a6-5d3a-421d-a54f-d85b706c2b2f"

# The common digital concepts the issue names (messaging, payments, spreadsheets, email,
# selling online, online banking and forms, maps, video calls), by preferred label.
COMMON_DIGITAL = {
    "use internet chat",
    "use communication and collaboration software",
    "use spreadsheets software",
    "interact through digital technologies",
    "use e-services",
    "operate electronic payment terminals",
    "use internet to increase sales",
    "apply social media marketing",
    "solve location and navigation problems by using GPS tools",
    "use online tools to collaborate",
}


# -- the ESCO release the settings name -----------------------------------------------------------
def esco() -> EscoRelease:
    return esco_release("The cue coverage tests")


def cue_file(lang: str):
    return read_cue_file(DATA_DIR / f"cues_{lang}.txt", lang)


def uris(text: str, lang: str) -> set[str]:
    return {hit.uri for hit in find_cues(text, lang)}


# -- coverage and data ----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_transversal_skill_has_a_cue_in_each_language(lang):
    # GIVEN ESCO's transversal collection (96 skills) and the cue file of a language
    transversal = esco().transversal
    assert len(transversal) == 96
    # WHEN the cue sections are read
    covered = cue_file(lang).sections()
    # THEN every transversal skill has at least one cue
    missing = sorted(label for uri, label in transversal.items() if uri not in covered)
    assert not missing, f"{lang}: no cue for {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_common_digital_skills_have_cues_in_each_language(lang):
    # GIVEN the cue sections of a language
    sections = cue_file(lang).sections()
    labels = {esco().skills[uri] for uri in sections}
    # THEN the common digital concepts are there, and each is in ESCO's digital collections
    assert COMMON_DIGITAL <= labels, sorted(COMMON_DIGITAL - labels)
    by_label = {label: uri for uri, label in esco().skills.items()}
    for label in COMMON_DIGITAL:
        assert by_label[label] in esco().digital, f"{label} is not a digital skill"


def test_the_concepts_these_tests_name_are_esco_skills():
    # GIVEN the URIs written in this file WHEN looked up THEN each is an ESCO skill
    named = {
        k: v
        for k, v in globals().items()
        if isinstance(v, str) and v.startswith(SKILL) and k != "SKILL"
    }
    assert len(named) > 10
    for name, uri in named.items():
        assert uri in esco().skills, f"{name} = {uri} is not in ESCO"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_cue_uri_is_an_esco_skill_with_the_label_written(lang):
    # GIVEN every section of a cue file (cues and blocking contexts)
    skills = esco().skills
    for cue in cue_file(lang).cues:
        for uri in cue.uris:
            # THEN its URI is an ESCO v1.1.1 skill
            assert uri in skills, f"cues_{lang}.txt:{cue.line}: {uri} is not in ESCO"
        if not cue.block:
            # AND a cue section's label is that skill's preferred label
            assert skills[cue.uris[0]].strip() == cue.label, f"cues_{lang}.txt:{cue.line}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_cue_line_compiles(lang):
    # GIVEN the shipped cue file WHEN a finder is built THEN no line is refused
    finder = CueFinder(lang)
    assert len(finder.file.cues) > 300


def test_no_cue_line_is_a_development_set_statement():
    # GIVEN every statement of the development sets (tune and test), and its sentences
    statements = set()
    for name in ("skills.jsonl", "occupations.jsonl"):
        for line in (DEVSET_DIR / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = norm(json.loads(line)["text"]).strip(" .!?")
                statements.add(text)
                statements.update(s.strip(" .!?") for s in text.split("."))
    # WHEN each cue is read as plain words
    for lang in LANGUAGES:
        for cue in cue_file(lang).cues:
            words = norm(cue.pattern).replace("(", "").replace(")", "").replace("?", "")
            # THEN none equals a statement (cues come from how workers talk, not the sets)
            assert words not in statements, f"cues_{lang}.txt:{cue.line} copies a statement"


def test_a_bad_cue_line_names_its_file_and_line(tmp_path):
    # GIVEN a cue file with a weight that is no number
    path = tmp_path / "cues_es.txt"
    path.write_text(f"== work in teams | {WORK_IN_TEAMS}\nnos cubrimos @mucho\n", encoding="utf-8")
    # WHEN it is read THEN the error says where
    with pytest.raises(CueFileError, match="cues_es.txt:2"):
        read_cue_file(path, "es")
    # AND a pattern the matcher cannot take is refused with its line too
    path.write_text(f"== work in teams | {WORK_IN_TEAMS}\n(nos (cubrimos))\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cues_es.txt:2"):
        CueFinder("es", path)


# -- cues found -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("es", "En la cocina nos cubríamos entre todas", WORK_IN_TEAMS),
        ("es", "si falta alguien tenemos que cubrirnos", WORK_IN_TEAMS),
        ("es", "NOS CUBRIMOS cuando hay mucha gente", WORK_IN_TEAMS),
        ("es", "los sábados era a full, no parábamos", COPE_WITH_STRESS),
        ("es", "me sé de memoria los pedidos de los clientes", MEMORISE),
        ("es", "si el cliente se queja le pido disculpas y se lo cambio al toque", COMPLAINTS),
        ("es", "cobraba con Mercado Pago y con Yape", E_SERVICES),
        ("es", "pasaba las tarjetas por el posnet", PAYMENT_TERMINALS),
        ("es", "llevaba el inventario en una planilla de Excel", SPREADSHEETS),
        ("es", "tomaba los pedidos por WhatsApp", INTERNET_CHAT),
        ("es", "con los papás nos hablamos por WhatsApp", COLLABORATION_SOFTWARE),
        ("es", "vendo las tortas por Instagram", ONLINE_SALES),
        ("es", "me guío con el Waze para las entregas", GPS_TOOLS),
        ("en", "we all cover for each other on a rush", WORK_IN_TEAMS),
        ("en", "we all cover for each other on a rush", COPE_WITH_STRESS),
        ("en", "when the kitchen messes up I apologize and fix it with the cook", COMPLAINTS),
        ("en", "I know the regulars' orders by heart", MEMORISE),
        ("en", "I kept the stock list in a spreadsheet", SPREADSHEETS),
        ("en", "I answer customers' emails every morning", EMAIL),
        ("en", "we had our weekly meetings on Zoom", VIDEO_CALLS),
        ("en", "I use Google Maps to find the addresses", GPS_TOOLS),
        ("en", "customers pay me with Venmo or Zelle", E_SERVICES),
    ],
)
def test_a_behaviour_cue_shows_its_skill(lang, text, expected):
    # GIVEN a worker's sentence WHEN cues are found THEN the skill it shows is among them
    assert expected in uris(text, lang), [h.label for h in find_cues(text, lang)]


def test_a_hit_quotes_its_span_and_the_clause_that_supports_it():
    # GIVEN a story of several sentences
    text = "Trabajo en un bar. Los viernes es a full y nos cubrimos entre todos. Me encanta."
    # WHEN cues are found
    hits = find_cues(text, "es")
    # THEN each hit's offsets and evidence are quoted from the text, the cue inside it
    assert hits
    for hit in hits:
        assert text[hit.evidence_start : hit.evidence_end] == hit.evidence
        assert hit.evidence_start <= hit.start < hit.end <= hit.evidence_end
        assert 0 < hit.weight <= 1
    team = next(h for h in hits if h.uri == WORK_IN_TEAMS)
    assert text[team.start : team.end] == "nos cubrimos"
    assert "Me encanta" not in team.evidence and "Trabajo en un bar" not in team.evidence


def test_empty_text_has_no_cues():
    assert find_cues("", "es") == [] and find_cues("   ", "en") == []
    assert blocked_readings("", "es") == []


# -- negation -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "absent"),
    [
        ("es", "no uso la tablet", DIGITAL_HARDWARE),
        ("es", "juegan afuera pa' que no estén todo el día con la tablet", DIGITAL_HARDWARE),
        ("es", "nunca usé Excel", SPREADSHEETS),
        ("es", "no sé usar excel pero aprendo rápido", SPREADSHEETS),
        ("en", "we play outside, not on the tablet", DIGITAL_HARDWARE),
        ("en", "I never used excel", SPREADSHEETS),
        ("en", "I don't use WhatsApp for work", INTERNET_CHAT),
        ("en", "I have no experience with spreadsheets", SPREADSHEETS),
    ],
)
def test_a_cue_in_a_negated_scope_gives_no_hit(lang, text, absent):
    # GIVEN a negated mention WHEN cues are found THEN that skill is not claimed
    assert absent not in uris(text, lang)


@pytest.mark.parametrize(
    ("lang", "text", "present"),
    [
        ("es", "No, uso Excel todos los días", SPREADSHEETS),  # an answer, then a statement
        ("es", "no solo atiendo, también trabajo en equipo con la cocina", WORK_IN_TEAMS),
        ("es", "no me alcanzaba el sueldo pero trabajo en equipo", WORK_IN_TEAMS),  # new clause
        ("es", "nunca falté y trabajo en equipo", WORK_IN_TEAMS),
        ("en", "not only do I cook, I also work in a team", WORK_IN_TEAMS),
        ("en", "I didn't have a car, but I used Google Maps on the bus", GPS_TOOLS),
    ],
)
def test_what_is_not_negated_still_counts(lang, text, present):
    # GIVEN a negator outside the cue's clause, or a phrase that negates nothing
    # WHEN cues are found THEN the skill is found
    assert present in uris(text, lang), [h.label for h in find_cues(text, lang)]


def test_a_negator_inside_a_cue_is_part_of_what_it_says():
    # GIVEN cues that are negative in form ("never give up", "no pierdo la calma")
    # WHEN cues are found THEN they count
    assert any(h.label == "show determination" for h in find_cues("I never gave up", "en"))
    assert any(h.label == "manage frustration" for h in find_cues("nunca pierdo la calma", "es"))


def test_scope_rules_on_tokens():
    # GIVEN "no solo X pero no Y" as tokens
    words = "no solo cocino pero no limpio".split()
    tokens, pos = [], 0
    for word in words:
        tokens.append(Token(word, pos, pos + len(word), False))
        pos += len(word) + 1
    scopes = Scopes(tokens, "es")
    # THEN "no solo" negates nothing, "pero" starts a clause, the second "no" negates "limpio"
    assert not scopes.negated(2, 3)
    assert scopes.negated(5, 6)
    assert scopes.negated_char_spans() == [(tokens[4].start, tokens[5].end)]


# -- context: other senses ------------------------------------------------------------------------
def test_la_guardia_as_the_emergency_room_is_no_guard_post():
    # GIVEN a nanny who took a child to the ER ("la guardia")
    text = "Una vez el chiquito se cayó y lo llevé a la guardia."
    # WHEN cues and blocked readings are read
    hits, blocks = find_cues(text, "es"), blocked_readings(text, "es")
    # THEN the span is blocked for 'patrol areas', and it shows care for others' health
    guardia = text.index("guardia")
    assert any(PATROL_AREAS in b.uris and b.start <= guardia < b.end for b in blocks)
    assert PATROL_AREAS not in {h.uri for h in hits}
    assert HEALTH_OF_OTHERS in {h.uri for h in hits}


def test_guardia_as_a_job_is_not_blocked():
    # GIVEN a security guard's own words WHEN blocked readings are read THEN nothing blocks
    blocks = blocked_readings("trabajé de guardia de seguridad en un banco", "es")
    assert not any(PATROL_AREAS in b.uris for b in blocks)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "les saco la tablet y salimos a la plaza"),
        ("es", "limito el tiempo de pantalla de los chicos"),
        ("en", "I keep the kids off the tablet after dinner"),
        ("en", "we limit their screen time"),
    ],
)
def test_a_screen_kept_from_children_is_no_work_tool(lang, text):
    # GIVEN a device the children are kept away from
    # WHEN cues and blocked readings are read
    # THEN 'operate digital hardware' is blocked there, and not claimed
    assert any(DIGITAL_HARDWARE in b.uris for b in blocked_readings(text, lang))
    assert DIGITAL_HARDWARE not in uris(text, lang)


def test_a_negation_is_offered_to_callers_as_a_blocked_span():
    # GIVEN a negated device WHEN blocked readings are read
    text = "que no estén todo el día con la tablet"
    spans = [b for b in blocked_readings(text, "es") if b.reason == "negated"]
    # THEN the negated span covers the device, for any concept
    assert spans and not spans[0].uris
    assert spans[0].start <= text.index("tablet") < spans[0].end


# -- loading and cost -----------------------------------------------------------------------------
def test_nothing_is_built_at_import_time():
    # GIVEN a fresh interpreter WHEN the package is imported THEN no finder is built yet
    code = (
        "import assistant.skills.cues as c, assistant.skills.cues.finder as f;"
        "print(f._finder.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_a_five_sentence_story_is_read_in_milliseconds():
    # GIVEN a warmed-up finder and a five-sentence story
    text = (
        "Trabajé tres años de moza en una parrilla. Tomaba los pedidos y cobraba con el posnet. "
        "Los domingos era a full y nos cubríamos entre todas. "
        "Si un cliente se quejaba le pedía disculpas y lo arreglaba con la cocina. "
        "Los pedidos para llevar los tomaba por WhatsApp."
    )
    find_cues(text, "es")
    # WHEN it is read ten times
    times = []
    for _ in range(10):
        started = time.perf_counter()
        find_cues(text, "es")
        times.append(time.perf_counter() - started)
    # THEN the median stays far below the engine's 80 ms budget for 5 sentences
    assert statistics.median(times) < 0.025, times


def test_cue_files_are_found_beside_the_code():
    assert {p.name for p in Path(DATA_DIR).glob("cues_*.txt")} >= {"cues_es.txt", "cues_en.txt"}
