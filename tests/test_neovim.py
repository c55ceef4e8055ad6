"""A real headless Neovim (0.7+) attached to ``codecrdt serve`` converges with a writer.

Neovim opens a file with non-ASCII text and attaches ``codecrdt serve`` as an LSP client.
``codecrdt.simulateWriter`` then streams text into the shared document from offset 0,
asynchronously, while the buffer is edited with ``nvim_buf_set_text`` (simulated typing,
at the end of the file and after a marker in the middle). Neovim batches ``didChange``
for 150 ms, so the server's ``applyEdit``s race with the typing. Afterwards the buffer and
``codecrdt.documentState`` must agree, and every piece of text must be there exactly once.

The script inside Neovim is plain Lua with no plugins, written for Neovim 0.7 (which has
no ``vim.lsp.start``): ``vim.lsp.start_client`` and ``vim.lsp.buf_attach_client``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NVIM = shutil.which("nvim")

pytestmark = [
    pytest.mark.editor,
    pytest.mark.skipif(NVIM is None, reason="Neovim (nvim) is not on PATH"),
]

ORIGINAL = (
    "# Café menu 😀\n"
    "crème brûlée = 4.50€\n"
    "MARK: \n"
    "中文 and emoji 🎉 after the marker\n"
    "last line ü\n"
)

WRITER_TEXT = "".join(
    f"[w{i} agent line with é and 😀 and 中文 {'·' * (i % 5)}]\n" for i in range(32)
)

# Typed alternately at the end of the file's last line and just after "MARK: ".
TYPED = [
    "[u1 typed]",
    "[u2 ünïcödé]",
    "[u3 😀 emoji]",
    "[u4 a\nnew line]",
    "[u5 中文]",
    "[u6 plain]",
    "[u7 🎉]",
    "[u8 two\nnew\nlines 😀]",
    "[u9 é]",
    "[u10 𝔘𝔫𝔦]",
    "[u11 x]",
    "[u12 end]",
]

# Typed at the end of the file just as the second applyEdit arrives, before Neovim applies
# it: the edit is then older than the buffer, and Neovim 0.7 skips it yet answers
# ``applied: true``. The server must notice from didChange and send it again.
RACED = "[r1 typed as an edit arrived]"

INIT_LUA = r"""
local params = vim.fn.json_decode(
  table.concat(vim.fn.readfile(os.getenv('CODECRDT_NVIM_PARAMS')), '\n'))
local report = { typed = {} }

local function write_file(path, text)
  local file = assert(io.open(path, 'wb'))
  file:write(text)
  file:close()
end

local function finish(ok, reason)
  report.ok = ok
  report.reason = reason
  write_file(params.report, vim.fn.json_encode(report))
  if ok then vim.cmd('qa!') else vim.cmd('cquit 1') end
end

-- The text as Neovim 0.7 sends it in didOpen (buf_get_full_text), with '\n' endings.
local function buffer_text(bufnr)
  local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true), '\n')
  if vim.api.nvim_buf_get_option(bufnr, 'eol') then text = text .. '\n' end
  return text
end

local function pause(ms)
  vim.wait(ms, function() return false end, 5)
end

local function document_state(client, bufnr)
  local response, err = client.request_sync('workspace/executeCommand', {
    command = 'codecrdt.documentState',
    arguments = { { uri = vim.uri_from_bufnr(bufnr) } },
  }, 5000, bufnr)
  if not response then return nil, tostring(err) end
  if response.err then return nil, vim.inspect(response.err) end
  return response.result
end

-- Simulated typing: at the end of the last line, or just after the marker.
local function type_text(bufnr, i, text)
  local lines = vim.split(text, '\n', { plain = true })
  local row, col
  if i % 2 == 1 then
    row = vim.api.nvim_buf_line_count(bufnr) - 1
    col = #vim.api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
  else
    for r, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)) do
      local start = line:find(params.marker, 1, true)
      if start then
        row, col = r - 1, start - 1 + #params.marker
        break
      end
    end
    if not row then error('marker ' .. params.marker .. ' not found in the buffer') end
  end
  vim.api.nvim_buf_set_text(bufnr, row, col, row, col, lines)
  table.insert(report.typed, { row = row, col = col, text = text })
end

