// The TypeScript compiler's findings for each file given, one program per file (lib and
// React type files parsed once and shared). Used by codecrdt.bench.agreement.oracles.
//
//   node tsc_oracle.cjs PREFIX [--syntax-only] FILE...
//
// PREFIX is the npm prefix of scripts/install-ts-corpora.sh (typescript, @types/react).
// Prints one JSON object per file: its statements' line spans, and each diagnostic with
// its code and line; for duplicate-identifier diagnostics also the declaration's kind,
// whether it is the first of its name in its scope, and its parameters.
"use strict";
const path = require("path");
const [prefix, ...rest] = process.argv.slice(2);
const syntaxOnly = rest[0] === "--syntax-only";
const files = syntaxOnly ? rest.slice(1) : rest;
const ts = require(path.join(prefix, "node_modules", "typescript"));

const modules = path.join(prefix, "node_modules");
const options = {
  noEmit: true,
  strict: true,
  jsx: ts.JsxEmit.ReactJSX,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
  types: [],
  // React's types, not its JavaScript (installed beside them as a peer dependency).
  paths: { "*": [path.join(modules, "@types", "*"), path.join(modules, "*")] },
};
const DUPLICATES = new Set([2300, 2451, 2393, 2323]);
const host = ts.createCompilerHost(options);
const shared = new Map();
const getSourceFile = host.getSourceFile.bind(host);
host.getSourceFile = (name, version, onError, create) => {
  if (files.includes(name)) return getSourceFile(name, version, onError, create);
  if (!shared.has(name)) shared.set(name, getSourceFile(name, version, onError, create));
  return shared.get(name);
};

function lineOf(sf, pos) {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

function isStatementLike(node) {
  return (
    (node.kind >= ts.SyntaxKind.FirstStatement && node.kind <= ts.SyntaxKind.LastStatement) ||
    ts.isFunctionDeclaration(node) ||
    ts.isClassDeclaration(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    ts.isEnumDeclaration(node) ||
    ts.isModuleDeclaration(node) ||
    ts.isImportDeclaration(node) ||
    ts.isImportEqualsDeclaration(node) ||
    ts.isExportDeclaration(node) ||
    ts.isExportAssignment(node) ||
    ts.isClassElement(node) ||
    ts.isTypeElement(node) ||
    ts.isPropertyAssignment(node) ||
    ts.isShorthandPropertyAssignment(node)
  );
}

function nodeAt(sf, pos) {
  let found = sf;
  const visit = (node) => {
    if (node.getStart(sf) <= pos && pos < node.end) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  ts.forEachChild(sf, visit);
  return found;
}

function isScope(node) {
  return (
    ts.isSourceFile(node) ||
    ts.isBlock(node) ||
    ts.isModuleBlock(node) ||
    ts.isClassLike(node) ||
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeLiteralNode(node) ||
    ts.isObjectLiteralExpression(node) ||
    ts.isFunctionLike(node)
  );
}

function describe(sf, identifier) {
  let decl = identifier.parent;
  while (decl && ts.isBindingElement(decl)) decl = decl.parent.parent;
  let kind = "other";
  let params = null;
  let init = null;
  if (ts.isImportSpecifier(decl) || ts.isImportClause(decl) || ts.isNamespaceImport(decl) ||
      ts.isImportEqualsDeclaration(decl)) {
    kind = "import";
  } else if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl) ||
             ts.isMethodSignature(decl)) {
    kind = "function";
    params = decl.parameters.map((p) => p.getText(sf).replace(/\s+/g, " ")).join(", ");
  } else if (ts.isClassDeclaration(decl)) {
    kind = "class";
  } else if (ts.isVariableDeclaration(decl)) {
    kind = "variable";
    const constant = (decl.parent.flags & ts.NodeFlags.Const) !== 0;
    if (constant && decl.initializer) init = decl.initializer.getText(sf).replace(/\s+/g, " ");
  } else if (ts.isTypeAliasDeclaration(decl)) {
    kind = "type";
  }
  const member = ts.isClassElement(decl) || ts.isTypeElement(decl) || ts.isObjectLiteralElement(decl);
  let scope = decl.parent;
  while (scope && !isScope(scope)) scope = scope.parent;
  if (scope && ts.isFunctionLike(scope) && scope.body) scope = scope.body;
  return { kind, params, init, member, scope: scope ? scope.pos : -1 };
}

let previous;
for (const file of files) {
  const program = ts.createProgram([file], options, host, previous);
  previous = program;
  const sf = program.getSourceFile(file);
  const statements = [];
  const walk = (node) => {
    if (isStatementLike(node)) {
      statements.push([lineOf(sf, node.getStart(sf)), lineOf(sf, node.end)]);
    }
    ts.forEachChild(node, walk);
  };
  ts.forEachChild(sf, walk);
  const diagnostics = [];
  for (const d of program.getSyntacticDiagnostics(sf)) {
    diagnostics.push({ code: "syntax", line: lineOf(sf, d.start), tsCode: d.code });
  }
  const duplicates = [];
  for (const d of syntaxOnly ? [] : program.getSemanticDiagnostics(sf)) {
    if (d.file !== sf || d.start === undefined) continue;
    const item = { code: `TS${d.code}`, line: lineOf(sf, d.start) };
    if (DUPLICATES.has(d.code)) {
      const node = nodeAt(sf, d.start);
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node) || ts.isStringLiteral(node)) {
        Object.assign(item, { name: node.text, pos: node.getStart(sf) }, describe(sf, node));
        duplicates.push(item);
      }
    }
    diagnostics.push(item);
  }
  const groups = new Map();
  for (const item of duplicates) {
    const key = `${item.scope}:${item.name}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  for (const group of groups.values()) {
    group.sort((a, b) => a.pos - b.pos);
    const first = group[0];
    for (const item of group) {
      item.first = item === first;
      item.firstKind = first.kind;
      item.firstParams = first.params;
      item.firstInit = first.init;
    }
  }
  process.stdout.write(JSON.stringify({ file, statements, diagnostics }) + "\n");
}
