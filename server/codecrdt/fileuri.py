"""Which file a URI names: one spelling for every check that compares files.

``file:///w/h.py``, ``file:///w/./h.py``, ``file:///w//h.py``, ``file:///w/%68.py`` and
``file://localhost/w/h.py`` are one file. :func:`file_path` turns a ``file:`` URI into
its resolved path (percent-escapes decoded, ``.``/``..`` and doubled slashes folded,
symlinks followed); :func:`file_key` is what runs are told apart by: that path, or the
URI itself for a document that is no file (``untitled:``).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

__all__ = ["file_key", "file_path"]

#: The authorities of a local ``file:`` URI (RFC 8089: empty or ``localhost``).
_LOCAL_HOSTS = ("", "localhost")


def file_path(uri: str) -> Path | None:
    """The resolved path of a local ``file:`` URI; None for any other URI."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return None
    if parts.scheme.lower() != "file" or parts.netloc.lower() not in _LOCAL_HOSTS:
        return None
    path = unquote(parts.path)
    if not path.startswith("/") or "\x00" in path:
        return None
    if os.name == "nt" and len(path) > 2 and path[2] == ":":  # file:///C:/…
        path = path[1:]
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, an unreadable folder
        return Path(os.path.normpath(path))


def file_key(uri: str) -> str:
    """What tells documents and runs apart: the resolved path of a file URI, else the URI."""
    path = file_path(uri)
    return str(path) if path is not None else uri
