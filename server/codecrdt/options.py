"""Typed server options, read from ``initializationOptions`` (camelCase keys)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["MAX_FILE_BYTES", "ServerOptions"]

#: Files larger than this (UTF-8 bytes) are not mirrored: 8 MiB.
MAX_FILE_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class ServerOptions:
    #: How long agent edits are gathered before one ``applyEdit`` goes out.
    batch_delay_ms: int = 20
    #: How long to wait for an answer to ``applyEdit`` before treating it as lost.
    answer_timeout_ms: int = 5000
    #: How long after an answer without a matching ``didChange`` an edit is sent again.
    resend_after_ms: int = 1000
    #: Larger documents are refused with a message (UTF-8 bytes).
    max_file_bytes: int = MAX_FILE_BYTES

    @classmethod
    def from_json(cls, data: Any) -> tuple[ServerOptions, list[str]]:
        """Options from a JSON object, and a message for each value that was ignored."""
        if data is None:
            return cls(), []
        if not isinstance(data, dict):
            return cls(), [f"initializationOptions must be an object, not {type(data).__name__}"]
        fields = {_camel(f.name): f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        problems: list[str] = []
        for key, value in data.items():
            field = fields.get(key)
            if field is None:
                continue  # options of other features or later versions
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(f"{key} must be a non-negative integer; using {field.default}")
                continue
            values[field.name] = value
        return cls(**values), problems


def _camel(name: str) -> str:
    return re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)
