"""Two worker stories from issue #20, told as a worker would, with the skills a counsellor
would name written down before the engine was changed (so they are the goal, not a snapshot).

TOP_N = 15: the conversation's review shows 13 skills (5 specific + 4 transversal + 4
digital, assistant/conversation/steps.py REVIEW_PER_KIND); 15 gives two places of slack
without letting a skill buried in a long list count. A positive expectation must be in the
overall ranking's top 15 (`result.skills[:15]`). A negative expectation ("never shown") is
checked against everything the engine returns at top=15: the overall list and the
transversal and digital lists ranked apart, since each of those reaches the worker.

Each expectation accepts a small set of ESCO concepts that all fit the evidence, chosen by
their ESCO descriptions (e.g. teamwork: 'work in teams' or 'work in a hospitality team').
"""

from __future__ import annotations

import pytest

TOP_N = 15
SKILL = "http://data.europa.eu/esco/skill/"

WAITRESS = (
    "I've been waitressing at a diner off the highway for about three years. "
    "I take orders, bring out the plates and keep the coffee coming for my section. "
    "When the kitchen messes up an order I apologize to the customer and fix it with the "
    "cook so they're not waiting forever. "
    "Sunday mornings are crazy, we all cover for each other on a rush. "
    "I know the regulars' orders by heart, half of them don't even need to open the menu."
)

NANNY = (
    "Trabajo de niñera con dos hermanitos, de lunes a viernes a la tarde. "
    "Los busco en la escuela, ayudo al más grande con la tarea, los baño y les hago la cena. "
    "Inventamos juegos y manualidades pa' que no estén todo el día con la tablet. "
    "Una vez el chiquito se cayó en la plaza y lo llevé a la guardia. "
    "Con los papás nos hablamos por WhatsApp, les cuento cómo pasaron el día."
)

# The same nanny as she told it in a walk (session 13), never calling it a job: the job is read
# from "Cuido a dos hermanitos" (assistant/skills/titles.py IMPLIED)
NANNY_UNNAMED = NANNY.replace("Trabajo de niñera con dos hermanitos", "Cuido a dos hermanitos")

# (story, what a counsellor names, acceptable ESCO concepts as uri -> preferred label)
EXPECTED = [
    (
        "waitress",
        "teamwork",
        {
            "60c78287-22eb-4103-9c8c-28deaa460da0": "work in teams",
            "8c8da904-cdb3-47d9-bfbf-15ade747d9ec": "work in a hospitality team",
        },
    ),
    (
        "waitress",
        "handling complaints",
        {
            "28d715e3-3e5b-4fb6-8dd2-4be4919c8587": "handle customer complaints",
            "1d1fedcb-4995-44ac-90f5-f31a157ce512": "manage frustration",
        },
    ),
    (
        "waitress",
        "working under pressure",
        {
            "7a147904-22b3-498a-b4d9-7bceeb86b45d": "cope with stress",
            "d15f8745-28f8-4abf-a7b6-6cb8a304efd2": "tolerate stress",
            "a8460be3-f4ba-44a0-a961-0389069a3614": "handle stressful situations",
            "49e1eb78-e6b1-4116-8e9f-f23316ee503e": "react calmly in stressful situations",
        },
    ),
    (
        "waitress",
        "memorising",
        {"fa46a48d-9cb9-422d-afab-1047654dbcdd": "memorise information"},
    ),
    (
        "nanny",
        "homework help",
        {"12efe5f2-f7ec-4f03-b359-afba5b9f62de": "assist children with homework"},
    ),
    (
        "nanny",
        "meals",
        {
            "beb952e4-8a9c-47af-8a60-c6eb5c5f25bc": "attend to children's basic physical needs",
            "f3934441-4bff-4076-9945-e6c51a01c467": "use cooking techniques",
        },
    ),
    (
        "nanny",
        "bathing and hygiene",
        {
            "beb952e4-8a9c-47af-8a60-c6eb5c5f25bc": "attend to children's basic physical needs",
            "d9449998-c1f5-478c-a103-2255398cf0b6": "apply hygiene standards",
        },
    ),
    (
        "nanny",
        "play",
        {
            "94b01483-f13d-48ba-b8a9-ef8f18fcb2dc": "play with children",
            "8e09fe66-2649-4179-81ef-91fefa3ceee8": "assist children in developing personal skills",
        },
    ),
    (
        "nanny",
        "communication with parents",
        {"efe801a5-8704-4def-8a96-c32f7a6cb9fb": "maintain relations with children's parents"},
    ),
    (
        "nanny-unnamed",
        "homework help",
        {"12efe5f2-f7ec-4f03-b359-afba5b9f62de": "assist children with homework"},
    ),
    (
        "nanny-unnamed",
        "communication with parents",
        {"efe801a5-8704-4def-8a96-c32f7a6cb9fb": "maintain relations with children's parents"},
    ),
    (
        "nanny",
        "messaging app for work",
        {
            "fef18610-c8ca-431b-9ca8-d3d0cdffde72": "use internet chat",
            "b080a008-a35d-4bd0-92e9-edf3773bb2b7": "use communication and collaboration software",
        },
    ),
]

