"""Schemathesis fuzzes the web app's OpenAPI against the real process (127.0.0.1 only): valid
and invalid bodies and parameters for every operation. No answer may be a server error, and
every answer must be one the schema declares (status, content type, body schema); invalid
data must be refused. Bounded: a fixed seed, few examples per operation, no stateful
phase, no example database, so a run is repeatable and takes a minute or two."""

from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.integration.test_web_bad_input import server_errors_logged, web_process

pytestmark = pytest.mark.servers

SEED = 20_261_128
EXAMPLES = 25  # fuzzed cases per operation (valid and invalid), after the coverage cases


@pytest.fixture(scope="module")
def fuzzed_web(esco_db, demo_catalogue, tmp_root):
    # development, so keys are optional (the schema says so); every request comes from
    # 127.0.0.1: the limit per address is proven in test_api_keys.py
    with web_process(tmp_root / "logs-web-fuzz", PUENTE_API_RATE_PER_IP="0") as stack:
        yield stack


def _schema():
    """The schema the web app serves, built in this process at collection time (the same code
    the server runs; a test below checks they are equal). Requests go to the real process.
    (`schemathesis.pytest.from_fixture` would load it from the server, but schemathesis
    4.32.5's lazy loader needs `Node._nodeid`, which pytest 9 no longer has.)"""
    from assistant.web.app import create_app

    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "request-timeout": 180,
            "generation": {"max-examples": EXAMPLES, "mode": "all", "database": "none"},
            # coverage: schema-derived boundary cases (a few hundred, seconds); no stateful
            # phase: there are no links between operations
            "phases": {"stateful": {"enabled": False}},
            "checks": {
                # Valid-by-schema input can still be refused for what it says (text with no
                # words, a job title that matches no occupation): 422, by design.
                "positive_data_acceptance": {"enabled": False},
                # 413 refuses invalid data too (a body over the limit), as does 429 (ops.py
                # limits widget sessions per address)
                "negative_data_rejection": {
                    "expected-statuses": ["400", "404", "405", "413", "415", "422", "429", "5xx"]
                },
            },
        }
    )
    return schemathesis.openapi.from_dict(create_app().openapi(), config=config)


schema = _schema()


def test_the_fuzzed_schema_is_the_one_the_server_serves(fuzzed_web):
    """GIVEN the schema built here for fuzzing
    WHEN the running web app's /openapi.json is fetched
    THEN they are the same."""
    served = httpx.get(fuzzed_web.url("web") + "/openapi.json", timeout=30).json()
    assert served == schema.raw_schema


@schema.parametrize()
@settings(
    deadline=None,
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_openapi_operations_never_answer_with_a_server_error(case, fuzzed_web):
    """GIVEN the web app's own OpenAPI schema
    WHEN schemathesis sends generated valid and invalid requests to each operation
    THEN no answer is a 5xx, and each answer conforms to what the schema declares."""
    case.call_and_validate(base_url=fuzzed_web.url("web"))


def test_zz_the_fuzzed_server_logged_no_server_error(fuzzed_web):
    """GIVEN the fuzzing above
    WHEN the web app's log is read
    THEN it has no unhandled exception and no 5xx answer."""
    assert server_errors_logged(fuzzed_web) == []
