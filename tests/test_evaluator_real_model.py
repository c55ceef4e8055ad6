"""The Evaluator's model round with a real model: Qwen2.5-Coder-0.5B behind llama.cpp.

The model is weak; what is asserted is what the Evaluator promises whatever the model
answers: one request per round carrying every conflict that needs a model, and nothing
applied that leaves a syntax error or brings a conflict the file did not have — an answer
that does not fix is reported, and the conflict left. ``CODECRDT_SKIP_REAL_MODEL=1``
skips this module (see tests/llama_support.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from codecrdt.agents.providers.base import Request, StreamEvent
from codecrdt.agents.providers.openai_compat import OpenAIProvider
from llama_support import MODEL_ALIAS, llama_base_url  # noqa: F401
from test_evaluator_batch import THREE, codes, evaluate
from test_merged_agents_example import TEXT

pytestmark = pytest.mark.realmodel


class Recording(OpenAIProvider):
    """The OpenAI-compatible provider, keeping each request."""

    def __init__(self, base_url: str) -> None:
        super().__init__(MODEL_ALIAS, base_url=base_url, timeout_s=600.0)
        self.requests: list[Request] = []

    async def stream(self, request: Request) -> AsyncIterator[StreamEvent]:
        self.requests.append(request)
        async for event in super().stream(request):
            yield event


@pytest.mark.parametrize(
    ("text", "first_request"),
    [(TEXT, 2), (THREE, 3)],
    ids=["issue-12-example", "three-conflicts"],
)
def test_the_evaluator_with_a_real_model_applies_only_checked_edits(
    llama_base_url: str,  # noqa: F811
    text: str,
    first_request: int,
) -> None:
    before = codes(text)
    provider = Recording(llama_base_url)
    after, report = evaluate(text, provider)
    print(json.dumps({"fixed_model": report.fixed_model, **report.model_summary()}, indent=1))
    # One request per round, the first carrying every conflict a model is needed for.
    assert len(provider.requests) == report.model_requests <= report.rounds
    assert report.conflicts_per_request[0] == first_request
    assert report.errors == []
    # Whatever was applied parses and brought no conflict the file did not have.
    compile(after, "fixed.py", "exec")
    assert set(codes(after)) <= set(before)
    # Every conflict is fixed or reported as left.
    assert {(entry["code"], entry["name"]) for entry in report.left} == set(codes(after))
