"""The server's settings: ``initializationOptions`` and ``workspace/didChangeConfiguration``.

Both go through :class:`codecrdt.options.ServerOptions`, which checks every value; a value
it refuses is shown to the user as a warning and the previous one stays.
"""

from __future__ import annotations

from lsprotocol import types

from codecrdt.lsp.server import CodeCrdtServer
from codecrdt.options import ServerOptions

__all__ = ["did_change_configuration", "initialize", "register", "use_options"]


def initialize(ls: CodeCrdtServer, params: types.InitializeParams) -> None:
    # From the server's own options: those of its command line (``--base-url``) stay
    # unless the client sets them.
    use_options(ls, *ls.options.updated(params.initialization_options, "initializationOptions"))


def did_change_configuration(
    ls: CodeCrdtServer, params: types.DidChangeConfigurationParams
) -> None:
    use_options(ls, *ls.options.updated(params.settings))


def use_options(ls: CodeCrdtServer, options: ServerOptions, problems: list[str]) -> None:
    """Make ``options`` the server's; show a warning for each value that was refused."""
    ls.options = options
    for problem in problems:
        ls.warn(f"CodeCRDT: {problem}")


def register(server: CodeCrdtServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)
