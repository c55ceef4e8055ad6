-- Neovim 0.7 (headless) runs codecrdt.generate on the open buffer through codecrdt serve.
--
-- Driven by tests/test_editors_generate.py: the parameters come as JSON in the file named
-- by CODECRDT_EDITOR_PARAMS; the result goes as JSON to params.result. Plain Lua, no
-- plugins, for Neovim 0.7 (no vim.lsp.start: vim.lsp.start_client + buf_attach_client).
--
-- Flow: attach the server, wait for the duplicate-import diagnostic (params.expect_code,
-- when given), run the scripted generation (the default workspace/applyEdit handler applies
-- the agents' edits while it runs), wait until the server's document equals the buffer,
-- then wait for the diagnostics published for the final buffer version.
--
-- With params.typing = { start_ms, interval_ms, pieces }, the user types while the run
-- goes on: start_ms after the request, each piece at the end of the text typed so far
-- (the first at the top of the buffer), interval_ms apart, with nvim_buf_set_text.
-- result.trace records every didChange sent and every applyEdit received, in order.

local params = vim.fn.json_decode(
  table.concat(vim.fn.readfile(os.getenv('CODECRDT_EDITOR_PARAMS')), '\n'))
local started = vim.loop.now()
local result = {
  timings_ms = {}, publications = {}, apply_edits = 0, split_echoes = {}, trace = {}, typed = {},
}
local applying = nil -- the workspace edit being applied: { edits = n }

local function elapsed() return vim.loop.now() - started end
local function mark(name) result.timings_ms[name] = elapsed() end

local function write_file(path, text)
  local file = assert(io.open(path, 'wb'))
  file:write(text)
  file:close()
end

local function finish(ok, reason)
  result.ok = ok
  result.reason = reason
  mark('total')
  write_file(params.result, vim.fn.json_encode(result))
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

-- What the buffer's diagnostics say, in a form that survives json_encode.
local function diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(out, {
      line = d.lnum, source = d.source, code = d.code or lsp.code,
      severity = d.severity, message = d.message,
    })
  end
  return out
end

-- A change or an edit as the trace shows it: 'l:c-l:c text'.
local function show_range(r)
  return string.format('%d:%d-%d:%d', r.start.line, r.start.character, r['end'].line, r['end'].character)
end

local function show_changes(list)
  local out = {}
  for _, c in ipairs(list) do
    local text = c.newText or c.text
    table.insert(out, c.range and (show_range(c.range) .. ' ' .. text) or ('(whole) ' .. #text))
  end
  return out
end

-- The user types ``piece`` at the end of what was typed so far (the top of the buffer
-- for the first piece): the line that starts with the typed text, after it.
local function type_piece(bufnr, typed, piece)
  local row = nil
  if typed == '' then
    row = 0
  else
    local first = vim.split(typed, '\n', { plain = true })
    for r, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)) do
      if #first == 1 and line:sub(1, #typed) == typed then row = r - 1 break end
    end
    if not row then error('typed text ' .. vim.inspect(typed) .. ' not found at a line start') end
  end
  local col = #typed
  vim.api.nvim_buf_set_text(bufnr, row, col, row, col, vim.split(piece, '\n', { plain = true }))
end

local function has_code(list, code)
  for _, d in ipairs(list) do
    if d.code == code and d.source == 'codecrdt' then return true end
  end
  return false
end

local function main()
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  result.uri = uri
  result.initial_buffer = buffer_text(bufnr)

  local function on_diagnostics(err, res, ctx, config)
    local codes = {}
    for _, d in ipairs(res.diagnostics or {}) do table.insert(codes, d.code or vim.NIL) end
    table.insert(result.publications, {
      t_ms = elapsed(), version = res.version or vim.NIL, codes = codes,
      buffer_version = vim.lsp.util.buf_versions[bufnr],
    })
    return vim.lsp.handlers['textDocument/publishDiagnostics'](err, res, ctx, config)
  end
  local function on_apply_edit(err, res, ctx, config)
    result.apply_edits = result.apply_edits + 1
    local edits = 0
    for _, change in ipairs(res.edit.documentChanges or {}) do edits = edits + #(change.edits or {}) end
    for _, list in pairs(res.edit.changes or {}) do edits = edits + #list end
    applying = { edits = edits }
    local entry = { t_ms = elapsed(), kind = 'applyEdit', id = ctx.id,
                    buffer_version = vim.lsp.util.buf_versions[bufnr] }
    for _, change in ipairs(res.edit.documentChanges or {}) do
      entry.version = change.textDocument.version
      entry.edits = show_changes(change.edits or {})
    end
    table.insert(result.trace, entry)
    local ok, answer = pcall(vim.lsp.handlers['workspace/applyEdit'], err, res, ctx, config)
    applying = nil
    if not ok then error(answer) end
    entry.applied = answer.applied
    entry.buffer_version_after = vim.lsp.util.buf_versions[bufnr]
    return answer
  end

  local client_id = vim.lsp.start_client({
    cmd = params.cmd,
    name = 'codecrdt',
    root_dir = params.root,
    handlers = {
      ['textDocument/publishDiagnostics'] = on_diagnostics,
      ['workspace/applyEdit'] = on_apply_edit,
    },
  })
  if not client_id then return finish(false, 'vim.lsp.start_client failed') end
  local client = vim.lsp.get_client_by_id(client_id)
  -- Neovim 0.7 sends a change at once when its last didChange is older than the debounce
  -- (150 ms): a didChange sent while a workspace edit is being applied holds only part of
  -- that edit, and the rest follows in a later didChange. Record when that happens.
  local notify = client.notify
  client.notify = function(method, params)
    if method == 'textDocument/didChange' then
      table.insert(result.trace, {
        t_ms = elapsed(), kind = 'didChange', version = params.textDocument.version,
        changes = show_changes(params.contentChanges), during_apply = applying ~= nil,
      })
    end
    if method == 'textDocument/didChange' and applying then
      table.insert(result.split_echoes, {
        t_ms = elapsed(), edits = applying.edits, changes = #params.contentChanges,
        version = params.textDocument.version,
      })
    end
    return notify(method, params)
  end
  if not vim.lsp.buf_attach_client(bufnr, client_id) then
    return finish(false, 'vim.lsp.buf_attach_client failed')
  end
  if not vim.wait(15000, function() return client.initialized end, 20) then
    return finish(false, 'the server did not initialize within 15 s')
  end
  mark('initialized')

  -- 1. The file's conflict (params.expect_code) is reported before anything runs.
  local function reported() return has_code(diagnostics(bufnr), params.expect_code) end
  if params.expect_code and not vim.wait(15000, reported, 20) then
    result.diagnostics_before = diagnostics(bufnr)
    return finish(false, 'no ' .. params.expect_code .. ' diagnostic within 15 s')
  end
  result.diagnostics_before = diagnostics(bufnr)
  mark('diagnostics_before')

  -- 2. The run, answered when it ends. Asynchronous request + vim.wait (request_sync
  -- would do the same wait); the applyEdit handler runs during the wait.
  local run = { done = false }
  client.request('workspace/executeCommand', {
    command = 'codecrdt.generate',
    arguments = { {
      uri = uri, script = params.script, provider = 'scripted', agents = params.agents,
      timeScale = params.time_scale, wait = true,
    } },
  }, function(err, res)
    run.done, run.err, run.result = true, err, res
  end, bufnr)
  local typing = params.typing
  if typing then
    local typed = ''
    for i, piece in ipairs(typing.pieces) do
      vim.defer_fn(function()
        local ok, err = pcall(type_piece, bufnr, typed, piece)
        table.insert(result.typed, { t_ms = elapsed(), piece = piece, ok = ok, err = err,
                                     buffer_version = vim.lsp.util.buf_versions[bufnr] })
        table.insert(result.trace, { t_ms = elapsed(), kind = 'typed', piece = piece,
                                     buffer_version = vim.lsp.util.buf_versions[bufnr] })
        if ok then typed = typed .. piece end
      end, typing.start_ms + (i - 1) * typing.interval_ms)
    end
  end
  if not vim.wait(120000, function() return run.done end, 10) then
    return finish(false, 'codecrdt.generate did not answer within 120 s')
  end
  mark('generate_answered')
  if run.err then return finish(false, 'codecrdt.generate failed: ' .. vim.inspect(run.err)) end
  result.run_id = run.result.runId
  result.report = run.result.report
  result.buffer_when_answered = buffer_text(bufnr)
  result.edits_while_generating = result.apply_edits

  -- 3. Converged: in sync, the same text, and still so a while later (no stray edits).
  -- (A loop, not vim.wait: request_sync waits itself, and vim.wait must not nest.)
  local function converged()
    local response, err = client.request_sync('workspace/executeCommand', {
      command = 'codecrdt.documentState', arguments = { { uri = uri } },
    }, 5000, bufnr)
    if not response or response.err then
      result.state_error = tostring(err or vim.inspect(response.err))
      return false
    end
    result.state = response.result
    return response.result.inSync and response.result.text == buffer_text(bufnr)
  end
  local deadline = vim.loop.now() + 20000
  local streak = 0
  while streak < 3 and vim.loop.now() < deadline do
    pause(100)
    streak = converged() and streak + 1 or 0
  end
  result.buffer = buffer_text(bufnr)
  result.server_text = result.state and result.state.text or vim.NIL
  if streak < 3 then return finish(false, 'buffer and server did not converge within 20 s') end
  mark('converged')

  -- 4. The diagnostics of the final text: wait for a publication at the buffer's version.
  local final_version = vim.lsp.util.buf_versions[bufnr]
  result.final_version = final_version
  local function published_final()
    local last = result.publications[#result.publications]
    return last ~= nil and last.version == final_version
  end
  if not vim.wait(10000, published_final, 20) then
    result.diagnostics_after = diagnostics(bufnr)
    return finish(false, 'no diagnostics published for version ' .. final_version .. ' within 10 s')
  end
  pause(300) -- nothing else should arrive: the text does not move any more
  mark('diagnostics_after')
  result.diagnostics_after = diagnostics(bufnr)
  result.buffer = buffer_text(bufnr)
  result.final_version_after_wait = vim.lsp.util.buf_versions[bufnr]
  finish(true, vim.NIL)
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    local ok, err = xpcall(main, debug.traceback)
    if not ok then finish(false, 'error: ' .. tostring(err)) end
  end,
})
