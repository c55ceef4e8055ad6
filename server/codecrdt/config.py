"""``[tool.codecrdt]`` configuration, shared by ``codecrdt check`` and the language server.

Read from the nearest ``pyproject.toml`` that has a ``[tool.codecrdt]`` table, looking from
a folder upward (as ruff does with ``[tool.ruff]``), or from a file named explicitly::

    [tool.codecrdt]
    select = ["duplicate-import", "duplicate-declaration"]  # enabled codes (default: all)
    exclude = ["generated/", "*.pb.py"]  # gitignore-style, relative to this file's folder
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pathspec

from codecrdt.analysis.detect import CODES

__all__ = ["CheckConfig", "ConfigError", "find_config", "load_config", "read_config"]

_KEYS = ("select", "exclude")


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class CheckConfig:
    #: The enabled codes, in :data:`codecrdt.analysis.detect.CODES` order.
    select: tuple[str, ...] = tuple(CODES)
    #: Gitignore-style patterns of excluded paths, relative to :attr:`root`.
    exclude: tuple[str, ...] = ()
    #: The folder ``exclude`` patterns are relative to (the configuration file's folder).
    root: Path | None = None
    #: The file the configuration was read from; None for the defaults.
    path: Path | None = None

    def is_excluded(self, path: str | os.PathLike[str], *, is_dir: bool = False) -> bool:
        """Whether ``path`` matches an ``exclude`` pattern (False outside :attr:`root`)."""
        if not self.exclude or self.root is None:
            return False
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(self.root))
        if (
            relative == os.curdir
            or relative == os.pardir
            or relative.startswith(os.pardir + os.sep)
        ):
            return False
        name = Path(relative).as_posix() + ("/" if is_dir else "")
        return _spec(self.exclude).match_file(name)


_SPECS: dict[tuple[str, ...], pathspec.GitIgnoreSpec] = {}


def _spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    spec = _SPECS.get(patterns)
    if spec is None:
        spec = _SPECS[patterns] = pathspec.GitIgnoreSpec.from_lines(patterns)
    return spec


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest ``pyproject.toml`` at or above ``start`` with a ``[tool.codecrdt]`` table."""
    folder = Path(os.path.abspath(start))
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if not path.is_file():
            continue
        table = _tool_table(_read_toml(path))
        if table is not None:
            return path, table
    return None


def load_config(start: Path) -> CheckConfig:
    """The configuration that applies at ``start`` (a folder or a file); defaults if none.

    Raises :class:`ConfigError` for unreadable or invalid configuration.
    """
    found = find_config(start)
    if found is None:
        return CheckConfig()
    path, table = found
    return _parse(path, table)


def read_config(path: Path) -> CheckConfig:
    """The ``[tool.codecrdt]`` table of the TOML file ``path`` (as ``--config`` names it)."""
    table = _tool_table(_read_toml(path))
    if table is None:
        raise ConfigError(f"{path}: no [tool.codecrdt] table")
    return _parse(path, table)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _tool_table(data: dict[str, Any]) -> dict[str, Any] | None:
    tool = data.get("tool")
    table = tool.get("codecrdt") if isinstance(tool, dict) else None
    return table if isinstance(table, dict) else None


def _parse(path: Path, table: dict[str, Any]) -> CheckConfig:
    where = f"{path}: [tool.codecrdt]"
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {', '.join(map(repr, unknown))} (known: {', '.join(_KEYS)})"
        )
    select = tuple(CODES)
    if "select" in table:
        chosen = _strings(table["select"], f"{where} select")
        bad = [code for code in chosen if code not in CODES]
        if bad:
            raise ConfigError(
                f"{where} select: unknown code {', '.join(map(repr, bad))} "
                f"(known: {', '.join(CODES)})"
            )
        select = tuple(code for code in CODES if code in chosen)
    exclude = tuple(_strings(table.get("exclude", []), f"{where} exclude"))
    try:
        _spec(exclude)
    except Exception as error:  # pathspec raises several kinds for a malformed pattern
        raise ConfigError(f"{where} exclude: {error}") from None
    return CheckConfig(
        select=select, exclude=exclude, root=Path(os.path.abspath(path)).parent, path=path
    )


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: expected a list of strings, got {value!r}")
    return list(value)
