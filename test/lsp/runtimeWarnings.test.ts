// `sqlaUpgrade/importRuntimeWarnings`: the server reads recorded warnings and publishes the open
// documents' diagnostics again, with confirmed findings marked and unexplained warnings as SQA000.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient, type PublishedDiagnostics } from './lspClient';

type Diagnostic = PublishedDiagnostics['diagnostics'][number] & { data?: Record<string, unknown> };

const APP = [
  'from sqlalchemy import create_engine', //                    0
  'from sqlalchemy.orm import Session', //                      1
  '', //                                                        2
  'engine = create_engine("sqlite://", case_sensitive=False)', // 3: a deprecation no rule flags
  'session = Session(engine)', //                               4
  'rows = engine.execute("SELECT 1").all()', //                 5: SQA101 and SQA106
  'print(rows)  # sqla-upgrade: ignore[SQA000]', //             6
  '',
].join('\n');

/** The next diagnostics published for `uri` after the first `seen` publications. */
async function publishedAfter(client: LspTestClient, uri: string, seen: number, timeoutMs = 10000): Promise<Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mine = client.published.filter((p) => p.uri === uri);
    if (mine.length > seen) return mine[mine.length - 1].diagnostics as Diagnostic[];
    if (Date.now() > deadline) throw new Error(`no new diagnostics for ${uri} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const count = (client: LspTestClient, uri: string) => client.published.filter((p) => p.uri === uri).length;

describe('runtime warnings in the language server', () => {
  let client: LspTestClient;
  let dir: string;
  let file: string;
  let uri: string;

  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-lsp-runtime-')));
    file = path.join(dir, 'app.py');
    fs.writeFileSync(file, APP);
    uri = pathToFileURL(file).href;
    client = new LspTestClient();
    await client.initialize();
    await client.open(uri, APP);
    await client.diagnosticsFor(uri, 1);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('marks confirmed findings and adds SQA000 for a warning no finding explains', async () => {
    const before = client.published.filter((p) => p.uri === uri).at(-1)!.diagnostics;
    assert.deepEqual(before.map((d) => d.code).sort(), ['SQA101', 'SQA106']);
    const records = [
      { category: 'RemovedIn20Warning', message: 'The Engine.execute() method is considered legacy', file, line: 6 },
      { category: 'SADeprecationWarning', message: 'The create_engine.case_sensitive parameter is deprecated', file, line: 4 },
      { category: 'RemovedIn20Warning', message: 'silenced on its line', file, line: 7 },
      { category: 'RemovedIn20Warning', message: 'past the end of the file', file, line: 70 },
      { category: 'RemovedIn20Warning', message: 'another file', file: path.join(dir, 'other.py'), line: 4 },
    ];
    const warnings = path.join(dir, 'warnings.jsonl');
    fs.writeFileSync(warnings, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const seen = count(client, uri);
    const result = await client.request<{ warnings: number; files: number }>('sqlaUpgrade/importRuntimeWarnings', { file: warnings });
    assert.deepEqual(result, { warnings: 5, files: 2 });
    const diagnostics = await publishedAfter(client, uri, seen);

    const byCode = new Map(diagnostics.map((d) => [d.code, d]));
    assert.deepEqual([...byCode.keys()].sort(), ['SQA000', 'SQA101', 'SQA106']);
    for (const code of ['SQA101', 'SQA106']) {
      const d = byCode.get(code)!;
      const original = before.find((b) => b.code === code)!;
      assert.equal(d.message, `${original.message} (confirmed at runtime)`);
      assert.equal(d.data?.confirmedAtRuntime, true);
      assert.deepEqual(d.range, original.range);
    }
    const runtime = byCode.get('SQA000')!;
    assert.equal(runtime.source, 'sqla-upgrade');
    assert.equal(runtime.severity, 2, 'Warning');
    assert.equal(runtime.message, 'SADeprecationWarning: The create_engine.case_sensitive parameter is deprecated');
    assert.deepEqual(runtime.range, { start: { line: 3, character: 0 }, end: { line: 3, character: APP.split('\n')[3].length } });
    assert.equal(runtime.data?.id, 'runtime-warning');
  });

  it('keeps the warnings it holds when a file is not warning records', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    fs.writeFileSync(bad, '{"category": "RemovedIn20Warning", "message": "m", "file": "/x.py", "line": 1}\nnot json\n');
    await assert.rejects(client.request('sqlaUpgrade/importRuntimeWarnings', { file: bad }), /bad\.jsonl:2: not valid JSON/);
    await assert.rejects(client.request('sqlaUpgrade/importRuntimeWarnings', { file: path.join(dir, 'missing.jsonl') }), /no such file/);
    // A configuration change publishes again: still with the imported warnings.
    const seen = count(client, uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const diagnostics = await publishedAfter(client, uri, seen);
    assert.ok(diagnostics.some((d) => d.code === 'SQA000'));
  });

  it('a finding turned off in the settings still explains its warning', async () => {
    client.configuration = { enable: true, fix: { includeReview: false }, rules: { SQA101: 'off', SQA106: 'off' } };
    const seen = count(client, uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const diagnostics = await publishedAfter(client, uri, seen);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['SQA000', 3]]);
  });

  it('an SQA000 severity comes from the settings, and `off` hides it', async () => {
    client.configuration = { enable: true, fix: { includeReview: false }, rules: { SQA000: 'error' } };
    let seen = count(client, uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    let diagnostics = await publishedAfter(client, uri, seen);
    assert.equal(diagnostics.find((d) => d.code === 'SQA000')?.severity, 1);
    client.configuration = { enable: true, fix: { includeReview: false }, rules: { SQA000: 'off' } };
    seen = count(client, uri);
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    diagnostics = await publishedAfter(client, uri, seen);
    assert.deepEqual(diagnostics.map((d) => d.code).sort(), ['SQA101', 'SQA106']);
  });

  it('an empty file clears the marks', async () => {
    const empty = path.join(dir, 'empty.jsonl');
    fs.writeFileSync(empty, '');
    const seen = count(client, uri);
    assert.deepEqual(await client.request('sqlaUpgrade/importRuntimeWarnings', { file: pathToFileURL(empty).href }), { warnings: 0, files: 0 });
    const diagnostics = await publishedAfter(client, uri, seen);
    assert.deepEqual(diagnostics.map((d) => d.code).sort(), ['SQA101', 'SQA106']);
    assert.ok(diagnostics.every((d) => !d.message.endsWith('(confirmed at runtime)')));
  });
});
