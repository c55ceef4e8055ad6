"""undefined-name and arity-mismatch over a real LSP client: exact ranges in UTF-16, the
related definition, and the "Change to" quick fix arriving in the editor."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_support import EditorClient
from test_lsp_diagnostics import (
    Published,
    by_code,
    code_actions,
    execute,
    open_document,
    record_publishes,
    rng,
    wait_current,
    wait_publish,
)

PY_URI = "file:///work/refs.py"
# `grüße` is 5 UTF-16 units and 7 UTF-8 bytes; the emoji before the call is 2 units.
PY_TEXT = (
    "def grüße(name):\n"  # line 0
    "    return name\n"
    "\n"
    "\n"
    's = "😀"; grüße("a", "b")\n'  # line 4: too many arguments
    "print(grüsse)\n"  # line 5: an undefined name two edits from `grüße`
    "print(grüßen)\n"  # line 6: one edit from it
)

TSX_URI = "file:///work/Panel.tsx"
TSX_TEXT = (
    'import { Star } from "lucide-react";\n'
    "\n"
    "export const Panel = () => (\n"
    "  <section>\n"
    "    <Star />\n"
    "    {/* é */} <Heart />\n"  # line 5: a component nobody imported
    "  </section>\n"
    ");\n"
)


@pytest.fixture
async def pyclient(client: EditorClient) -> tuple[EditorClient, Published]:
    return client, record_publishes(client)


async def test_undefined_name_and_arity_mismatch_are_published_with_exact_ranges(pyclient):
    client, published = pyclient
    open_document(client, PY_URI, PY_TEXT, "python")
    params = await wait_publish(published, PY_URI)
    codes = [(d.code, d.range.start.line) for d in params.diagnostics]
    assert codes == [("arity-mismatch", 4), ("undefined-name", 5), ("undefined-name", 6)]
    arity, far, near = params.diagnostics

    # 's = "😀"; ' is 10 UTF-16 units (the emoji counts 2).
    assert arity.range == rng(4, 10, 15)
    assert arity.severity == types.DiagnosticSeverity.Error
    assert arity.source == "codecrdt"
    assert arity.message == (
        "'grüße' takes 1 positional argument but 2 were given (defined on line 1)"
    )
    assert arity.related_information is not None
    assert arity.related_information[0].location.range == rng(0, 4, 9)
    assert isinstance(arity.data, dict) and arity.data["code"] == "arity-mismatch"

    assert far.range == rng(5, 6, 12)
    assert far.message == "name 'grüsse' is not defined (did you mean 'grüße'?)"
    assert near.range == rng(6, 6, 12)
    assert isinstance(near.data, dict) and near.data["suggestion"] == "grüße"


async def test_change_to_quick_fix_reaches_the_editor(pyclient):
    client, published = pyclient
    open_document(client, PY_URI, PY_TEXT, "python")
    params = await wait_publish(published, PY_URI)
    undefined = [d for d in params.diagnostics if d.code == "undefined-name"][-1]

    actions = await code_actions(client, PY_URI, [undefined])
    assert [a.title for a in actions] == ["Change to 'grüße'", "Fix with Evaluator"]
    assert actions[0].command is not None
    since = len(published)
    result = await execute(client, actions[0].command)
    assert result == {"applied": True, "title": "Change to 'grüße'"}
    await client.converged(PY_URI)
    assert client.buffers[PY_URI].text == PY_TEXT.replace("print(grüßen)", "print(grüße)")
    after = await wait_current(client, published, PY_URI, since=since)
    assert [(d.code, d.range.start.line) for d in after.diagnostics] == [
        ("arity-mismatch", 4),
        ("undefined-name", 5),
    ]

    # A call mismatch has no deterministic fix: only the Evaluator is offered.
    arity = by_code(after.diagnostics)["arity-mismatch"]
    actions = await code_actions(client, PY_URI, [arity])
    assert [a.title for a in actions] == ["Fix with Evaluator"]


async def test_a_jsx_component_nobody_imported(pyclient):
    client, published = pyclient
    open_document(client, TSX_URI, TSX_TEXT, "typescriptreact")
    params = await wait_publish(published, TSX_URI)
    (heart,) = params.diagnostics
    assert heart.code == "undefined-name"
    # '    {/* é */} <' is 15 UTF-16 units.
    assert heart.range == rng(5, 15, 20)
    assert heart.message == "component 'Heart' is not defined"
    actions = await code_actions(client, TSX_URI, [heart])
    assert [a.title for a in actions] == ["Fix with Evaluator"]  # no guess for a component


async def test_edits_elsewhere_move_and_change_findings_in_unedited_statements(pyclient):
    """The server analyses only the statements an edit changed: a line typed above
    everything moves every finding, and a parameter added to a definition reports the
    call in a statement nobody touched, as a whole-file analysis does."""
    client, published = pyclient
    open_document(client, PY_URI, PY_TEXT, "python")
    await wait_publish(published, PY_URI)

    since = len(published)
    client.type(PY_URI, 0, 0, "# moved down\n")
    moved = await wait_current(client, published, PY_URI, since=since)
    assert [(d.code, d.range) for d in moved.diagnostics] == [
        ("arity-mismatch", rng(5, 10, 15)),
        ("undefined-name", rng(6, 6, 12)),
        ("undefined-name", rng(7, 6, 12)),
    ]
    assert moved.diagnostics[0].related_information is not None
    assert moved.diagnostics[0].related_information[0].location.range == rng(1, 4, 9)

    # `def grüße(name, *rest)`: the call of line 5 fits now, in a statement left as it was.
    text = client.buffers[PY_URI].text
    at = text.index("(name)") + len("(name")
    since = len(published)
    client.type(PY_URI, at, at, ", *rest")
    fitted = await wait_current(client, published, PY_URI, since=since)
    assert [d.code for d in fitted.diagnostics] == ["undefined-name", "undefined-name"]

    # `def grüße(name, *rest, mode)`: now the call lacks a keyword-only argument.
    at = client.buffers[PY_URI].text.index("*rest") + len("*rest")
    since = len(published)
    client.type(PY_URI, at, at, ", mode")
    missing = await wait_current(client, published, PY_URI, since=since)
    arity = by_code(missing.diagnostics)["arity-mismatch"]
    assert arity.range == rng(5, 10, 15)
    assert arity.message == "'grüße' is missing argument 'mode' (defined on line 2)"