local function main()
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  local edits_seen = 0
  local function apply_edit(err, result, ctx, config)
    edits_seen = edits_seen + 1
    if edits_seen == 2 then
      type_text(bufnr, 1, params.raced) -- odd index: at the end of the file
      report.raced = { edit_version = result.edit.documentChanges[1].textDocument.version,
                       buffer_version = vim.lsp.util.buf_versions[bufnr] }
    end
    return vim.lsp.handlers['workspace/applyEdit'](err, result, ctx, config)
  end
  local client_id = vim.lsp.start_client({
    cmd = params.cmd,
    name = 'codecrdt',
    root_dir = params.root,
    flags = { debounce_text_changes = 150 },
    handlers = { ['workspace/applyEdit'] = apply_edit },
  })
  if not client_id then return finish(false, 'vim.lsp.start_client failed') end
  local client = vim.lsp.get_client_by_id(client_id)
  if not vim.lsp.buf_attach_client(bufnr, client_id) then
    return finish(false, 'vim.lsp.buf_attach_client failed')
  end
  if not vim.wait(15000, function() return client.initialized end, 20) then
    return finish(false, 'the server did not initialize within 15 s')
  end
  report.offset_encoding = client.offset_encoding

  -- didOpen goes out once the client is initialized: wait until the server has it.
  -- (A loop, not vim.wait: request_sync waits itself, and vim.wait must not nest.)
  local opened = false
  for _ = 1, 100 do
    if document_state(client, bufnr) then opened = true break end
    pause(50)
  end
  if not opened then return finish(false, 'the server never saw the document open') end

  local writer = { done = false }
  client.request('workspace/executeCommand', {
    command = 'codecrdt.simulateWriter',
    arguments = { {
      uri = uri, text = params.writer, offset = 0, chunk = 20, intervalMs = 10,
    } },
  }, function(err, result)
    writer.done, writer.err, writer.result = true, err, result
  end, bufnr)

  for i, text in ipairs(params.typed) do
    pause(30)
    type_text(bufnr, i, text)
  end
  report.typed_before_writer_done = not writer.done

  if not vim.wait(20000, function() return writer.done end, 10) then
    return finish(false, 'simulateWriter did not answer within 20 s')
  end
  if writer.err then return finish(false, 'simulateWriter failed: ' .. vim.inspect(writer.err)) end
  report.writer = writer.result

  -- Converged: in sync, the same text, and still so a while later (no stray edits).
  local function converged()
    local state, err = document_state(client, bufnr)
    report.state, report.state_error = state, err
    return state ~= nil and state.inSync and state.text == buffer_text(bufnr)
  end
  local deadline = vim.loop.now() + 10000
  local streak = 0
  while streak < 3 and vim.loop.now() < deadline do
    pause(200)
    streak = converged() and streak + 1 or 0
  end
  local buffer = buffer_text(bufnr)
  write_file(params.buffer_out, buffer)
  if report.state then write_file(params.server_out, report.state.text) end
  if streak < 3 then return finish(false, 'buffer and server did not converge within 10 s') end
  finish(true, nil)
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, err = xpcall(main, debug.traceback)
    if not ok then finish(false, 'error: ' .. tostring(err)) end
  end,
})
"""


def _run_neovim(tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    sample = tmp_path / "sample.txt"
    sample.write_bytes(ORIGINAL.encode("utf-8"))
    (tmp_path / "init.lua").write_text(INIT_LUA, encoding="utf-8")
    params = {
        "cmd": [
            sys.executable,
            "-m",
            "codecrdt",
            "serve",
            "--test-commands",
            "--log-file",
            str(tmp_path / "server.log"),
            "--log-level",
            "INFO",
        ],
        "root": str(tmp_path),
        "writer": WRITER_TEXT,
        "typed": TYPED,
        "raced": RACED,
        "marker": "MARK: ",
        "report": str(tmp_path / "report.json"),
        "buffer_out": str(tmp_path / "buffer.txt"),
        "server_out": str(tmp_path / "server.txt"),
    }
    params_file = tmp_path / "params.json"
    params_file.write_text(json.dumps(params), encoding="utf-8")

    env = dict(os.environ, CODECRDT_NVIM_PARAMS=str(params_file), HOME=str(tmp_path))
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        directory = tmp_path / "xdg" / name.lower()
        directory.mkdir(parents=True)
        env[f"XDG_{name}_HOME"] = str(directory)

    assert NVIM is not None
    process = subprocess.run(
        [NVIM, "--headless", "-n", "-i", "NONE", "-u", "init.lua", sample.name],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
    )
    report_file = tmp_path / "report.json"
    report = json.loads(report_file.read_text(encoding="utf-8")) if report_file.exists() else {}
    return process, report


def _describe(tmp_path: Path, process: subprocess.CompletedProcess[str], report: object) -> str:
    log = tmp_path / "server.log"
    server_log = log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.exists() else ""
    return (
        f"nvim exited with {process.returncode}\n"
        f"report: {json.dumps(report, ensure_ascii=False, indent=1)[-4000:]}\n"
        f"stderr: {process.stderr[-2000:]}\n"
        f"server log (tail): {server_log}"
    )


def test_neovim_converges_with_concurrent_writer(tmp_path: Path) -> None:
    process, report = _run_neovim(tmp_path)
    details = _describe(tmp_path, process, report)
    assert process.returncode == 0, details
    assert report.get("ok") is True, details
    # The writer was still streaming while the user typed, and one edit lost a race.
    assert report.get("typed_before_writer_done") is True, details
    raced = report.get("raced")
    assert isinstance(raced, dict), details
    assert raced["buffer_version"] > raced["edit_version"], details

    buffer_text = (tmp_path / "buffer.txt").read_bytes().decode("utf-8")
    server_text = (tmp_path / "server.txt").read_bytes().decode("utf-8")
    assert buffer_text == server_text, details

    assert server_text.count(WRITER_TEXT) == 1, details
    for typed in [*TYPED, RACED]:
        assert server_text.count(typed) == 1, f"{typed!r} is not there exactly once\n{details}"

    # Nothing lost, nothing doubled: without the inserted pieces, the original remains.
    rest = server_text.replace(WRITER_TEXT, "", 1)
    for typed in [*TYPED, RACED]:
        rest = rest.replace(typed, "", 1)
    assert rest == ORIGINAL, details
