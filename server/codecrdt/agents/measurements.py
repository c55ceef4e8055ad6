"""What runs measured of each provider and task, kept between runs for ``--mode auto``.

Every model request of a run is timed (:class:`RequestTiming`: input tokens, first-token
time, output tokens and how long they streamed, how many streams ran beside it). After a
run its timings are added to a small JSON file, per provider, model and endpoint, and the
size of what the task wrote is kept per task (the hash of its language and spec). The next
``--mode auto`` reads them to estimate how long each mode would take
(:mod:`codecrdt.agents.automode`).

The file lives in the user's cache folder — ``$CODECRDT_MEASUREMENTS`` when set (the
configured place), else ``$XDG_CACHE_HOME/codecrdt/measurements.json``, else
``~/.cache/codecrdt/measurements.json`` — never in a workspace unless configured there. It
holds no key, no prompt and no spec: provider and model names, the endpoint's scheme, host
and port (no user name, password, path or query), numbers, and the spec's hash. Writes are
atomic (a temporary file beside it, then a rename); a file that cannot be read or parsed is
ignored with a warning, never a failed run; a sample set is capped (the newest kept).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import tempfile
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "ENV_PATH",
    "MeasurementStore",
    "ProviderKey",
    "RequestTiming",
    "TaskRecord",
    "default_path",
    "safe_endpoint",
    "task_key",
]

logger = logging.getLogger(__name__)

#: The configured place of the file (overrides the cache folder).
ENV_PATH = "CODECRDT_MEASUREMENTS"
FORMAT = 1
#: The newest requests kept per provider, and the most tasks kept.
MAX_REQUESTS = 64
MAX_TASKS = 200


@dataclass(frozen=True, slots=True)
class RequestTiming:
    """One model request as it was measured (seconds on the run's clock)."""

    role: str
    input_tokens: int
    cached_tokens: int
    #: From sending the request to its first text.
    first_token_s: float
    output_tokens: int
    #: From the first text to the end of the stream.
    output_s: float
    #: The mean number of requests streaming at once while this one streamed (itself too).
    streams: float
    #: Characters of text it streamed.
    chars: int = 0

    @classmethod
    def from_json(cls, data: Any) -> RequestTiming | None:
        """A timing from the file, or None when malformed (skipped, not fatal)."""
        if not isinstance(data, dict):
            return None
        try:
            values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
            timing = cls(**values)
        except TypeError:
            return None
        numbers = (
            timing.input_tokens,
            timing.cached_tokens,
            timing.first_token_s,
            timing.output_tokens,
            timing.output_s,
            timing.streams,
            timing.chars,
        )
        if not isinstance(timing.role, str) or not all(
            isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n) and n >= 0
            for n in numbers
        ):
            return None
        return timing


@dataclass(frozen=True, slots=True)
class ProviderKey:
    """Which server's speed a measurement is of: the provider, the model, the endpoint."""

    provider: str
    model: str
    #: ``scheme://host:port`` (see :func:`safe_endpoint`), or "" for the provider's own.
    endpoint: str = ""

    @property
    def id(self) -> str:
        return f"{self.provider}|{self.model}|{self.endpoint}"

    def describe(self) -> str:
        where = f" at {self.endpoint}" if self.endpoint else ""
        return f"{self.provider} {self.model or '(default model)'}{where}"


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """What a task (one spec, one language) wrote in earlier runs: means over ``runs``."""

    runs: int
    #: Characters of the sequential writer's file (None: no sequential run yet).
    sequential_chars: float | None = None
    #: Characters a parallel run wrote in all: the outline and every TODO.
    parallel_chars: float | None = None
    outline_chars: float | None = None
    todos: float | None = None

    @classmethod
    def from_json(cls, data: Any) -> TaskRecord | None:
        if not isinstance(data, dict) or not isinstance(data.get("runs"), int):
            return None
        values: dict[str, Any] = {"runs": data["runs"]}
        for name in ("sequential_chars", "parallel_chars", "outline_chars", "todos"):
            value = data.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                values[name] = float(value)
        return cls(**values)


def safe_endpoint(url: str | None) -> str:
    """``scheme://host:port`` of ``url``: no user name, password, path or query (where a
    key could hide). "" for None or what is not a URL."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return ""
    if not parts.scheme or not host:
        return ""
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def task_key(language: str, spec: str) -> str:
    """The task's name in the file: a hash of its language and spec (not the spec)."""
    return hashlib.sha256(f"{language}\n{spec.strip()}".encode()).hexdigest()[:16]


