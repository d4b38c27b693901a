"""Linked-data catalogue formats: ELM v3 (import, export), CTDL (import), Open Badges 3.0."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.catalogue.formats.ctdl import CtdlImporter
from assistant.catalogue.formats.elm import ElmExporter, ElmImporter
from assistant.catalogue.formats.openbadges import OpenBadgesExporter
from assistant.catalogue.schema import Offer

SOURCES = Path(__file__).resolve().parents[2] / "catalogue_index" / "sources"
EXAMPLES = SOURCES / "examples"
ESCO = "http://data.europa.eu/esco/skill/"


def demo(offer_id: str) -> dict:
    with (SOURCES / "demo_catalogue.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record["id"] == offer_id:
                return record
    raise KeyError(offer_id)


def read_all(importer, path: Path) -> list:
    return list(importer.read(path))


def error_fields(data: dict) -> set[tuple]:
    with pytest.raises(ValidationError) as info:
        Offer.model_validate(data)
    return {tuple(err["loc"]) for err in info.value.errors()}


def write(tmp_path: Path, name: str, content) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def assert_same_offer(offer: Offer, expected: dict, fields: tuple[str, ...]) -> None:
    got = offer.model_dump(mode="json")
    for field in fields:
        assert got[field] == expected[field], field


# ------------------------------------------------------------------------------ ELM import
def test_elm_example_maps_every_field_it_carries():
    # GIVEN the ELM v3 example of demo-0015 and the same offer in the catalogue shape
    expected = demo("demo-0015")
    # WHEN it is imported
    [record] = read_all(ElmImporter(), EXAMPLES / "elm_learning_opportunity.jsonld")
    # THEN the record is a valid Offer as it stands, with nothing patched in
    assert record.problem is None
    offer = Offer.model_validate(record.data)
    # AND it equals the catalogue record on what ELM carries
    assert_same_offer(
        offer,
        expected,
        (
            "id",
            "title",
            "description",
            "languages",
            "awarding_body",
            "learning_outcomes",
            "eqf_level",
            "assessment",
            "mode",
            "pace",
            "start_dates",
            "location",
            "url",
            "sample_data",
        ),
    )
    assert (offer.workload.hours, offer.workload.ects, offer.workload.duration_weeks) == (30, 1, 6)
    assert (offer.cost.amount, offer.cost.currency, offer.cost.funding) == (74000, "ARS", "paid")
    assert [s.uri for s in offer.skills] == [s["uri"] for s in expected["skills"]]
    assert {s.source for s in offer.skills} == {"declared"}
    assert offer.provider.model_dump(exclude={"region"}) == expected["provider"]


def test_elm_importer_is_liberal_in_what_it_accepts(tmp_path):
    # GIVEN an @graph with @id/@type, full type IRIs, single values instead of lists,
    # {"@value", "@language"} literals, and the specification and body referenced by id
    doc = {
        "@context": "http://data.europa.eu/snb/model/context/edc-ap",
        "@graph": [
            {
                "@id": "https://example.org/lo/web-basics",
                "@type": "http://data.europa.eu/snb/model/elm/LearningOpportunity",
                "title": [
                    {"@value": "Web basics", "@language": "en"},
                    {"@value": "Bases de la web", "@language": "es"},
                ],
                "learningAchievementSpecification": "urn:spec:1",
                "priceDetail": {"amount": {"value": "0", "unit": "EUR"}},
                "homepage": "https://example.org/web-basics",
            },
            {
                "@id": "urn:spec:1",
                "@type": "LearningAchievementSpecification",
                "language": {"prefLabel": "Spanish"},
                "volumeOfLearning": "P1DT6H",
                "learningOutcome": {
                    "title": {"es": "Publicar una página"},
                    "relatedSkill": [
                        {"@id": f"{ESCO}abc", "prefLabel": {"en": "publish web pages"}},
                        "https://example.org/skills/not-esco",
                    ],
                },
                "learningSetting": {"prefLabel": {"en": "Face-to-face"}},
                "provenBy": {"title": {"es": "proyecto"}},
                "awardingBody": "urn:org:1",
                "educationLevel": "http://data.europa.eu/snb/eqf/4",
            },
            {
                "@id": "urn:org:1",
                "@type": "Organisation",
                "legalName": {"es": "Escuela Web"},
                "address": {
                    "countryCode": "http://publications.europa.eu/resource/authority/country/ESP"
                },
            },
        ],
    }
    path = write(tmp_path, "web.elm.jsonld", doc)
    # WHEN imported
    [record] = read_all(ElmImporter(), path)
    offer = Offer.model_validate(record.data)
    # THEN every spelling is understood, and the id is the last segment of @id
    assert (offer.id, offer.title, offer.languages) == ("web-basics", "Bases de la web", ["es"])
    assert (offer.workload.hours, offer.eqf_level, offer.mode) == (30, 4, "onsite")
    assert (offer.awarding_body.name, offer.awarding_body.country) == ("Escuela Web", "ES")
    assert (offer.cost.amount, offer.cost.currency, offer.cost.funding) == (0, "EUR", "free")
    assert [(s.uri, s.label) for s in offer.skills] == [(f"{ESCO}abc", "publish web pages")]
    assert (offer.assessment, offer.url) == ("proyecto", "https://example.org/web-basics")


def test_plain_jsonld_needs_an_explicit_format():
    # GIVEN / WHEN / THEN the linked-data importers only claim their own double suffixes
    assert ElmImporter.suffixes == (".elm.jsonld", ".elm.json")
    assert CtdlImporter.suffixes == (".ctdl.jsonld", ".ctdl.json")


# ----------------------------------------------------------------------------- CTDL import
def test_ctdl_example_maps_every_field_it_carries():
    # GIVEN the CTDL example of demo-0325 and the same offer in the catalogue shape
    expected = demo("demo-0325")
    # WHEN it is imported
    [record] = read_all(CtdlImporter(), EXAMPLES / "ctdl_course.jsonld")
    # THEN the record is a valid Offer as it stands, with nothing patched in
    assert record.problem is None
    offer = Offer.model_validate(record.data)
    # AND it equals the catalogue record on what CTDL carries (both bodies are LATAM)
    assert_same_offer(
        offer,
        expected,
        (
            "id",
            "title",
            "description",
            "languages",
            "awarding_body",
            "learning_outcomes",
            "assessment",
            "mode",
            "prerequisites",
            "url",
        ),
    )
    assert offer.provider.model_dump(exclude={"region"}) == expected["provider"]
    assert (offer.workload.hours, offer.workload.ects) == (24, 1)
    assert (offer.cost.amount, offer.cost.currency, offer.cost.funding) == (39, "USD", "paid")
    assert [(s.uri, s.label) for s in offer.skills] == [
        (s["uri"], s["label"]) for s in expected["skills"]
    ]


def test_ctdl_credential_with_required_competencies_and_language_maps(tmp_path):
    # GIVEN a single ceterms:MicroCredential (no @graph, no identifier) whose requirements
    # list ESCO competencies, with en-US language maps and two delivery types
    doc = {
        "@context": "https://credreg.net/ctdl/schema/context/json",
        "@type": "ceterms:MicroCredential",
        "ceterms:ctid": "ce-1234",
        "ceterms:name": {"en-US": "Spreadsheet essentials"},
        "ceterms:inLanguage": "en-US",
        "ceterms:ownedBy": {
            "@type": "ceterms:CredentialOrganization",
            "ceterms:name": {"en-US": "Numbers College"},
            "ceterms:address": {"ceterms:addressCountry": "USA"},
        },
        "ceterms:deliveryType": [
            {"ceterms:targetNode": "deliveryType:OnlineOnly"},
            {"ceterms:targetNode": "deliveryType:InPerson"},
        ],
        "ceterms:estimatedDuration": {"ceterms:exactDuration": "PT12H30M"},
        "ceterms:estimatedCost": [
            {"ceterms:price": "20", "ceterms:currency": "USD"},
            {"ceterms:price": 5, "ceterms:currency": "USD"},
        ],
        "ceterms:assessmentMethodDescription": "practical task observed",
        "ceterms:requires": {
            "ceterms:targetCompetency": [
                {
                    "ceterms:targetNode": f"{ESCO}xyz",
                    "ceterms:targetNodeName": {"en-US": "use spreadsheets software"},
                },
                {"ceterms:targetNodeName": {"en-US": "Build a monthly budget"}},
            ]
        },
    }
    path = write(tmp_path, "sheet.ctdl.jsonld", doc)
    # WHEN imported
    [record] = read_all(CtdlImporter(), path)
    offer = Offer.model_validate(record.data)
    # THEN the ctid is the id, the requirements are what the credential certifies
    assert (offer.id, offer.title, offer.languages) == ("ce-1234", "Spreadsheet essentials", ["en"])
    assert (offer.awarding_body.name, offer.awarding_body.country) == ("Numbers College", "US")
    assert (offer.mode, offer.workload.hours) == ("blended", 12.5)
    assert (offer.cost.amount, offer.cost.currency) == (25, "USD")
    assert [s.uri for s in offer.skills] == [f"{ESCO}xyz"]
    assert offer.learning_outcomes == ["Build a monthly budget"]
    assert offer.prerequisites is None


# ------------------------------------------------------------------------- ELM round trip
def test_elm_round_trip_keeps_what_elm_can_carry(tmp_path):
    # GIVEN every offer of the demo catalogue
    with (SOURCES / "demo_catalogue.jsonl").open(encoding="utf-8") as fh:
        offers = [Offer.model_validate(json.loads(line)) for line in fh]
    # WHEN exported to ELM and imported back
    out = io.StringIO()
    ElmExporter().write(offers, out)
    document = json.loads(out.getvalue())
    path = write(tmp_path, "catalogue.elm.jsonld", out.getvalue())
    back = [Offer.model_validate(r.data) for r in read_all(ElmImporter(), path)]
    # THEN the document is ELM v3 JSON-LD, and each offer comes back the same
    assert document["@context"] == "http://data.europa.eu/snb/model/context/edc-ap"
    assert {n["type"] for n in document["@graph"]} == {"LearningOpportunity"}
    assert len(back) == len(offers)
    for before, after in zip(offers, back, strict=True):
        assert after.model_dump(
            include={
                "id",
                "title",
                "description",
                "languages",
                "awarding_body",
                "provider",
                "learning_outcomes",
                "eqf_level",
                "assessment",
                "mode",
                "pace",
                "start_dates",
                "location",
                "quality_assurance",
                "cost",
                "prerequisites",
                "url",
                "sample_data",
            }
        ) == before.model_dump(
            include={
                "id",
                "title",
                "description",
                "languages",
                "awarding_body",
                "provider",
                "learning_outcomes",
                "eqf_level",
                "assessment",
                "mode",
                "pace",
                "start_dates",
                "location",
                "quality_assurance",
                "cost",
                "prerequisites",
                "url",
                "sample_data",
            }
        )
        assert (after.workload.hours, after.workload.ects) == (
            before.workload.hours,
            before.workload.ects,
        )
        assert [(s.uri, s.label) for s in after.skills] == [(s.uri, s.label) for s in before.skills]


def test_elm_export_uses_elm_vocabulary():
    # GIVEN demo-0015
    offer = Offer.model_validate(demo("demo-0015"))
    # WHEN exported
    out = io.StringIO()
    ElmExporter().write([offer], out)
    [lo] = json.loads(out.getvalue())["@graph"]
    spec = lo["learningAchievementSpecification"]
    # THEN the specification carries the ELM properties
    assert spec["type"] == "LearningAchievementSpecification"
    assert spec["volumeOfLearning"] == "PT30H"
    assert spec["creditPoint"][0]["point"] == "1"
    assert "ECTS" in spec["creditPoint"][0]["framework"]["prefLabel"]["en"]
    assert spec["educationLevel"][0]["id"] == "http://data.europa.eu/snb/eqf/3"
    assert spec["language"][0]["id"].endswith("/language/SPA")
    assert [s["id"] for s in spec["relatedESCOSkill"]] == [s.uri for s in offer.skills]
    assert spec["awardingOpportunity"][0]["awardingBody"][0]["type"] == "Organisation"
    assert lo["priceDetail"][0]["amount"]["value"] == 74000


# --------------------------------------------------------------------------- Open Badges 3
def test_open_badges_export_has_required_achievement_fields():
    # GIVEN two offers, one with two ESCO skills
    offers = [Offer.model_validate(demo("demo-0015")), Offer.model_validate(demo("demo-0325"))]
    # WHEN exported to Open Badges 3.0, twice
    first, second = io.StringIO(), io.StringIO()
    OpenBadgesExporter().write(offers, first)
    OpenBadgesExporter().write(offers, second)
    achievements = json.loads(first.getvalue())
    # THEN the file is a JSON array of OB3 Achievements with deterministic ids
    assert first.getvalue() == second.getvalue()
    assert isinstance(achievements, list) and len(achievements) == 2
    for achievement, offer in zip(achievements, offers, strict=True):
        assert achievement["@context"] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ]
        assert achievement["type"] == ["Achievement"]
        assert achievement["id"].startswith("urn:uuid:")
        assert (achievement["name"], achievement["humanCode"]) == (offer.title, offer.id)
        assert achievement["description"]
        for outcome in offer.learning_outcomes:
            assert outcome in achievement["criteria"]["narrative"]
        assert achievement["creator"]["type"] == ["Profile"]
        assert achievement["creator"]["name"] == offer.awarding_body.name
        assert achievement["creditsAvailable"] == offer.workload.ects
        assert achievement["inLanguage"] == offer.languages[0]
        # AND one alignment per ESCO skill
        assert [a["targetUrl"] for a in achievement["alignment"]] == [s.uri for s in offer.skills]
        assert {(a["targetType"], a["targetFramework"]) for a in achievement["alignment"]} == {
            ("ceasn:Competency", "ESCO")
        }
        assert all(a["targetName"] for a in achievement["alignment"])
    assert achievements[0]["id"] != achievements[1]["id"]


# ---------------------------------------------------------------------------- bad documents
@pytest.mark.parametrize(
    "importer, name", [(ElmImporter(), "x.elm.jsonld"), (CtdlImporter(), "x.ctdl.jsonld")]
)
def test_a_document_that_is_not_json_is_one_precise_problem(tmp_path, importer, name):
    # GIVEN a truncated JSON document
    path = write(tmp_path, name, '{"@context": "x", "title": ')
    # WHEN read
    [record] = read_all(importer, path)
    # THEN one problem says where and why
    assert record.data is None
    assert record.where == name and record.problem.startswith("invalid JSON")
    assert "line 1" in record.problem


@pytest.mark.parametrize(
    "importer, name, expected",
    [
        (ElmImporter(), "x.elm.jsonld", "no ELM LearningOpportunity"),
        (CtdlImporter(), "x.ctdl.jsonld", "no CTDL course, learning opportunity or credential"),
    ],
)
def test_json_that_is_no_learning_opportunity_is_one_precise_problem(
    tmp_path, importer, name, expected
):
    # GIVEN valid JSON-LD that only describes an organisation
    path = write(
        tmp_path,
        name,
        {
            "@graph": [
                {"@type": "ceterms:CredentialOrganization", "type": "Organisation", "name": "ACME"}
            ]
        },
    )
    # WHEN read
    [record] = read_all(importer, path)
    # THEN the problem names what was found instead
    assert record.data is None
    assert record.problem.startswith(expected)
    assert "CredentialOrganization" in record.problem or "Organisation" in record.problem


def test_a_learning_opportunity_without_title_fails_validation_on_title(tmp_path):
    # GIVEN an ELM LearningOpportunity (the example) with its titles removed
    doc = json.loads((EXAMPLES / "elm_learning_opportunity.jsonld").read_text("utf-8"))
    del doc["title"], doc["learningAchievementSpecification"]["title"]
    path = write(tmp_path, "untitled.elm.jsonld", doc)
    # WHEN read
    [record] = read_all(ElmImporter(), path)
    # THEN the record is yielded, and the schema names the missing field
    assert record.problem is None and "title" not in record.data
    assert ("title",) in error_fields(record.data)


def test_a_ctdl_course_without_name_fails_validation_on_title(tmp_path):
    # GIVEN the CTDL example with the course name removed
    doc = json.loads((EXAMPLES / "ctdl_course.jsonld").read_text("utf-8"))
    del doc["@graph"][0]["ceterms:name"]
    path = write(tmp_path, "unnamed.ctdl.jsonld", doc)
    # WHEN read
    [record] = read_all(CtdlImporter(), path)
    # THEN the schema names the missing title
    assert ("title",) in error_fields(record.data)
