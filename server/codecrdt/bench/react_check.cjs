// The functional check of a generated React component (a bundled TSX task's final file):
// the TypeScript compiler's type check against React's types, then one render in a
// browser-like document (jsdom) with React's client renderer, effects included.
// Used by codecrdt.bench.functional.
//
//   node react_check.cjs PREFIX FILE.tsx
//
// PREFIX is the npm prefix of scripts/install-react-check.sh (typescript, @types/react,
// react, react-dom, jsdom). Prints one JSON object on the last line of stdout:
//   {"typecheck": {"errors": N, "messages": [...]},
//    "render": {"ok": bool, "error": string | null, "elements": N}}
// A render passes when nothing throws (while the module loads, during the render and its
// effects, or on unmount) and the component renders at least one element.
"use strict";
const path = require("path");
const fs = require("fs");
const Module = require("module");

const [prefix, file] = process.argv.slice(2);
const modules = path.join(prefix, "node_modules");
const ts = require(path.join(modules, "typescript"));
const out = process.stdout.write.bind(process.stdout);
// What the component prints must not mix with the answer.
console.log = console.info = console.debug = (...args) => console.error(...args);

function typecheck() {
  const options = {
    noEmit: true,
    strict: true,
    jsx: ts.JsxEmit.ReactJSX,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
    skipLibCheck: true,
    types: [],
    // React's types, not its JavaScript (installed beside them).
    paths: { "*": [path.join(modules, "@types", "*"), path.join(modules, "*")] },
  };
  const program = ts.createProgram([file], options);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  const messages = diagnostics.slice(0, 20).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n").split("\n")[0];
    if (d.file && d.start !== undefined) {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return `TS${d.code} line ${line + 1}: ${text}`;
    }
    return `TS${d.code}: ${text}`;
  });
  return { errors: diagnostics.length, messages };
}

function describe(error) {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

async function render() {
  const { JSDOM } = require(path.join(modules, "jsdom"));
  const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>', {
    url: "http://localhost/",
    pretendToBeVisual: true,
  });
  const { window } = dom;
  for (const key of Object.getOwnPropertyNames(window)) {
    if (key in globalThis) continue;
    try {
      globalThis[key] = window[key];
    } catch {
      // a property jsdom does not let us read here: the component cannot need it either
    }
  }
  globalThis.window = window;
  globalThis.document = window.document;
  globalThis.IS_REACT_ACT_ENVIRONMENT = true;

  const errors = [];
  window.addEventListener("error", (event) => {
    event.preventDefault();
    errors.push(event.error ?? event.message);
  });
  process.on("uncaughtException", (error) => errors.push(error));
  process.on("unhandledRejection", (error) => errors.push(error));

  const load = Module.createRequire(path.join(modules, "index.js"));
  const React = load("react");
  const { createRoot } = load("react-dom/client");
  const act = React.act ?? load("react-dom/test-utils").act;

  const source = fs.readFileSync(file, "utf8");
  const compiled = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      jsx: ts.JsxEmit.ReactJSX,
      target: ts.ScriptTarget.ES2020,
      esModuleInterop: true,
    },
    fileName: file,
  }).outputText;
  const exported = { exports: {} };
  try {
    new Function("require", "module", "exports", compiled)(load, exported, exported.exports);
  } catch (error) {
    return { ok: false, error: `while loading the module: ${describe(error)}`, elements: 0 };
  }
  const moduleExports = exported.exports;
  const stem = path.basename(file).replace(/\.[^.]*$/, "");
  const Component =
    moduleExports.default ??
    moduleExports[stem] ??
    Object.values(moduleExports).find((value) => typeof value === "function");
  if (typeof Component !== "function") {
    return { ok: false, error: "the module exports no component", elements: 0 };
  }
  const container = window.document.getElementById("root");
  let root = null;
  try {
    await act(async () => {
      root = createRoot(container);
      root.render(React.createElement(Component));
    });
  } catch (error) {
    errors.push(error);
  }
  const elements = container.querySelectorAll("*").length;
  try {
    if (root) await act(async () => root.unmount());
  } catch (error) {
    errors.push(error);
  }
  if (errors.length) return { ok: false, error: describe(errors[0]), elements };
  if (!elements) return { ok: false, error: "the component rendered nothing", elements };
  return { ok: true, error: null, elements };
}

(async () => {
  const result = { typecheck: typecheck(), render: null };
  try {
    result.render = await render();
  } catch (error) {
    result.render = { ok: false, error: describe(error), elements: 0 };
  }
  out("\n" + JSON.stringify(result) + "\n", () => process.exit(0));
})();