# Readings the issue saw and a counsellor rejects: the children are kept OFF the tablet, and
# "la guardia" is the emergency room, not a security post. Found in a later walk: "the cook"
# she fixes orders with is a person, not her cooking.
NEVER = [
    ("nanny", "6b2f8802-0cbf-436e-a37f-ca55ede41bbc", "operate digital hardware"),
    ("nanny", "e95dc989-ae49-49c6-bfc4-9aef35e92f35", "patrol areas"),
    ("waitress", "f3934441-4bff-4076-9945-e6c51a01c467", "use cooking techniques"),
    ("waitress", "5626b3b1-5415-47f6-acf1-b573d457d180", "bake goods"),
    # "les cuento cómo pasaron el día" tells the parents about their children's day
    ("nanny-unnamed", "b1c75cc1-968f-4167-abdb-dca1bcbfd1aa", "brief staff on daily menu"),
]

STORIES = {
    "waitress": (WAITRESS, "en"),
    "nanny": (NANNY, "es"),
    "nanny-unnamed": (NANNY_UNNAMED, "es"),
}


@pytest.fixture(scope="module")
def results(engine):
    return {
        name: engine.extract(text, language=lang, top=TOP_N)
        for name, (text, lang) in STORIES.items()
    }


def test_the_expected_concepts_are_real_esco_skills(engine):
    # GIVEN the concepts written down for both stories
    named = [(uri, label) for *_, accepted in EXPECTED for uri, label in accepted.items()]
    named += [(uri, label) for _, uri, label in NEVER]
    # WHEN they are looked up in the engine's taxonomy
    # THEN each exists with that preferred label (a typo would make a test unpassable)
    for uri, label in named:
        assert SKILL + uri in engine.view.skills, f"{label}: {uri} is not in ESCO"
        assert engine.view.skills[SKILL + uri].label.strip() == label


# Expectations the engine does not meet yet. Through her own occupation (issue 20, item 3:
# "trabajo de niñera" -> nanny, whose skills are then looked for in her sentences) the nanny
# now gets homework help and the parents; meals ("les hago la cena") and play ("inventamos
# juegos") still score too low against nanny's skills in a long sentence. Strict: the day
# one passes, the suite says so and the mark must go.
NOT_YET = {("nanny", "meals"), ("nanny", "play")}


def _case(story, what, accepted):
    marks = ()
    if (story, what) in NOT_YET:
        marks = pytest.mark.xfail(
            strict=True, reason="the occupation route finds it too weakly (#20)"
        )
    return pytest.param(story, what, accepted, marks=marks, id=f"{story}-{what.replace(' ', '_')}")


@pytest.mark.parametrize(("story", "what", "accepted"), [_case(*e) for e in EXPECTED])
def test_a_counsellor_s_skill_is_in_the_top_results(results, story, what, accepted):
    # GIVEN a worker's story told in their own words
    result = results[story]
    # WHEN the engine ranks skills for it
    top = [hit.uri for hit in result.skills[:TOP_N]]
    # THEN one of the concepts that fit the evidence is in the top results
    wanted = {SKILL + uri for uri in accepted}
    shown = [f"{hit.label} ({hit.score:.2f})" for hit in result.skills[:TOP_N]]
    assert wanted & set(top), f"{story}: no {what} ({sorted(accepted.values())}) in {shown}"


