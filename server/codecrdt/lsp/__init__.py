"""The language server, one module per LSP feature, assembled on one server object.

- :mod:`.server`: the :class:`CodeCrdtServer` (documents, options, runs), its protocol and
  the answers to bad input;
- :mod:`.arguments`: the commands' argument classes, read by the server's converter;
- :mod:`.settings`: ``initialize`` options and ``workspace/didChangeConfiguration``;
- :mod:`.sync`: ``didOpen``, ``didChange``, ``didClose`` into the shared documents;
- :mod:`.diagnostics`: pulled diagnostics, quick fixes, ``codecrdt.applyFix`` and
  ``codecrdt.fixWithEvaluator``;
- :mod:`.runs`: the generation commands, their notifications and progress;
- :mod:`.testing`: ``codecrdt.documentState`` and ``codecrdt.simulateWriter``, registered
  only for tests and benchmarks (``codecrdt serve --test-commands``);
- :mod:`.transport`: reading stdio and websockets with bounds (the server's ``start_io``
  and ``start_ws``).

Each feature module imports :mod:`.server` and has a ``register(server)``; only
:func:`create_server` here imports them all.
"""

from __future__ import annotations

from codecrdt.lsp import diagnostics, runs, settings, sync, testing
from codecrdt.lsp.server import CodeCrdtServer

__all__ = ["CodeCrdtServer", "create_server"]

#: The features every server has, in registration order.
FEATURES = (settings, sync, diagnostics, runs)


def create_server(*, test_commands: bool = False) -> CodeCrdtServer:
    """A server with every feature; with ``test_commands``, also the test-only commands."""
    server = CodeCrdtServer()
    for feature in FEATURES:
        feature.register(server)
    if test_commands:
        testing.register(server)
    return server
