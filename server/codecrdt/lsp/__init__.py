"""The language server, one module per LSP feature, assembled on one server object.

- :mod:`.server`: the :class:`CodeCrdtServer` (documents, options, runs), its protocol and
  the answers to bad input;
- :mod:`.arguments`: the commands' argument classes, read by the server's converter;
- :mod:`.settings`: ``initialize`` options and ``workspace/didChangeConfiguration``;
- :mod:`.sync`: ``didOpen``, ``didChange``, ``didClose`` into the shared documents;
- :mod:`.diagnostics`: pulled diagnostics, quick fixes, ``codecrdt.applyFix`` and
  ``codecrdt.fixWithEvaluator``;
- :mod:`.runs`: the generation commands, their notifications and progress;
- :mod:`.authors`: ``codecrdt.blame`` and hovers saying who wrote a line;
- :mod:`.testing`: ``codecrdt.documentState`` and ``codecrdt.simulateWriter``, registered
  only for tests and benchmarks (``codecrdt serve --test-commands``);
- :mod:`.transports`: ``codecrdt serve --tcp``/``--ws``: loopback, a token, one client.
- :mod:`.reader`: reading stdio and TCP with bounds (the server's ``start_io``, and
  :mod:`.transports`' TCP server).

Each feature module imports :mod:`.server` and has a ``register(server)``; only
:func:`create_server` here imports them all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from codecrdt.lsp import authors, diagnostics, runs, settings, sync, testing
from codecrdt.lsp.server import CodeCrdtServer

__all__ = ["CodeCrdtServer", "create_server"]

#: The features every server has, in registration order.
FEATURES = (settings, sync, diagnostics, runs, authors)


def create_server(
    *,
    test_commands: bool = False,
    base_url: str | None = None,
    user_urls: Iterable[str] = (),
) -> CodeCrdtServer:
    """A server with every feature; with ``test_commands``, also the test-only commands.

    ``base_url``: the runs' default base URL (``codecrdt serve --base-url``); it and
    ``user_urls`` (``--allow-base-url``) are the user's, so keys from the environment may
    go there even when a client names them.
    """
    server = CodeCrdtServer()
    if base_url:
        server.options = dataclasses.replace(server.options, base_url=base_url)
    server.user_urls = frozenset([*user_urls, *([base_url] if base_url else [])])
    for feature in FEATURES:
        feature.register(server)
    if test_commands:
        testing.register(server)
    return server
