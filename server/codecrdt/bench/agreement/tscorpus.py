"""Seeded "merged-agent" React modules (TSX, and TS for the hooks and helpers without JSX).

Each module is a small feature of a React app — a list of some domain's records with its
types, constants, a fetch helper, formatting helpers, a hook and components — whose parts
are handed to two or three "agents". The agents then do what concurrent writers do:
import again a hook the header imports, write a helper another agent wrote (the same, with
another body, or with other parameters; as a function declaration or a ``const`` arrow
function), give a top-level constant another value (or the same), call a helper by a name
nobody defined (``loadItems`` for ``readItems``), use a component or icon nobody imported,
call a helper with an argument more or less, and drop a hook from the React import while
the code still calls it. Each injection is recorded with its line; the labels come from
the TypeScript compiler (:mod:`codecrdt.bench.agreement.oracles`). The base modules are
this project's own (MIT).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from codecrdt.bench.agreement.pycorpus import Injection, Module

__all__ = ["generate"]

_DOMAINS = [
    ("Task", "task", "tasks", "title"),
    ("Order", "order", "orders", "customer"),
    ("User", "user", "users", "email"),
    ("Invoice", "invoice", "invoices", "number"),
    ("Ticket", "ticket", "tickets", "subject"),
    ("Project", "project", "projects", "name"),
    ("Comment", "comment", "comments", "body"),
    ("Product", "product", "products", "sku"),
]

_HEADER = 'import {{ {hooks} }} from "react";\nimport type {{ ReactNode }} from "react";\n'

_TYPES = """export interface {N} {{
  id: string;
  {field}: string;
  updatedAt: string;
  score: number;
}}

type {N}ItemProps = {{
  item: {N};
  selected: boolean;
  onSelect: (id: string) => void;
}}

