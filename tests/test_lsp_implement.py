"""``codecrdt.implement`` over LSP: the open file's markers filled while the user types.

A real client (pytest-lsp) with an editor buffer drives ``codecrdt serve``. The answers
come from a prepared script (tests/fixtures/implement/shapes.toml, the scripted provider):
these tests pin what the run does with prepared output (which TODOs it takes, the edit
that names plain TODO comments, what undo takes back), not what a model would write.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from codecrdt.markers import scan_markers
from lsp_support import EditorClient
from test_lsp_generate import session, unconfigured  # noqa: F401  (the fixtures)

FIXTURES = Path(__file__).parent / "fixtures" / "implement"
SCRIPT = str(FIXTURES / "shapes.toml")
SKELETON = (FIXTURES / "shapes.py").read_text(encoding="utf-8")
SCRIPTED: dict[str, Any] = {"provider": "scripted", "script": SCRIPT}


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines()) if needle in line)


async def _error(client: EditorClient, **arguments: Any) -> str:
    with pytest.raises(JsonRpcException) as caught:
        await client.command("codecrdt.implement", **arguments)
    return str(caught.value)


async def test_a_selection_names_its_plain_todo_in_one_edit_then_implements_only_it(session):  # noqa: F811
    client, _recorder, folder = session
    uri = (folder / "shapes.py").as_uri()
    client.open(uri, SKELETON)
    first = _line(SKELETON, "def parse_args")
    selection = {
        "start": {"line": first, "character": 0},
        "end": {"line": first + 3, "character": 0},
    }
    answer = await client.command(
        "codecrdt.implement", uri=uri, range=selection, timeScale=20, wait=True, **SCRIPTED
    )
    report = answer["report"]
    assert report["outline"] == "file" and report["stopped_by"] is None
    assert [t["name"] for t in report["todos"]] == ["read_the_shape_and"]
    assert report["todos"][0]["status"] == "done"
    # One edit, applied by the editor, named the plain comment before the run.
    (naming,) = [e for e in client.edits if e.params.label == "CodeCRDT: name the TODO comments"]
    assert naming.applied
    (change,) = naming.params.edit.document_changes[0].edits
    assert change.new_text == (
        "    # TODO(codecrdt:read_the_shape_and): read the shape and its sizes"
    )
    await client.converged(uri)
    text = client.buffers[uri].text
    # The markers outside the selection were left alone.
    assert [m.name for m in scan_markers(text)] == ["circle_area", "rect_area", "main_body"]
    assert '    parser.add_argument("shape", choices=["circle", "rect"])\n' in text
    assert "# TODO: read the shape" not in text


async def test_the_whole_file_while_the_user_types_and_undo_takes_back_only_the_agents(session):  # noqa: F811
    client, recorder, folder = session
    uri = (folder / "shapes.py").as_uri()
    client.open(uri, SKELETON)
    answer = await client.command("codecrdt.implement", uri=uri, timeScale=2, **SCRIPTED)
    run_id = answer["runId"]
    for word in ("alpha ", "beta "):
        await asyncio.sleep(0.2)
        client.type(uri, 3, 3, word)  # inside the module docstring
    finished = await recorder.finished(run_id)
    report = finished["report"]
    assert sorted(t["name"] for t in report["todos"]) == ["circle_area", "main_body", "rect_area"]
    assert all(t["status"] == "done" for t in report["todos"])
    await client.converged(uri)
    text = client.buffers[uri].text
    assert text.startswith('"""beta alpha Shapes')
    assert [m.name for m in scan_markers(text)] == []
    assert "# TODO: read the shape and its sizes" in text  # plain, and not selected
    await check_authors(client, uri, text)
    assert (await client.command("codecrdt.undoRun", runId=run_id))["undone"] is True
    state = await client.converged(uri)
    assert state["text"] == SKELETON.replace('"""Shapes', '"""beta alpha Shapes', 1)