def default_path() -> Path:
    """``$CODECRDT_MEASUREMENTS``, else ``codecrdt/measurements.json`` in the user's
    cache folder (``$XDG_CACHE_HOME`` when it is an absolute path, else ``~/.cache``)."""
    configured = os.environ.get(ENV_PATH)
    if configured:
        return Path(configured).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(cache) if cache and Path(cache).is_absolute() else Path.home() / ".cache"
    return base / "codecrdt" / "measurements.json"


class MeasurementStore:
    """The measurements file: read on demand, written atomically.

    ``problem`` says why the file was last found unreadable (it was then ignored).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else default_path()
        self.problem: str | None = None

    # -- reading ------------------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        self.problem = None
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as error:
            return self._unreadable(f"cannot be read ({error})")
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            return self._unreadable(f"is not valid JSON ({error.msg}, line {error.lineno})")
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return self._unreadable(f"is not a measurements file of format {FORMAT}")
        return data

    def _unreadable(self, why: str) -> dict[str, Any]:
        self.problem = f"the measurements file {self.path} {why}; ignored"
        logger.warning("%s", self.problem)
        return {}

    def requests(self, key: ProviderKey) -> list[RequestTiming]:
        """The measured requests of ``key``'s server, oldest first."""
        entry = _table(self._load(), "providers").get(key.id)
        if not isinstance(entry, dict) or not isinstance(entry.get("requests"), list):
            return []
        timings = (RequestTiming.from_json(item) for item in entry["requests"])
        return [t for t in timings if t is not None]

    def task(self, key: str) -> TaskRecord | None:
        return TaskRecord.from_json(_table(self._load(), "tasks").get(key))

    # -- writing ------------------------------------------------------------------------

    def record(
        self,
        key: ProviderKey,
        timings: list[RequestTiming],
        *,
        task: str | None = None,
        mode: str | None = None,
        chars: dict[str, float] | None = None,
        todos: int | None = None,
    ) -> bool:
        """Add a run's measurements: its request ``timings``; with ``task``, what it wrote
        (``chars`` per role: ``sequential``, ``outliner``, ``implementer``; ``todos``).
        False (and a warning) when the file could not be written."""
        data = self._load()
        data = {
            "format": FORMAT,
            "providers": _table(data, "providers"),
            "tasks": _table(data, "tasks"),
        }
        now = time.time()
        if timings:
            entry = data["providers"].get(key.id)
            kept = entry.get("requests", []) if isinstance(entry, dict) else []
            kept = [t for t in kept if RequestTiming.from_json(t) is not None]
            kept += [asdict(t) for t in timings]
            data["providers"][key.id] = {
                "provider": key.provider,
                "model": key.model,
                "endpoint": key.endpoint,
                "updated": round(now),
                "requests": kept[-MAX_REQUESTS:],
            }
        if task is not None and mode is not None and chars:
            data["tasks"][task] = _merged_task(
                TaskRecord.from_json(data["tasks"].get(task)), mode, chars, todos, now
            )
            if len(data["tasks"]) > MAX_TASKS:
                newest = sorted(
                    data["tasks"].items(),
                    key=lambda item: item[1].get("updated", 0) if isinstance(item[1], dict) else 0,
                )[-MAX_TASKS:]
                data["tasks"] = dict(newest)
        if not timings and task is None:
            return True
        try:
            self._write(json.dumps(data, indent=1, sort_keys=True) + "\n")
        except OSError as error:
            logger.warning("measurements not saved to %s: %s", self.path, error)
            return False
        return True

    def _write(self, text: str) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".measurements-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as sink:
                sink.write(text)
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


#: Earlier runs count at most this much in a task's means (later runs move them).
_TASK_MEMORY = 4


def _merged_task(
    old: TaskRecord | None, mode: str, chars: dict[str, float], todos: int | None, now: float
) -> dict[str, Any]:
    record = asdict(old) if old is not None else {"runs": 0}
    weight = min(record["runs"], _TASK_MEMORY)

    def mean(name: str, value: float | None) -> None:
        if value is None:
            return
        before = record.get(name)
        record[name] = value if before is None else (before * weight + value) / (weight + 1)

    if mode == "sequential":
        mean("sequential_chars", chars.get("sequential"))
    else:
        outline = chars.get("outliner", 0.0)
        mean("parallel_chars", outline + chars.get("implementer", 0.0))
        mean("outline_chars", outline)
        mean("todos", None if not todos else float(todos))
    record["runs"] += 1
    record["updated"] = round(now)
    return {k: (round(v, 1) if isinstance(v, float) else v) for k, v in record.items()}


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    table = data.get(name)
    return dict(table) if isinstance(table, dict) else {}
