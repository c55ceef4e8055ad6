#!/usr/bin/env node
// End-to-end test of the CodeCRDT VS Code extension in a real VS Code (code-server 4.139.1)
// driven through headless Chromium with playwright-core. No network and no model: the
// server runs the scripted provider (prepared output, "inventory-cli"), once the test has
// checked that without a configured provider the command offers the setup quick pick.
//
//   node extension/e2e/run.mjs
//
// What it does, and what each step shows (summary.json lists the steps and what was seen):
//  1. installs the .vsix into code-server and opens a temporary workspace in Chromium;
//  2. notes.py holds `import json` twice: the duplicate-import diagnostic (source codecrdt)
//     reaches the Problems panel, so the extension started `codecrdt serve`;
//  3. Ctrl+. there offers "Remove the duplicate import of 'json'"; applying it leaves one
//     import in the editor and, after Ctrl+S, on disk, and the problem goes away;
//  4a. with no provider configured (no key, no base URL, no codecrdt.provider), the same
//     command is refused by the server and offers one quick pick: Set API Key, Use a Local
//     Model, Run the Offline Demo; inventory.py stays empty. Then the user settings name
//     the scripted provider;
//  4. "CodeCRDT: Generate File in Parallel…" on the empty inventory.py asks for a spec and
//     an agent count (3); while the agents write, their decorations show (a background per
//     region, an "◀ impl-N writing <todo>" label) and so does the run's progress;
//  5. a line typed at the top during the run is in the editor at once, and after the run
//     and Ctrl+S the file on disk holds it exactly once, with the generated code
//     (`def main(`, valid Python) and no TODO(codecrdt:…) marker; no conflict is left.
//
// Environment (all optional):
//   CODE_SERVER, NODE24, CHROMIUM, PLAYWRIGHT_DIR   what scripts/install-code-server.sh prints;
//                                  when one is missing that script is run to get them
//   CODECRDT_VSIX                  the packaged extension (default extension/codecrdt.vsix)
//   CODECRDT_PYTHON                the interpreter with codecrdt installed (default: python3's)
//   CODECRDT_E2E_ARTIFACTS         screenshots and logs (default extension/e2e/artifacts)
//   CODECRDT_UPDATE_SCREENSHOT=1   copy the "decorations during the run" screenshot to
//                                  extension/images/screenshot.png
//   CODECRDT_E2E_TIMEOUT_S         the whole test's limit (default 240)
//   CODECRDT_E2E_KEEP=1            keep the temporary folder (workspace, profiles, logs)
//   CODECRDT_E2E_STRICT_LABELS=1   fail when an agent's label was seen away from its TODO's
//                                  marker line (otherwise a note, and summary.json's
//                                  observed.labelPlacements)
//   CODECRDT_E2E_DEBUG=1           more screenshots and log lines
//
// Exit status: 0 every check passed, 1 a check failed (the message says which), 2 the test
// could not be set up (missing vsix, tools).

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const started = Date.now();
const TYPED = '# typed during the run';
const TYPED_IMPLEMENT = '# typed while the TODOs were implemented';
const SPEC = 'A command-line inventory manager: add, remove and list items stored in a CSV file';
const FIX_TITLE = "Remove the duplicate import of 'json'";

let stopEverything = async () => {};
let stopping = false; // a signal or the time limit: main's errors are then only its consequences

class SetupError extends Error {}
class CheckError extends Error {}

