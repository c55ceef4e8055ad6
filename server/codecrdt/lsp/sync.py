"""Text synchronisation: the editor's ``didOpen``, ``didChange`` and ``didClose``.

Each notification goes to the server's document registry (:class:`CodeCrdtServer`'s
``open``, ``change``, ``close``), which mirrors the editor's buffer into a shared document.
A document that cannot be mirrored (binary, too large) is refused with a warning; the
server keeps serving the others.
"""

from __future__ import annotations

import logging

from lsprotocol import types

from codecrdt.lsp.server import CodeCrdtServer

__all__ = ["did_change", "did_close", "did_open", "register"]

logger = logging.getLogger(__name__)


def did_open(ls: CodeCrdtServer, params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    if item.uri in ls.documents:  # opened again without a close: the old one is dropped
        ls.runs.listener.document_closed(item.uri)
    try:
        ls.open(item.uri, item.text, item.version, item.language_id)
    except ValueError as error:
        logger.warning("not mirroring %s: %s", item.uri, error)
        ls.warn(f"CodeCRDT does not mirror {item.uri}: {error}")


def did_change(ls: CodeCrdtServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.change(params.text_document.uri, params.text_document.version, params.content_changes)


def did_close(ls: CodeCrdtServer, params: types.DidCloseTextDocumentParams) -> None:
    # A run writing the document is cancelled and its finished work written to the file.
    ls.runs.listener.document_closed(params.text_document.uri)
    ls.close(params.text_document.uri)


def register(server: CodeCrdtServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)
