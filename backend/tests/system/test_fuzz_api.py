"""Schema fuzzing: schemathesis generates requests from the OpenAPI schema against a
live server (fixed seed, bounded budget, SSE excluded). No answer may be a 5xx or break its
documented schema, and afterwards the journal is dense and agrees with the files."""

from __future__ import annotations

import os
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis import checks  # noqa: E402

# ~1,500 generated requests in all: the schema has about 20 operations.
EXAMPLES_PER_OPERATION = 110


@pytest.fixture
def fuzz_server(make_library: Any, start_server: Any) -> Any:
    lib = make_library(loose=24)
    # File names a real library has: Latin-1 bytes (not UTF-8) and a newline.
    lib.add(os.fsdecode(b"caf\xe9.jpg"))
    lib.add("new\nline.jpg")
    return start_server(lib)


def test_no_5xx_and_every_answer_matches_its_schema(fuzz_server: Any) -> None:
    from hypothesis import given

    raw = fuzz_server.client.get("/openapi.json").json()
    # Everything but the event stream, which never ends.
    schema = schemathesis.openapi.from_dict(raw).exclude(path="/api/events")
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,  # a fixed seed: the same requests on every run
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: Any) -> None:
            nonlocal calls
            calls += 1
            response = case.call(base_url=fuzz_server.url, timeout=10)
            case.validate_response(
                response,
                checks=[checks.not_a_server_error, checks.response_schema_conformance],
            )

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # one failure must not hide others
            failures.append(f"{operation.label}: {exc}")
    print(f"fuzz: {calls} requests")
    assert calls >= 500, calls
    assert not failures, "\n\n".join(failures)
    # Afterwards the journal is dense and agrees with the files.
    session = fuzz_server.ctx.session
    seqs = [r["seq"] for r in session.records_since()]
    assert seqs == list(range(1, len(seqs) + 1))
    assert session.verify() == []