type {N}ListProps = {{ filter: string; header?: ReactNode }};
"""

_CONSTANTS = [
    "const MAX_{UP} = {count};",
    'const API_BASE = "/api/{ns}";',
    "const DEBOUNCE_MS = {ms};",
]

#: name → (declaration as a function, parameters with types, body lines, call arguments).
_HELPERS: dict[str, tuple[str, str, list[str]]] = {
    "formatDate": (
        "value: string",
        "string",
        [
            "  const date = new Date(value);",
            '  return date.toLocaleDateString("en-GB", {{ day: "numeric", month: "short" }});',
        ],
    ),
    "clampScore": (
        "value: number, min: number, max: number",
        "number",
        ["  return Math.min(max, Math.max(min, value));"],
    ),
    "classNames": (
        "...names: Array<string | false | undefined>",
        "string",
        ['  return names.filter(Boolean).join(" ");'],
    ),
    "sort{NS}": (
        "items: {N}[], key: keyof {N}",
        "{N}[]",
        ["  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));"],
    ),
}

_READER = """export async function read{NS}(url: string): Promise<{N}[]> {{
  const response = await fetch(url);
  if (!response.ok) {{
    throw new Error(`${{response.status}} ${{response.statusText}}`);
  }}
  return (await response.json()) as {N}[];
}}
"""

_HOOK = """export function useDebounced<T>(value: T, delay: number = DEBOUNCE_MS): T {{
  const [current, setCurrent] = useState(value);
  useEffect(() => {{
    const timer = setTimeout(() => setCurrent(value), delay);
    return () => clearTimeout(timer);
  }}, [value, delay]);
  return current;
}}
"""

_ITEM = """function {N}Item({{ item, selected, onSelect }}: {N}ItemProps) {{
  return (
    <li
      className={{classNames("{n}-item", selected && "selected")}}
      onClick={{() => onSelect(item.id)}}
    >
      <span>{{item.{field}}}</span>
      <small>{{formatDate(item.updatedAt)}}</small>
      <meter value={{clampScore(item.score, 0, 100)}} max={{100}} />
    </li>
  );
}}
"""

_LIST = """export function {N}List({{ filter, header }}: {N}ListProps) {{
  const [items, setItems] = useState<{N}[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const query = useDebounced(filter);
  useEffect(() => {{
    read{NS}(`${{API_BASE}}?q=${{encodeURIComponent(query)}}`).then(setItems, console.error);
  }}, [query]);
  const visible = useMemo(
    () => sort{NS}(items, "{field}").slice(0, MAX_{UP}),
    [items],
  );
  const select = useCallback((id: string) => setSelected(id), []);
  return (
    <section>
      {{header}}
      <ul>
        {{visible.map((item) => (
          <{N}Item
            key={{item.id}}
            item={{item}}
            selected={{item.id === selected}}
            onSelect={{select}}
          />
        ))}}
      </ul>
    </section>
  );
}}
"""

_HOOKS = ["useState", "useEffect", "useMemo", "useCallback"]
#: Components and icons an agent may use without importing them.
_STRANGERS = ["Badge", "Spinner", "ChevronIcon", "EmptyState", "Tooltip"]


@dataclass
class _Piece:
    agent: int
    lines: list[str]
    injection: tuple[str, str, str] | None = None  # kind, name, code (on its first line)
    #: Edits made inside the piece: kind, name, code, 0-based line in the piece.
    edits: list[tuple[str, str, str, int]] = field(default_factory=list)


def generate(seed: int, count: int) -> list[Module]:
    """``count`` modules (about one in five a ``.ts`` without JSX), the same for one seed."""
    modules = []
    for index in range(count):
        rng = random.Random(f"{seed}:{index}")
        jsx = rng.random() > 0.2
        module = _module(rng, jsx)
        suffix = "tsx" if jsx else "ts"
        module.id = f"{suffix}{index:03d}_{module.source}.{suffix}"
        modules.append(module)
    return modules


def _module(rng: random.Random, jsx: bool) -> Module:
    big, small, plural, key = rng.choice(_DOMAINS)
    names = {
        "N": big,
        "n": small,
        "NS": plural.capitalize(),
        "UP": plural.upper(),
        "ns": plural,
        "field": key,
        "count": str(rng.choice((10, 20, 50))),
        "ms": str(rng.choice((150, 250, 400))),
    }

    def fill(text: str) -> str:
        return text.format(**names)

    agents = rng.choice((2, 2, 3))
    helpers = list(_HELPERS)
    rng.shuffle(helpers)
    body: list[tuple[str, str]] = [("types", fill(_TYPES))]
    body += [("constant", fill(c)) for c in _CONSTANTS]
    body += [("helper:" + name, _helper(name, fill)) for name in helpers]
    body += [("reader", fill(_READER)), ("hook", fill(_HOOK))]
    if jsx:
        body += [("item", fill(_ITEM)), ("list", fill(_LIST))]
    hooks = ["useState", "useEffect"] + (["useMemo", "useCallback"] if jsx else [])
    cuts = sorted(rng.sample(range(1, len(body)), agents - 1))
    owner = [sum(1 for c in cuts if i >= c) for i in range(len(body))]
    pieces = [_Piece(0, _HEADER.format(hooks=", ".join(hooks)).splitlines())]
    pieces += [_Piece(owner[i], text.rstrip("\n").splitlines()) for i, (_, text) in enumerate(body)]

    # The agents' doings.
    reimported = ""
    if rng.random() < 0.6:
        hook = reimported = rng.choice(hooks)
        line = f'import {{ {hook} }} from "react";'
        _insert(pieces, rng, 1, line, ("reimport", hook, "duplicate-import"))
    if rng.random() < 0.6:
        name = rng.choice(helpers)
        variant = rng.choice(("same", "body", "signature", "arrow"))
        text = _helper(name, fill, variant)
        code = "conflicting-signature" if variant == "signature" else "duplicate-declaration"
        where = max(1, owner[[k for k, _ in body].index("helper:" + name)] + 1)
        if where < agents:
            _insert(pieces, rng, where, text, (f"helper-{variant}", fill(name), code))
    if rng.random() < 0.6:
        constant = fill(rng.choice(_CONSTANTS))
        name, _, value = constant.removeprefix("const ").rstrip(";").partition(" = ")
        if rng.random() < 0.3:
            kind, code, line = "constant-same", "duplicate-declaration", constant
        else:
            new = f'"{value.strip(chr(34))}/v2"' if value.startswith('"') else str(int(value) * 2)
            kind, code, line = "constant-new", "conflicting-value", f"const {name} = {new};"
        _insert(pieces, rng, agents - 1, line, (kind, name, code))
    if rng.random() < 0.3:
        _member(pieces, rng, names)
    if rng.random() < 0.5:
        _rename(pieces, rng, names["NS"])
    if jsx and rng.random() < 0.5:
        _stranger(pieces, rng)
    if rng.random() < 0.5:
        _arity(pieces, rng)
    if rng.random() < 0.3:
        _drop_hook(pieces, rng, [h for h in hooks[1:] if h != reimported])

    module = Module("", small, "")
    out: list[str] = []
    current = -1
    for piece in pieces:
        if piece.agent != current:
            out += ["", f"// agent {piece.agent + 1}"] if piece.agent > 0 else []
            current = piece.agent
        elif out:
            out.append("")
        start = len(out)
        if piece.injection:
            kind, name, code = piece.injection
            module.injections.append(Injection(kind, start + 1, name, code))
        for kind, name, code, line in piece.edits:
            module.injections.append(Injection(kind, start + line + 1, name, code))
        out += piece.lines
    module.text = "\n".join(out) + "\n"
    module.injections.sort(key=lambda i: (i.line, i.kind, i.name))
    return module


def _helper(name: str, fill: Callable[[str], str], variant: str = "plain") -> str:
    params, returns, body = _HELPERS[name]
    name, params, returns = fill(name), fill(params), fill(returns)
    body = [fill(line) for line in body]
    if variant == "body":
        body = ["  // rewritten by another agent", *body]
    elif variant == "signature":
        params = f"{params}, locale?: string"
    if variant == "arrow":
        return "\n".join([f"const {name} = ({params}): {returns} => {{", *body, "};"])
    return "\n".join([f"function {name}({params}): {returns} {{", *body, "}"])


def _insert(
    pieces: list[_Piece],
    rng: random.Random,
    agent: int,
    text: str,
    injection: tuple[str, str, str],
) -> None:
    positions = [i for i, p in enumerate(pieces) if p.agent == agent]
    if not positions:
        return
    at = rng.choice([positions[0], positions[-1] + 1])
    pieces.insert(at, _Piece(agent, text.splitlines(), injection))


def _edit(
    pieces: list[_Piece],
    rng: random.Random,
    needle: str,
    replace: str,
    injection: tuple[str, str, str],
    *,
    skip_declarations: bool = True,
) -> bool:
    """Replace ``needle`` on one line that uses it (not where it is declared)."""
    sites = [
        (p, i)
        for p in pieces
        for i, line in enumerate(p.lines)
        if needle in line
        and not (skip_declarations and line.lstrip().startswith(("function ", "const ", "export ")))
        and not line.lstrip().startswith("import")
    ]
    if not sites:
        return False
    piece, index = rng.choice(sites)
    piece.lines = list(piece.lines)
    piece.lines[index] = piece.lines[index].replace(needle, replace, 1)
    piece.edits.append((*injection, index))
    return True


def _member(pieces: list[_Piece], rng: random.Random, names: dict[str, str]) -> None:
    """Another agent adds a field the type already has (the same type, or another)."""
    field_type = rng.choice(("string", "string", "number"))
    line = f"  {names['field']}: {field_type};"
    types = next(p for p in pieces if any(" interface " in x for x in p.lines))
    at = types.lines.index("}")
    types.lines = [*types.lines[:at], line, *types.lines[at:]]
    types.edits.append(("member", names["field"], "duplicate-member", at))


def _rename(pieces: list[_Piece], rng: random.Random, plural: str) -> None:
    old, new = rng.choice(
        [
            (f"read{plural}(", f"load{plural}("),
            ("formatDate(", "formatDay("),
            ("clampScore(", "clamp("),
            (f"sort{plural}(", f"sorted{plural}("),
        ]
    )
    _edit(pieces, rng, old, new, ("rename", f"{new[:-1]} for {old[:-1]}", "undefined-name"))


def _stranger(pieces: list[_Piece], rng: random.Random) -> None:
    tag = rng.choice(_STRANGERS)
    target = "<small>" if rng.random() < 0.5 else "<span>"
    _edit(pieces, rng, target, f"<{tag} />{target}", ("stranger", tag, "undefined-name"))


def _arity(pieces: list[_Piece], rng: random.Random) -> None:
    old, new, kind = rng.choice(
        [
            ("formatDate(item.updatedAt)", 'formatDate(item.updatedAt, "short")', "call-extra"),
            ("clampScore(item.score, 0, 100)", "clampScore(item.score, 0)", "call-missing"),
            ("useDebounced(filter)", "useDebounced(filter, 100, true)", "call-extra"),
        ]
    )
    _edit(pieces, rng, old, new, (kind, old.split("(")[0], "arity-mismatch"))


def _drop_hook(pieces: list[_Piece], rng: random.Random, hooks: list[str]) -> None:
    """An agent drops one of ``hooks`` (never the header's first) from the React import."""
    if not hooks:
        return
    hook = rng.choice(hooks)
    header = pieces[0]
    line = header.lines[0]
    if f"{hook}, " in line:
        header.lines = [line.replace(f"{hook}, ", "", 1), *header.lines[1:]]
    else:
        header.lines = [line.replace(f", {hook}", "", 1), *header.lines[1:]]
    header.edits.append(("import-removed", hook, "undefined-name", 0))