async def check_authors(client: EditorClient, uri: str, text: str) -> None:
    """``codecrdt.blame`` and hovers credit each body to its TODO's implementer, and the
    typed words and the skeleton to the user."""
    blame = await client.command("codecrdt.blame", uri=uri)
    assert blame["uri"] == uri and blame["version"] == client.buffers[uri].version
    buffer = client.buffers[uri]
    credited: dict[str, set[str]] = {}
    for entry in blame["ranges"]:
        rng = entry["range"]
        start = buffer.offset(types.Position(**rng["start"]))
        end = buffer.offset(types.Position(**rng["end"]))
        author = entry["author"]
        who = "user" if author["kind"] == "user" else f"{author['role']}:{author['todo']}"
        for line in text[start:end].splitlines():
            if line.strip():
                credited.setdefault(line.strip(), set()).add(who)
    assert credited["return math.pi * self.radius**2"] == {"implementer:circle_area"}
    assert credited["return self.width * self.height"] == {"implementer:rect_area"}
    assert credited["args = parse_args(argv)"] == {"implementer:main_body"}
    assert credited["def main(argv: list[str] | None = None) -> int:"] == {"user"}
    assert credited['"""beta alpha Shapes: areas and a tiny command line."""'] == {"user"}
    assert sum(1 for e in blame["ranges"] if e["author"]["kind"] == "agent") >= 3

    def hover_at(needle: str) -> Any:
        line = _line(text, needle)
        return client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=4),
            )
        )

    body = await hover_at("return self.width * self.height")
    assert body is not None
    assert "written by impl-" in body.contents.value
    assert "(implementer, run-" in body.contents.value
    assert "TODO rect_area)" in body.contents.value
    mine = await hover_at("def main(")
    assert mine.contents.value == "**CodeCRDT**: written by you (not a CodeCRDT agent)"


async def test_no_hover_where_no_agent_wrote(session):  # noqa: F811
    client, _recorder, folder = session
    uri = (folder / "shapes.py").as_uri()
    client.open(uri, SKELETON)
    await client.converged(uri)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=1),
        )
    )
    assert hover is None
    blame = await client.command("codecrdt.blame", uri=uri)
    assert [e["author"]["kind"] for e in blame["ranges"]] == ["user"]


async def test_bad_implement_requests(session):  # noqa: F811
    client, _recorder, folder = session
    uri = (folder / "plain.py").as_uri()
    client.open(uri, "def f() -> int:\n    # TODO: return one\n    ...\n")
    assert "nothing to implement: no TODO(codecrdt:name): … marker in plain.py" in await _error(
        client, uri=uri, **SCRIPTED
    )
    assert "select plain TODO:/FIXME: comments" in await _error(client, uri=uri, **SCRIPTED)
    assert "names must be a list" in await _error(client, uri=uri, names="f", **SCRIPTED)
    assert "range must be an LSP range" in await _error(client, uri=uri, range=[1], **SCRIPTED)
    shapes = (folder / "shapes.py").as_uri()
    client.open(shapes, SKELETON)
    assert "marker named nosuch" in await _error(client, uri=shapes, names=["nosuch"], **SCRIPTED)
    # The editor refuses the naming edit (the user typed meanwhile): no run starts.
    client.apply_edit_hook = lambda _client, _params: False
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 40, "character": 0}}
    assert "the editor did not apply the edit naming the TODO comments" in await _error(
        client, uri=shapes, range=whole, **SCRIPTED
    )
    assert await client.command("codecrdt.status") == []
    assert client.buffers[shapes].text == SKELETON


async def test_generate_on_an_open_file_with_code_extends_it_and_keeps_every_line(session):  # noqa: F811
    """``codecrdt.generate`` on an open 300-line module (prepared output: the placed outline
    of tests/fixtures/extend/library-extend.toml): the blocks land in their places in the
    editor's buffer, every original line stays, and the report says where."""
    client, _recorder, folder = session
    original = (FIXTURES.parent / "extend" / "library.py").read_text(encoding="utf-8")
    uri = (folder / "library.py").as_uri()
    client.open(uri, original)
    answer = await client.command(
        "codecrdt.generate",
        uri=uri,
        provider="scripted",
        script=str(FIXTURES.parent / "extend" / "library-extend.toml"),
        mode="parallel",  # the Outliner's placed blocks (auto would write it alone)
        timeScale=5,
        wait=True,
    )
    report = answer["report"]
    assert report["stopped_by"] is None and report["conflicts"]["left"] == 0
    assert [p["how"] for p in report["placements"]] == [
        "with the imports",
        "inside class Library",
        "after format_table",
        "after line 214",
        "after line 262",
    ]
    await client.converged(uri)
    text = client.buffers[uri].text
    kept = iter(text.splitlines())
    assert all(any(line == have for have in kept) for line in original.splitlines())
    lines = text.splitlines()
    assert lines.index("    def books_by(self, author: str) -> list[Book]:") < lines.index(
        "def to_json(library: Library) -> dict[str, object]:"
    )
    blame = await client.command("codecrdt.blame", uri=uri)
    roles = {e["author"]["role"] for e in blame["ranges"] if e["author"]["kind"] == "agent"}
    assert roles == {"outliner", "implementer"}
