from assistant.taxonomy.classify import classify_skills, nearest_ancestor

T_GROUPS = {"g:T4": ("T4", "social"), "g:T4.1": ("T4.1", "communicating")}
LABELS = {"d:root3": "digital content creation", "d:root4": "ICT safety"}


def test_nearest_transversal_group_wins():
    # GIVEN a skill two steps below T4 and one below T4.1
    broader = {"s": ["g:T4.1"], "g:T4.1": ["g:T4"]}
    # WHEN / THEN the nearer group is chosen
    assert nearest_ancestor("s", broader, T_GROUPS) == ("T4.1", "communicating")


def test_kinds_follow_collections_and_reuse_level():
    # GIVEN a digital skill under a DigComp area, a transversal one, a language skill,
    # a sector-specific skill that hangs under a transversal group, and a plain one
    skills = {
        "html": "sector-specific",
        "d:root3": "cross-sector",
        "listen": "transversal",
        "speak-es": "transversal",
        "weigh-aircraft": "occupation-specific",
        "bake": "sector-specific",
    }
    collections = {
        "digital": {"html"},
        "digcomp": {"d:root3", "d:root4"},
        "transversal": {"listen"},
    }
    broader = {"html": ["d:root3"], "listen": ["g:T4.1"], "weigh-aircraft": ["g:T4.1"]}
    # WHEN classified
    result = classify_skills(skills, collections, broader, T_GROUPS, LABELS)
    # THEN
    assert (result["html"].kind, result["html"].group_code) == ("digital", "DC3")
    assert (result["d:root3"].kind, result["d:root3"].group_code) == ("digital", "DC3")
    assert (result["listen"].kind, result["listen"].group_code) == ("transversal", "T4.1")
    assert (result["speak-es"].kind, result["speak-es"].group_code) == ("transversal", "L")
    assert result["weigh-aircraft"].kind == "specific"
    assert result["bake"].kind == "specific"


def test_digital_skill_outside_digcomp_is_specialist_ict():
    result = classify_skills({"haskell": "sector-specific"}, {"digital": {"haskell"}}, {}, {}, {})
    assert (result["haskell"].kind, result["haskell"].group_code) == ("digital", "ICT")
