"""Schemathesis against the app's own OpenAPI document: every default check, a bounded number of examples."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from assistant.settings import Settings
from tests.test_hardening import private_assistant
from ui.http import create_app

EXAMPLES = 40


@pytest.fixture(scope="module")
def api_schema(indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory):
    assistant = private_assistant(indexed_settings, Path(tmp_path_factory.mktemp("fuzz")))  # /admin too
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(assistant, assistant.settings))


def test_every_operation_conforms_to_the_openapi_document(api_schema) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.label for op in operations} >= {"POST /ask", "GET /health", "GET /documents", "GET /rows",
                                               "POST /admin/reingest", "POST /documents", "DELETE /documents/{doc}",
                                               "POST /v1/chat/completions", "GET /v1/models", "GET /v1/models/{model}"}
    for operation in operations:
        examples = 4 if operation.label == "POST /admin/reingest" else EXAMPLES  # each one rebuilds the index
        # A schema can say "a file", not "a file holding a task list": an upload of any other file is a 422. Nor
        # can it say "a place the index holds lists of" (uploads add places): /ask's unknown filter is a 422, and
        # so a model not named by GET /v1/models is a 404, or messages whose last is not the user's a 400.
        excluded = [positive_data_acceptance] if operation.label in (
            "POST /documents", "POST /ask", "POST /v1/chat/completions", "GET /v1/models/{model}") else []
        modes = [GenerationMode.POSITIVE]
        if operation.label in ("POST /ask", "GET /rows", "POST /v1/chat/completions"):  # can be wrong: a documented 4xx
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            fuzz(operation, mode, examples, excluded)


def fuzz(operation, mode: GenerationMode, examples: int, excluded: list) -> None:
    """Run `examples` generated cases of one operation, each checked by every default check not `excluded`."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        case.call_and_validate(excluded_checks=excluded)

    check()