@pytest.mark.parametrize(
    ("story", "uri", "label"), NEVER, ids=[label.replace(" ", "_") for *_, label in NEVER]
)
def test_a_wrong_reading_is_never_shown(results, story, uri, label):
    # GIVEN the nanny's story (tablet kept away from the children, the ER called la guardia)
    payload = results[story].as_dict(top=TOP_N)
    # WHEN every list the worker could see is read
    shown = {s["uri"] for key in ("skills", "transversal", "digital") for s in payload[key]}
    # THEN the wrong reading is in none of them
    assert SKILL + uri not in shown, f"{story}: '{label}' is shown"


# Where each expectation's evidence is in the story: the words a counsellor would point at.
QUOTED = {
    ("waitress", "teamwork"): "cover for each other",
    ("waitress", "handling complaints"): "apologize",
    ("waitress", "memorising"): "by heart",
    ("nanny", "homework help"): "con la tarea",
    ("nanny", "communication with parents"): "papás",
    ("nanny", "messaging app for work"): "WhatsApp",
}


@pytest.mark.parametrize(("story", "what"), sorted(QUOTED), ids=lambda v: v.replace(" ", "_"))
def test_a_skill_quotes_the_sentence_that_shows_it(results, story, what):
    # GIVEN a story where the worker names their job in one sentence and shows the skill in
    # another ("Trabajo de niñera con dos hermanitos." was once quoted for homework help)
    accepted = {SKILL + uri for s, w, a in EXPECTED if (s, w) == (story, what) for uri in a}
    # WHEN the engine finds the skill
    hits = [h for h in results[story].skills[:TOP_N] if h.uri in accepted]
    assert hits, f"{story}: no {what}"
    # THEN its first quote is the sentence that shows it
    quote = hits[0].evidence[0].text
    assert QUOTED[(story, what)] in quote, f"{what} quoted from {quote!r}"


def test_a_sentence_naming_the_job_does_not_show_the_job_s_tasks(engine):
    # GIVEN a worker who so far only said what her job is
    result = engine.extract("Trabajo de niñera con dos hermanitos.", language="es", top=TOP_N)
    # WHEN the skills found are read
    found = {hit.uri for hit in result.skills}
    # THEN tasks she has not told of are not read into it (homework help and the parents were
    # once quoted from this sentence), while what the job plainly is may be
    homework = SKILL + "12efe5f2-f7ec-4f03-b359-afba5b9f62de"
    parents = SKILL + "efe801a5-8704-4def-8a96-c32f7a6cb9fb"
    assert not found & {homework, parents}, [h.label for h in result.skills]


def test_a_described_job_is_not_the_quote_where_another_sentence_shows_the_skill(engine):
    # GIVEN a babysitter who never names her job and talks to the parents in another sentence
    story = (
        "I babysit two kids after school on weekdays. I pick them up, help the older one with "
        "homework, give them a bath and make dinner. I text their parents on WhatsApp every "
        "evening about how the day went."
    )
    # WHEN her skills are read (the job is implied by "I babysit two kids")
    hits = {h.uri: h for h in engine.extract(story, language="en", top=TOP_N).skills}
    parents = hits[SKILL + "efe801a5-8704-4def-8a96-c32f7a6cb9fb"]
    # THEN the parents skill is quoted from the sentence about the parents, not the job's
    assert "parents" in parents.evidence[0].text, parents.evidence[0].text


def test_a_job_named_in_local_words_is_the_worker_s_own_occupation(engine):
    # GIVEN a worker who names her job as people say it in Mexico and Chile ("nana"), a word
    # the dense match does not know (its nearest ESCO titles: body artist, nanoengineer)
    story = (
        "Fui nana de la familia Ríos por cinco años, desde que la niña tenía un año hasta que "
        "entró a primaria. Me tocaba bañarla y prepararle sus comidas."
    )
    nanny = "http://data.europa.eu/esco/occupation/0a5356bc-7f81-4e40-971d-c1dc789c5fb4"
    basic_needs = SKILL + "beb952e4-8a9c-47af-8a60-c6eb5c5f25bc"
    # WHEN the story is read for the skills of a job she might want
    support = engine.support(story, "es", [basic_needs])
    # THEN her own occupation is found through the job-title lexicon the goal search uses
    assert nanny in support.occupations
    # AND without that lexicon it is not (the lexicon is what finds it)
    hook, engine.job_titles = engine.job_titles, None
    try:
        assert nanny not in engine.support(story, "es", [basic_needs]).occupations
    finally:
        engine.job_titles = hook
