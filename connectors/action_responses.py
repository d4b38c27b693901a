"""Rasa 3.6 checks every action server response with `jsonschema.validate(result, spec)`, and
`validate` first checks Rasa's own response schema — a constant — against the JSON Schema
meta-schema, on every call. Profiled with py-spy under load (10 users), that meta-schema check
was ~46% of the Rasa process's CPU. Here the schema is checked once and its validator kept;
every response is still validated, and an invalid one raises the same error as before."""

from __future__ import annotations

import functools
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.cache
def _response_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once per process instead of once per action call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