function log(message) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${seconds}s] ${message}`);
}

function check(condition, message) {
  if (!condition) throw new CheckError(message);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what, probe, { timeout = 30_000, interval = 200 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new CheckError(`timed out after ${timeout / 1000} s waiting for ${what}`);
    await sleep(interval);
  }
}

// --- tools ---------------------------------------------------------------------------

function tools() {
  const wanted = ['CODE_SERVER', 'NODE24', 'CHROMIUM', 'PLAYWRIGHT_DIR'];
  const found = Object.fromEntries(wanted.map((name) => [name, process.env[name]]));
  if (wanted.some((name) => !found[name])) {
    log('running scripts/install-code-server.sh (the first time takes several minutes)');
    let out;
    try {
      out = execFileSync('bash', [path.join(repo, 'scripts', 'install-code-server.sh')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
    } catch (error) {
      throw new SetupError(`scripts/install-code-server.sh failed: ${error.message}`);
    }
    for (const line of out.split('\n')) {
      const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (match && wanted.includes(match[1]) && !found[match[1]]) found[match[1]] = match[2];
    }
  }
  for (const name of wanted) {
    if (!found[name] || !fs.existsSync(found[name])) {
      throw new SetupError(`${name} is not set or missing (${found[name]}); run scripts/install-code-server.sh`);
    }
  }
  return found;
}

function pythonPath() {
  if (process.env.CODECRDT_PYTHON) return process.env.CODECRDT_PYTHON;
  try {
    return execFileSync('python3', ['-c', 'import sys, codecrdt; print(sys.executable)'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new SetupError('python3 cannot import codecrdt: pip install -e . first (or set CODECRDT_PYTHON)');
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

// --- the workbench, through the DOM ---------------------------------------------------

const EDITOR = '.part.editor .editor-instance .monaco-editor';

/** The active editor's rendered lines, top to bottom (Monaco renders only those in view). */
async function visibleLines(page) {
  return page.evaluate((selector) => {
    const editor = document.querySelector(selector);
    if (!editor) return null;
    const rows = [...editor.querySelectorAll('.view-lines .view-line')];
    rows.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return rows.map((row) => row.textContent.replace(/\u00a0/g, ' '));
  }, EDITOR);
}

/** The agents' decorations in the active editor: `after` labels and coloured regions. */
async function decorations(page) {
  return page.evaluate((selector) => {
    const editor = document.querySelector(selector);
    const result = { labels: [], inView: [], backgrounds: 0, classes: [] };
    if (!editor) return result;
    const box = editor.querySelector('.lines-content')?.parentElement?.getBoundingClientRect()
      ?? editor.getBoundingClientRect();
    const labels = new Set();
    const inView = new Set();
    // Line numbers by the vertical position of a rendered line.
    const numberAt = new Map();
    for (const row of editor.querySelectorAll('.margin-view-overlays > div')) {
      const number = Number(row.querySelector('.line-numbers')?.textContent);
      if (number) numberAt.set(row.style.top, number);
    }
    const lineOf = (element) => numberAt.get(element.closest('.view-line')?.style.top) ?? null;
    const markers = new Map();
    for (const row of editor.querySelectorAll('.view-lines .view-line')) {
      const match = /TODO\(codecrdt:([\w.-]+)\)/.exec(row.textContent);
      if (match) markers.set(match[1], numberAt.get(row.style.top) ?? null);
    }
    result.placements = [];
    const classes = new Set();
    for (const element of editor.querySelectorAll('.view-overlays *, .view-lines *')) {
      const own = [...element.classList].filter((name) => name.startsWith('ced-'));
      for (const pseudo of ['::before', '::after']) {
        const content = getComputedStyle(element, pseudo).content;
        if (content && content !== 'none' && content !== 'normal' && /impl-/.test(content)) {
          const label = content.replace(/^"|"$/g, '').trim();
          labels.add(label);
          const todo = /impl-\d+ \S+ (\S+)/.exec(label)?.[1];
          if (todo && markers.has(todo)) {
            result.placements.push({ label, line: lineOf(element), marker: markers.get(todo) });
          }
          const rect = element.getBoundingClientRect();
          if (rect.right <= box.right && rect.bottom <= box.bottom && rect.top >= box.top) inView.add(label);
        }
      }
      if (!own.length) continue;
      own.forEach((name) => classes.add(name));
      const background = getComputedStyle(element).backgroundColor;
      if (background && background !== 'rgba(0, 0, 0, 0)' && background !== 'transparent') {
        result.backgrounds += 1;
      }
    }
    // A label rendered as injected text instead of a CSS pseudo-element.
    for (const span of editor.querySelectorAll('.view-lines span')) {
      if (span.children.length === 0 && /◀.*impl-/.test(span.textContent)) {
        labels.add(span.textContent.replace(/\u00a0/g, ' ').trim());
      }
    }
    result.labels = [...labels];
    result.inView = [...inView];
    result.classes = [...classes];
    return result;
  }, EDITOR);
}

/** The run's progress, wherever the workbench shows it: status bar (vscode-languageclient
 * shows LSP work-done progress there) or a notification. `active`: with a spinning icon or a
 * running progress bar, so that a summary left after the run does not count as running. */
async function progress(page) {
  return page.evaluate(() => {
    const pattern = /writing inventory\.py|\d+\/\d+ TODOs|outlining/;
    const texts = [];
    for (const item of document.querySelectorAll('.part.statusbar .statusbar-item')) {
      const text = (item.getAttribute('aria-label') || item.textContent || '').trim();
      const active = Boolean(item.querySelector('[class*="spin"], [class*="loading"]'));
      if (pattern.test(text)) texts.push({ where: 'statusbar', text, active });
    }
    for (const toast of document.querySelectorAll('.notifications-toasts .notification-toast')) {
      const text = toast.innerText.replace(/\s+/g, ' ').trim();
      const bar = toast.querySelector('.monaco-progress-container');
      const active = Boolean(bar && bar.offsetParent !== null && /active|infinite|discrete/.test(bar.className));
      if (pattern.test(text)) texts.push({ where: 'notification', text, active });
    }
    return texts;
  });
}

/** The line number at the top of the active editor's view. */
async function firstVisibleLine(page) {
  return page.evaluate((selector) => {
    const numbers = [...document.querySelectorAll(`${selector} .margin-view-overlays .line-numbers`)];
    numbers.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    return numbers.length ? Number(numbers[0].textContent) : null;
  }, EDITOR);
}

/** Scrolls the active editor down by most of a page, without moving the cursor; at the
 * end of the file, back to the top. Monaco renders only the lines in view, so this is how
 * the test looks for the agents' regions wherever they are in the file. */
async function scrollOn(page) {
  const box = await page.locator(EDITOR).first().boundingBox();
  if (!box) return;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const before = await firstVisibleLine(page);
  await page.mouse.wheel(0, box.height * 0.8);
  await sleep(80);
  if ((await firstVisibleLine(page)) === before) {
    await page.mouse.wheel(0, -1e6);
    await sleep(80);
  }
}

/** Puts the keyboard focus in the active editor: a click in the middle of its text. */
async function focusEditor(page) {
  const editor = page.locator(EDITOR).first();
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const box = await editor.boundingBox();
    if (box) await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const focused = await page.evaluate(
      (selector) => Boolean(document.activeElement?.closest(selector)), EDITOR);
    if (focused) return;
    await sleep(200);
  }
  throw new CheckError('cannot put the keyboard focus in the editor');
}

async function problemsText(page) {
  return page.evaluate(() => {
    const panel = document.querySelector('.markers-panel');
    return panel ? panel.innerText : null;
  });
}

async function openFromExplorer(page, name) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.dblclick();
  await page
    .locator('.part.editor .tabs-container .tab.active', { hasText: name })
    .waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator(EDITOR).first().waitFor({ state: 'visible' });
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first();
  try {
    await row.waitFor({ state: 'visible', timeout: 10_000 });
  } catch {
    throw new CheckError(`the command palette has no command "${title}"`);
  }
  await row.click();
}

// --- the test --------------------------------------------------------------------------

async function main() {
  const artifacts = path.resolve(process.env.CODECRDT_E2E_ARTIFACTS || path.join(here, 'artifacts'));
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const summary = { steps: [], observed: {} };
  const step = (name, proves) => {
    summary.steps.push({ name, proves, at_s: (Date.now() - started) / 1000 });
    log(`step: ${name}`);
  };

  const vsix = path.resolve(process.env.CODECRDT_VSIX || path.join(repo, 'extension', 'codecrdt.vsix'));
  if (!fs.existsSync(vsix)) {
    throw new SetupError(`${vsix} does not exist: build it with extension/scripts/build.sh`);
  }
  const python = pythonPath();
  const { CODE_SERVER, NODE24, CHROMIUM, PLAYWRIGHT_DIR } = tools();
  const { chromium } = createRequire(import.meta.url)(PLAYWRIGHT_DIR);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'codecrdt-e2e-'));
  const workspace = path.join(root, 'workspace');
  const userData = path.join(root, 'user-data');
  const extensions = path.join(root, 'extensions');
  const env = {
    ...process.env,
    PATH: `${path.dirname(NODE24)}${path.delimiter}${process.env.PATH}`,
    XDG_CONFIG_HOME: path.join(root, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(root, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(root, 'xdg', 'cache'),
  };
  // No key may leak into the run: the scripted provider needs none.
  delete env.ANTHROPIC_API_KEY;
  delete env.OPENAI_API_KEY;

  let codeServer;
  let browser;
  let page;
  const cleanup = async () => {
    if (browser) await browser.close().catch(() => {});
    browser = undefined;
    if (codeServer && codeServer.exitCode === null) {
      // code-server leads its own process group: the extension host and the language
      // server it started go with it.
      try { process.kill(-codeServer.pid, 'SIGTERM'); } catch {}
      const deadline = Date.now() + 5000;
      while (codeServer.exitCode === null && Date.now() < deadline) await sleep(100);
      try { process.kill(-codeServer.pid, 'SIGKILL'); } catch {}
    }
    codeServer = undefined;
  };
  const onSignal = (signal) => {
    stopping = true;
    log(`${signal}: stopping`);
    stopEverything().finally(() => process.exit(130));
  };
  stopEverything = async () => {
    await cleanup();
    if (process.env.CODECRDT_E2E_KEEP !== '1') fs.rmSync(root, { recursive: true, force: true });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // The workspace: a file with a conflict, an empty file to generate, and settings.
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'notes.py'), 'import json\nimport json\n');
    fs.writeFileSync(path.join(workspace, 'inventory.py'), '');
    // A skeleton the user wrote: the bundled task's outline, whose markers the scripted
    // provider has bodies for.
    fs.writeFileSync(path.join(workspace, 'skeleton.py'), execFileSync(python, ['-c',
      "from codecrdt.agents.script import load_script; print(load_script('inventory-cli').outline, end='')"],
      { encoding: 'utf8' }));
    // No provider at first (codecrdt.provider is a machine setting: user settings only).
    writeJson(path.join(workspace, '.vscode', 'settings.json'), {
      'codecrdt.python': python,
      'codecrdt.script': 'inventory-cli',
      'codecrdt.scriptedTimeScale': 3,
    });
    const userSettingsFile = path.join(userData, 'User', 'settings.json');
    const userSettings = {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      'update.mode': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': false,
      'git.enabled': false,
      'files.autoSave': 'off',
      'editor.minimap.enabled': false,
    };
    writeJson(userSettingsFile, userSettings);

    step('install the vsix', 'the packaged extension installs into code-server');
    const common = ['--user-data-dir', userData, '--extensions-dir', extensions];
    try {
      const out = execFileSync(CODE_SERVER, [...common, '--install-extension', vsix], {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
      fs.writeFileSync(path.join(artifacts, 'install-extension.log'), out);
    } catch (error) {
      throw new CheckError(`code-server --install-extension ${vsix} failed: ${error.stderr || error.message}`);
    }
    const installed = fs.readdirSync(extensions).filter((name) => !name.startsWith('.') && name !== 'extensions.json');
    check(installed.length > 0, `no extension in ${extensions} after --install-extension`);
    summary.observed.installed = installed;

    step('start code-server', 'code-server 4.139.1 runs on Node 24 and answers /healthz');
    const port = await freePort();
    const serverLog = fs.openSync(path.join(artifacts, 'code-server.log'), 'w');
    codeServer = spawn(
      CODE_SERVER,
      [
        ...common,
        '--bind-addr', `127.0.0.1:${port}`,
        '--auth', 'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
      ],
      { env, detached: true, stdio: ['ignore', serverLog, serverLog] },
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor('code-server /healthz', async () => {
      if (codeServer.exitCode !== null) throw new CheckError(`code-server exited with ${codeServer.exitCode}; see code-server.log`);
      try {
        return (await fetch(`${base}/healthz`)).ok;
      } catch {
        return false;
      }
    }, { timeout: 60_000 });

    step('open the workspace in Chromium', 'the workbench loads with the workspace folder');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    const consoleLog = fs.createWriteStream(path.join(artifacts, 'browser-console.log'));
    page.on('console', (message) => consoleLog.write(`[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => consoleLog.write(`[pageerror] ${error.message}\n`));
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench .part.editor').waitFor({ state: 'visible', timeout: 60_000 });
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'notes.py' })
      .first()
      .waitFor({ state: 'visible', timeout: 60_000 });
    await page.screenshot({ path: path.join(artifacts, '01-workbench.png') });

    // --- 1. a conflict in the Problems panel, and its quick fix --------------------------
    step('open notes.py and see the conflict',
      'the extension starts `codecrdt serve` and its diagnostics reach the Problems panel');
    await openFromExplorer(page, 'notes.py');
    await page.keyboard.press('Control+Shift+M');
    const problem = await waitFor('the duplicate-import diagnostic (source codecrdt) in the Problems panel', async () => {
      const text = await problemsText(page);
      return text && /json/.test(text) && /codecrdt/.test(text) && /imported again|duplicate/i.test(text) ? text : null;
    }, { timeout: 60_000 });
    summary.observed.problem = problem.replace(/\s+/g, ' ').trim();
    await page.screenshot({ path: path.join(artifacts, '02-problems.png') });
    const where = /Ln (\d+), Col (\d+)/.exec(problem);
    const [line, column] = where ? [Number(where[1]), Number(where[2])] : [2, 1];

    step('apply the quick fix', 'the server offers the deterministic fix and applying it edits the buffer');
    await focusEditor(page);
    await page.keyboard.press('Control+G');
    const gotoInput = page.locator('.quick-input-widget .quick-input-box input');
    await gotoInput.waitFor({ state: 'visible', timeout: 10_000 });
    await gotoInput.fill(`:${line}:${column}`);
    await page.keyboard.press('Enter');
    const action = page.locator('.action-widget .monaco-list-row, .context-view .monaco-list-row', { hasText: FIX_TITLE }).first();
    // The code actions may still be loading when Ctrl+. comes: ask again a few times.
    let offered = [];
    for (let attempt = 0; ; attempt += 1) {
      await waitFor('the focus back in the editor', () => page.evaluate(
        (selector) => Boolean(document.activeElement?.closest(selector)), EDITOR), { timeout: 5000 });
      await page.keyboard.press('Control+.');
      try {
        await action.waitFor({ state: 'visible', timeout: 5000 });
        summary.observed.quickFixAttempts = attempt + 1;
        if (attempt > 0) log(`note: the quick fix showed on Ctrl+. number ${attempt + 1} (before: ${JSON.stringify(offered)})`);
        break;
      } catch {
        offered = await page.locator('.action-widget, .context-view').allInnerTexts().catch(() => []);
        if (attempt === 3) {
          throw new CheckError(`Ctrl+. at line ${line}, column ${column} of notes.py does not offer "${FIX_TITLE}" (offered: ${JSON.stringify(offered)})`);
        }
        await page.keyboard.press('Escape');
        await sleep(500);
      }
    }
    summary.observed.quickFixes = (await page.locator('.action-widget').allInnerTexts().catch(() => [])).join(' | ');
    await page.screenshot({ path: path.join(artifacts, '03-quick-fix.png') });
    await action.click();
    await waitFor('one `import json` left in the editor', async () => {
      const lines = await visibleLines(page);
      return lines && lines.filter((text) => text.trim() === 'import json').length === 1;
    }, { timeout: 15_000 });
    await page.keyboard.press('Control+S');
    const notes = await waitFor('notes.py saved with one import', async () => {
      const text = fs.readFileSync(path.join(workspace, 'notes.py'), 'utf8');
      return (text.match(/^import json$/gm) ?? []).length === 1 ? text : null;
    }, { timeout: 10_000 });
    summary.observed.notesAfterFix = notes;
    await waitFor('the Problems panel to clear after the fix', async () => {
      const text = await problemsText(page);
      return text !== null && !/imported again/.test(text);
    }, { timeout: 15_000 });
    await page.screenshot({ path: path.join(artifacts, '04-quick-fix-applied.png') });

    // --- 2a. no provider configured: the setup quick pick, nothing written ---------------
    step('generate with no provider configured',
      'the server refuses (no key, no base URL) and the command offers Set API Key, Use a Local Model '
      + 'and Run the Offline Demo in one quick pick; the file stays empty');
    await openFromExplorer(page, 'inventory.py');
    await runCommand(page, 'CodeCRDT: Generate File in Parallel');
    {
      const specInput = page.locator('.quick-input-widget .quick-input-box input');
      await specInput.waitFor({ state: 'visible', timeout: 10_000 });
      await specInput.fill('a snake game');
      await page.keyboard.press('Enter');
      const agentRows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await waitFor('the agent-count quick pick', async () => (await agentRows.count()) > 0, { timeout: 10_000 });
      const agentLabels = await agentRows.evaluateAll((elements) =>
        elements.map((element) => (element.getAttribute('aria-label') || element.innerText).trim()));
      await agentRows.nth(Math.max(0, agentLabels.findIndex((label) => /^3\b/.test(label)))).click();
      const title = page.locator('.quick-input-widget .quick-input-title', { hasText: 'no model provider is configured' });
      await waitFor('the "no model provider is configured" quick pick', async () => title.isVisible(), { timeout: 30_000 });
      const setupRows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      const setupLabels = await setupRows.evaluateAll((elements) =>
        elements.map((element) => (element.getAttribute('aria-label') || element.innerText).trim()));
      summary.observed.noProviderChoices = setupLabels;
      for (const expected of ['Set API Key', 'Use a Local Model', 'Run the Offline Demo']) {
        check(setupLabels.some((label) => label.startsWith(expected)),
          `the setup quick pick has no "${expected}" (items: ${JSON.stringify(setupLabels)})`);
      }
      check(setupLabels.length === 3, `the setup quick pick has ${setupLabels.length} items: ${JSON.stringify(setupLabels)}`);
      await page.screenshot({ path: path.join(artifacts, '05a-no-provider.png') });
      await page.keyboard.press('Escape');
      await title.waitFor({ state: 'hidden', timeout: 10_000 });
      const written = fs.readFileSync(path.join(workspace, 'inventory.py'), 'utf8');
      const buffer = await page.locator(EDITOR).first().innerText();
      check(written === '' && !/def |import /.test(buffer),
        `with no provider, something was written into inventory.py (file: ${JSON.stringify(written.slice(0, 80))})`);
    }
    // The scripted provider, named. codecrdt.provider is a machine setting: in code-server
    // (a remote window) the server machine's settings hold it, not the browser's user ones.
    writeJson(path.join(userData, 'Machine', 'settings.json'), { 'codecrdt.provider': 'scripted' });
    await waitFor('the extension to read codecrdt.provider = scripted ("next run: scripted" in its log)', async () => {
      const logs = path.join(userData, 'logs');
      const found = fs.existsSync(logs)
        ? fs.readdirSync(logs, { recursive: true }).filter((name) => String(name).endsWith('CodeCRDT.log'))
        : [];
      return found.some((name) => fs.readFileSync(path.join(logs, String(name)), 'utf8').includes('next run: scripted'));
    }, { timeout: 20_000, interval: 250 });

    // --- 2. a parallel generation while the user types ----------------------------------
    step('generate inventory.py from the command palette',
      'the command asks for the spec and the agent count and starts a run on the open file');
    await openFromExplorer(page, 'inventory.py');
    // The panel closed, so that the editor shows more of the file during the run.
    await focusEditor(page);
    if (await page.locator('.part.panel').isVisible()) await page.keyboard.press('Control+J');
    // And the side bar, so that the agents' labels at the ends of long lines show.
    if (await page.locator('.part.sidebar').isVisible()) await page.keyboard.press('Control+B');
    await focusEditor(page);
    check(await page.locator('.part.editor .tabs-container .tab.active', { hasText: 'inventory.py' }).isVisible(),
      'inventory.py is not the active editor before the generation');
    await runCommand(page, 'CodeCRDT: Generate File in Parallel');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(SPEC);
    await page.keyboard.press('Enter');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await waitFor('the agent-count quick pick', async () => (await rows.count()) > 0, { timeout: 10_000 });
    const labels = await rows.evaluateAll((elements) =>
      elements.map((element) => (element.getAttribute('aria-label') || element.innerText).trim()));
    summary.observed.agentChoices = labels;
    const three = labels.findIndex((label) => /^3\b/.test(label));
    check(three >= 0, `the agent-count quick pick has no "3" (items: ${JSON.stringify(labels)})`);
    await rows.nth(three).click();
    const runStarted = Date.now();

    step('watch the agents write', 'decorations and progress show who writes where, live');
    const seen = { placements: [], labels: new Set(), backgrounds: 0, classes: new Set(), progress: new Set(), progressWhere: new Set() };
    const observe = async () => {
      const state = await decorations(page);
      state.labels.forEach((label) => seen.labels.add(label));
      for (const placement of state.placements) {
        if (placement.line !== null && placement.marker !== null) {
          seen.placements.push({ ...placement, at_s: (Date.now() - runStarted) / 1000 });
        }
      }
      state.classes.forEach((name) => seen.classes.add(name));
      seen.backgrounds = Math.max(seen.backgrounds, state.backgrounds);
      const all = await progress(page);
      const shown = all.filter((entry) => entry.active);
      for (const entry of shown) {
        seen.progress.add(entry.text);
        seen.progressWhere.add(entry.where);
      }
      return { state, shown, all };
    };
    let lastState;
    const firstLabel = await waitFor('an agent decoration ("◀ impl-…" label) in the editor', async () => {
      const { state } = await observe();
      lastState = state;
      if (state.labels.length) return state;
      await scrollOn(page);
      return null;
    }, { timeout: 30_000, interval: 50 }).catch((error) => {
      throw new CheckError(`${error.message} (decorated elements seen: ${seen.classes.size} class(es), `
        + `${seen.backgrounds} with a background; last: ${JSON.stringify(lastState)})`);
    });
    // A moment more, so that the screenshot shows whole labels of several agents next to
    // code they have written (not only their TODO lines), each on its TODO's marker line or
    // the line above (see labelPlacements): within 4 s, the best view seen is kept.
    const more = Date.now() + 4000;
    let best = { score: -1 };
    const isAligned = (state, agents) => {
      const placed = state.placements.filter((p) => p.marker - p.line === 0 || p.marker - p.line === 1);
      return agents > 0 && placed.length === state.placements.length && placed.length >= agents;
    };
    for (;;) {
      const { state } = await observe();
      const agents = new Set(state.inView.map((label) => /impl-\d+/.exec(label)?.[0])).size;
      const aligned = isAligned(state, agents);
      const score = (aligned ? 100 : 0) + 10 * agents + Math.min(state.backgrounds, 20);
      if (process.env.CODECRDT_E2E_DEBUG) log(`view: ${JSON.stringify({ agents, aligned, backgrounds: state.backgrounds, placements: state.placements.map((p) => [p.line, p.marker]) })}`);
      if (score > best.score) {
        const image = await page.screenshot();
        // The agents write on: the view counts as aligned only if it still is after the shot.
        const after = await decorations(page);
        const still = aligned && isAligned(after, agents);
        const kept = (still ? 100 : 0) + 10 * agents + Math.min(state.backgrounds, 20);
        if (kept > best.score) best = { score: kept, agents, aligned: still, image };
      }
      if ((agents >= 2 && aligned && state.backgrounds >= 12) || Date.now() > more) break;
      if (!state.labels.length) await scrollOn(page);
      await sleep(100);
    }
    summary.observed.screenshotLabels = { agents: best.agents, aligned: best.aligned };
    const duringShot = path.join(artifacts, '05-decorations-during-run.png');
    fs.writeFileSync(duringShot, best.image);
    log(`decorations: ${JSON.stringify(firstLabel.labels)}`);

    step('type during the run', 'the user edits the file while the agents write, and nothing is lost');
    await focusEditor(page);
    if (process.env.CODECRDT_E2E_DEBUG) log('focus: ' + await page.evaluate(() => { const e = document.activeElement; return `${e?.tagName}.${e?.className} in ${e?.closest('.monaco-editor')?.getAttribute('data-uri')}`; }));
    await page.keyboard.press('Control+Home');
    if (process.env.CODECRDT_E2E_DEBUG) await page.screenshot({ path: path.join(artifacts, 'debug-home.png') });
    await page.keyboard.type(TYPED, { delay: 15 });
    if (process.env.CODECRDT_E2E_DEBUG) await page.screenshot({ path: path.join(artifacts, 'debug-typed.png') });
    await page.keyboard.press('Enter');
    const typedEarly = await visibleLines(page);
    check(typedEarly && typedEarly.some((text) => text.includes(TYPED)),
      `the typed line is not in the editor right after typing (top lines: ${JSON.stringify(typedEarly?.slice(0, 5))})`);
    const { shown: afterTyping } = await observe();
    await page.screenshot({ path: path.join(artifacts, '06-typed-during-run.png') });
    check(afterTyping.length > 0,
      'the run had ended before the typing was done, so this run does not test typing during a run '
      + '(make codecrdt.scriptedTimeScale smaller)');
    const progressWhileRunning = seen.progress.size > 0;

    step('wait for the end of the run', 'the run finishes and its progress goes away');
    let quietSince = null;
    await waitFor('the run to finish (progress gone)', async () => {
      const { shown, state } = await observe();
      if (shown.length) {
        quietSince = null;
        // Keep looking for the agents (for labelPlacements), without moving the cursor.
        if (!state.labels.length) await scrollOn(page);
        return false;
      }
      if (!seen.progress.size) return Date.now() - runStarted > 60_000; // never saw progress
      quietSince ??= Date.now();
      return Date.now() - quietSince > 1000;
    }, { timeout: 120_000, interval: 150 });
    summary.observed.runSeconds = (Date.now() - runStarted) / 1000;
    summary.observed.progressAfterRun = (await progress(page)).map((entry) => entry.text);

    step('save and read the file from disk', 'the generated code and the typed line are both in the file, once');
    const file = path.join(workspace, 'inventory.py');
    let final = '';
    await waitFor('inventory.py saved with the generated code and no TODO marker', async () => {
      await focusEditor(page);
      await page.keyboard.press('Control+S');
      await sleep(500);
      final = fs.readFileSync(file, 'utf8');
      return !final.includes('TODO(codecrdt:') && final.includes('def main(');
    }, { timeout: 30_000, interval: 1000 }).catch((error) => {
      fs.writeFileSync(path.join(artifacts, 'inventory.py'), final);
      throw error;
    });
    fs.writeFileSync(path.join(artifacts, 'inventory.py'), final);
    const typedCount = final.split(TYPED).length - 1;
    check(typedCount === 1, `"${TYPED}" is in the saved file ${typedCount} time(s), not once (artifacts/inventory.py)`);
    check(!final.includes('TODO(codecrdt:'), 'a TODO(codecrdt:…) marker is left in the saved file');
    check(/^def main\(/m.test(final), 'the saved file has no `def main(`');
    try {
      execFileSync(python, ['-c', 'import ast, sys; ast.parse(open(sys.argv[1]).read())', file], { stdio: 'pipe' });
    } catch (error) {
      throw new CheckError(`the saved inventory.py is not valid Python: ${String(error.stderr).trim().split('\n').pop()}`);
    }
    summary.observed.finalLines = final.split('\n').length;

    if (!(await page.locator('.markers-panel').isVisible())) await page.keyboard.press('Control+Shift+M');
    step('no conflict left', 'the Evaluator fixed the run\'s conflicts: the Problems panel has none from codecrdt');
    await waitFor('no codecrdt problem left in the Problems panel', async () => {
      const text = await problemsText(page);
      return text !== null && !/codecrdt/.test(text);
    }, { timeout: 15_000 }).catch(async (error) => {
      summary.observed.problemsLeft = await problemsText(page);
      throw error;
    });
    const left = await decorations(page);
    check(!left.labels.length, `agent labels are still shown after the run: ${JSON.stringify(left.labels)}`);
    summary.observed.finishedMessage = (await page
      .locator('.notifications-toasts .notification-toast', { hasText: 'inventory.py' })
      .allInnerTexts()
      .catch(() => [])).map((text) => text.replace(/\s+/g, ' ').trim());
    await focusEditor(page);
    await page.keyboard.press('Control+Home');
    await page.screenshot({ path: path.join(artifacts, '07-final.png') });

    // The checks on what was seen during the run.
    summary.observed.labels = [...seen.labels];
    // Where each label was, against its TODO's marker line (an agent writes just above
    // its marker, so its label belongs on the marker line or the line before).
    const offsets = seen.placements.map((p) => p.marker - p.line);
    summary.observed.labelPlacements = {
      samples: offsets.length,
      onMarkerOrAbove: offsets.filter((d) => d === 0 || d === 1).length,
      offsets: [...new Set(offsets)].sort((a, b) => a - b),
      examples: seen.placements.filter((p) => p.marker - p.line > 1 || p.marker < p.line).slice(0, 8),
      all: process.env.CODECRDT_E2E_DEBUG ? seen.placements : undefined,
    };
    if (offsets.some((d) => d > 1 || d < 0)) {
      const message = `some labels were not next to their TODO's marker: ${JSON.stringify(summary.observed.labelPlacements)}`;
      check(process.env.CODECRDT_E2E_STRICT_LABELS !== '1', message);
      log(`note: ${message}`);
    }
    summary.observed.decorationBackgrounds = seen.backgrounds;
    summary.observed.decorationClasses = [...seen.classes];
    summary.observed.progress = [...seen.progress];
    summary.observed.progressWhere = [...seen.progressWhere];
    check(seen.backgrounds > 0, 'no agent region had a background colour (no decorated element with a background)');
    check(progressWhileRunning || seen.progress.size > 0,
      'no progress for the run (neither in the status bar nor as a notification)');
    const perAgent = [...seen.progress].some((text) => /impl-\d/.test(text));
    if (!perAgent) log('note: the progress never named an agent (no "impl-N" in its messages)');
    summary.observed.progressNamesAgents = perAgent;

    // --- 3. implement the TODOs of a skeleton while the user types elsewhere ------------
    step('implement the TODOs of skeleton.py from the command palette',
      'the file is the outline: its markers are filled by the implementers, no question asked');
    await page.keyboard.press('Control+P');
    const quickOpen = page.locator('.quick-input-widget .quick-input-box input');
    await quickOpen.waitFor({ state: 'visible', timeout: 10_000 });
    await quickOpen.fill('skeleton.py');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'skeleton.py' })
      .first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.part.editor .tabs-container .tab.active', { hasText: 'skeleton.py' })
      .waitFor({ state: 'visible', timeout: 15_000 });
    await focusEditor(page);
    const markersBefore = fs.readFileSync(path.join(workspace, 'skeleton.py'), 'utf8').split('TODO(codecrdt:').length - 1;
    check(markersBefore > 0, 'the skeleton has no TODO(codecrdt:…) marker');
    await runCommand(page, 'CodeCRDT: Implement TODOs in Parallel');
    const implementStarted = Date.now();
    step('type elsewhere during the implement run', 'the user types at the end of the file while the agents fill the markers');
    await waitFor('the implement run to show progress', async () => (await progress(page)).some((e) => e.active),
      { timeout: 20_000, interval: 100 });
    await focusEditor(page);
    await page.keyboard.press('Control+End');
    await page.keyboard.type(TYPED_IMPLEMENT, { delay: 15 });
    const stillRunning = (await progress(page)).some((entry) => entry.active);
    check(stillRunning, 'the implement run had ended before the typing was done (make codecrdt.scriptedTimeScale smaller)');
    await page.screenshot({ path: path.join(artifacts, '08-implement-typing.png') });
    let quiet = null;
    await waitFor('the implement run to finish (progress gone)', async () => {
      if ((await progress(page)).some((entry) => entry.active)) {
        quiet = null;
        return false;
      }
      quiet ??= Date.now();
      return Date.now() - quiet > 1000;
    }, { timeout: 120_000, interval: 150 });
    summary.observed.implementSeconds = (Date.now() - implementStarted) / 1000;

    step('show the authors', 'CodeCRDT: Show Authors labels the lines each agent wrote, with its TODO and run');
    await runCommand(page, 'CodeCRDT: Show Authors');
    const authorLabels = await waitFor('an author label ("◀ impl-N · todo · run-K") in the editor', async () => {
      const state = await decorations(page);
      const found = state.labels.filter((label) => /impl-\d+ · \S+ · run-\d+/.test(label));
      if (found.length) return found;
      await scrollOn(page);
      return null;
    }, { timeout: 20_000, interval: 150 });
    summary.observed.authorLabels = authorLabels;
    await page.screenshot({ path: path.join(artifacts, '09-authors.png') });

    step('no conflict left in skeleton.py', 'the Evaluator fixed the implementers\' duplicates: the Problems panel has none from codecrdt');
    if (!(await page.locator('.markers-panel').isVisible())) await page.keyboard.press('Control+Shift+M');
    await waitFor('no codecrdt problem left in the Problems panel', async () => {
      const text = await problemsText(page);
      return text !== null && !/codecrdt/.test(text);
    }, { timeout: 15_000 }).catch(async (error) => {
      summary.observed.problemsLeftInSkeleton = await problemsText(page);
      throw error;
    });

    step('save skeleton.py and read it from disk', 'every marker is filled, the typed line is there once, and CPython compiles the file');
    const skeleton = path.join(workspace, 'skeleton.py');
    let filled = '';
    await waitFor('skeleton.py saved with every marker filled', async () => {
      await focusEditor(page);
      await page.keyboard.press('Control+S');
      await sleep(500);
      filled = fs.readFileSync(skeleton, 'utf8');
      return !filled.includes('TODO(codecrdt:') && filled.includes(TYPED_IMPLEMENT);
    }, { timeout: 30_000, interval: 1000 }).catch((error) => {
      fs.writeFileSync(path.join(artifacts, 'skeleton.py'), filled);
      throw error;
    });
    fs.writeFileSync(path.join(artifacts, 'skeleton.py'), filled);
    const typedImplement = filled.split(TYPED_IMPLEMENT).length - 1;
    check(typedImplement === 1, `"${TYPED_IMPLEMENT}" is in skeleton.py ${typedImplement} time(s), not once`);
    try {
      execFileSync(python, ['-c', 'import sys; compile(open(sys.argv[1]).read(), sys.argv[1], "exec")', skeleton], { stdio: 'pipe' });
    } catch (error) {
      throw new CheckError(`the saved skeleton.py is not valid Python: ${String(error.stderr).trim().split('\n').pop()}`);
    }
    summary.observed.implementMarkers = markersBefore;

    if (process.env.CODECRDT_UPDATE_SCREENSHOT === '1') {
      const target = path.join(repo, 'extension', 'images', 'screenshot.png');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(duringShot, target);
      log(`updated ${path.relative(repo, target)}`);
    }
    summary.ok = true;
    log(`PASS in ${((Date.now() - started) / 1000).toFixed(1)} s; artifacts in ${artifacts}`);
  } catch (error) {
    summary.ok = false;
    summary.error = error.message;
    if (page) {
      await page.screenshot({ path: path.join(artifacts, 'failure.png') }).catch(() => {});
      summary.visibleLines = await visibleLines(page).catch(() => null);
      summary.problems = await problemsText(page).catch(() => null);
    }
    throw error;
  } finally {
    summary.seconds = (Date.now() - started) / 1000;
    writeJson(path.join(artifacts, 'summary.json'), summary);
    await cleanup();
    // The logs of the workbench, the extension host and the extension's output channels.
    const logs = path.join(userData, 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(artifacts, 'logs'), { recursive: true });
    if (process.env.CODECRDT_E2E_KEEP === '1') log(`kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

const limit = Number(process.env.CODECRDT_E2E_TIMEOUT_S || 240);
const timer = setTimeout(() => {
  stopping = true;
  console.error(`FAIL: the test did not finish within ${limit} s`);
  stopEverything().finally(() => process.exit(1));
}, limit * 1000);
timer.unref();

main().then(
  () => process.exit(0),
  (error) => {
    if (stopping) return; // the timer or the signal handler reports and exits
    const setup = error instanceof SetupError;
    console.error(`${setup ? 'SETUP ERROR' : 'FAIL'}: ${error.message}`);
    if (!(error instanceof CheckError) && !setup) console.error(error.stack);
    process.exit(setup ? 2 : 1);
  },
);
