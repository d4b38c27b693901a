"""Run with .venv-rasa's python from the project root: the action-response validator that
connectors/action_responses.py installs decides exactly as Rasa's own, with the same message.
Prints the number of cases compared; exits non-zero on any difference."""

from __future__ import annotations

import sys

from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from connectors import action_responses

CASES = [
    {},
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "phase", "value": "goal"}],
        "responses": [{"text": "hola"}],
    },
    {"events": [{"event": "bot", "text": "hi"}], "responses": [{"image": "http://x/c.png"}]},
    {"events": "not a list"},
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": 42}]},
    {"responses": "nope"},
    {"events": [None]},
]


def outcome(validate, result) -> str:
    action = RemoteAction.__new__(RemoteAction)
    try:
        return f"ok {validate(action, result)}"
    except ValidationError as exc:
        return f"invalid {exc.message}"


def main() -> int:
    original = RemoteAction._validate_action_result
    action_responses.install()
    installed = RemoteAction._validate_action_result
    if installed is original:
        print("the validator was not installed")
        return 1
    results = [(outcome(original, c), outcome(installed, c)) for c in CASES]
    for case, (before, after) in zip(CASES, results, strict=True):
        if before != after:
            print(f"differs on {case!r}: {before!r} vs {after!r}")
            return 1
    kinds = {before.split()[0] for before, _ in results}
    if kinds != {"ok", "invalid"}:
        print(f"the cases do not cover both outcomes: {kinds}")
        return 1
    print(f"{len(CASES)} cases decided alike")
    return 0


if __name__ == "__main__":
    sys.exit(main())
