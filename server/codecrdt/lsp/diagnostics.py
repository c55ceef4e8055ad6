"""Diagnostics and their fixes over LSP: pulled diagnostics, quick fixes and the two fix
commands.

The analysis itself and the conversion of findings into LSP diagnostics and code actions
live in :mod:`codecrdt.diagnostics`; the server pushes diagnostics as documents change
(:meth:`CodeCrdtServer.publish`) unless the client pulls them through this module.

Commands: ``codecrdt.applyFix`` ``{"uri", "code", "name"?, "byte"?}`` → ``{"applied",
"title"}`` applies a finding's deterministic fix to the shared document, so it reaches
every editor; ``codecrdt.fixWithEvaluator`` ``{"uri", …}`` runs the Evaluator on the
document's conflicts and tells the user what it fixed.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from codecrdt.analysis.fixes import find_again, fix_for
from codecrdt.diagnostics import code_actions_for
from codecrdt.document import Origin
from codecrdt.lsp.arguments import ApplyFixArguments, EvaluateArguments
from codecrdt.lsp.runs import evaluate_document
from codecrdt.lsp.server import CodeCrdtServer, OpenDocument

__all__ = [
    "apply_fix",
    "apply_fix_command",
    "code_actions",
    "fix_with_evaluator",
    "pull_diagnostics",
    "register",
]


def pull_diagnostics(
    ls: CodeCrdtServer, params: types.DocumentDiagnosticParams
) -> types.RelatedFullDocumentDiagnosticReport:
    uri = params.text_document.uri
    items = ls.diagnostics(uri) if uri in ls.documents else []
    return types.RelatedFullDocumentDiagnosticReport(items=items)


def code_actions(ls: CodeCrdtServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    opened = ls.documents.get(uri)
    if opened is None or opened.analysis is None:
        return []
    return code_actions_for(opened.analysis, uri, params.context.diagnostics)


def apply_fix_command(ls: CodeCrdtServer, arguments: ApplyFixArguments) -> dict[str, Any]:
    try:
        title = apply_fix(ls.get(arguments.uri), arguments.code, arguments.name, arguments.byte)
    except (KeyError, ValueError, TypeError) as error:
        raise JsonRpcInvalidParams(str(error)) from None
    return {"applied": title is not None, "title": title}


async def fix_with_evaluator(ls: CodeCrdtServer, arguments: EvaluateArguments) -> dict[str, Any]:
    """The quick fix "Fix with Evaluator": the Evaluator on the document's conflicts."""
    result = await evaluate_document(ls, arguments)
    fixed = int(result["fixedDeterministic"]) + int(result["fixedModel"])
    left = len(result["left"])
    ls.window_show_message(
        types.ShowMessageParams(
            type=types.MessageType.Info,
            message=f"CodeCRDT Evaluator: {fixed} conflict(s) fixed, {left} left.",
        )
    )
    return {"applied": fixed > 0, **result}


def apply_fix(opened: OpenDocument, code: str, name: str | None, near: int) -> str | None:
    """Apply the deterministic fix of a finding to the shared document; its title.

    None when the document is not analysed, the finding is gone or it has no fix.
    """
    if opened.analysis is None:
        return None
    finding = find_again(opened.analysis.findings(), code, name, near)
    if finding is None:
        return None
    tree, source = opened.analysis.current_tree()
    fix = fix_for(finding, tree, source)
    if fix is None:
        return None
    lines = opened.document.lines
    for start, end, text in sorted(fix.edits, reverse=True):
        opened.document.replace(
            lines.byte_to_offset(start), lines.byte_to_offset(end), text, Origin.QUICKFIX
        )
    return fix.title


def register(server: CodeCrdtServer) -> None:
    server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="codecrdt", inter_file_dependencies=False, workspace_diagnostics=False
        ),
    )(pull_diagnostics)
    server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )(code_actions)
    server.command("codecrdt.applyFix")(apply_fix_command)
    server.command("codecrdt.fixWithEvaluator")(fix_with_evaluator)
