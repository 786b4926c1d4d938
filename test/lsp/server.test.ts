import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient, waitFor } from './lspClient';
import { LEGACY } from './samples';

interface LspTextEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}
interface VersionedEdit {
  documentChanges: Array<{ textDocument: { uri: string; version: number }; edits: LspTextEdit[] }>;
}
interface CodeAction {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  edit?: VersionedEdit;
  data?: unknown;
  diagnostics?: unknown[];
}


function applyEdit(text: string, edit: VersionedEdit): string {
  const document = TextDocument.create('file:///x.py', 'python', 1, text);
  return TextDocument.applyEdits(document, edit.documentChanges.flatMap((c) => c.edits));
}

describe('language server over JSON-RPC', () => {
  let client: LspTestClient;
  let capabilities: Record<string, unknown>;

  before(async () => {
    client = new LspTestClient();
    ({ capabilities } = await client.initialize());
  });
  after(() => client.shutdown());

  it('declares incremental sync, hover, quick fixes, source.fixAll and the migrate command', () => {
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: 2 });
    assert.equal(capabilities.hoverProvider, true);
    const codeActions = capabilities.codeActionProvider as { codeActionKinds: string[] };
    assert.ok(codeActions.codeActionKinds.includes('quickfix'));
    assert.ok(codeActions.codeActionKinds.includes('source.fixAll.sqla-upgrade'));
    assert.deepEqual((capabilities.executeCommandProvider as { commands: string[] }).commands, ['sqlaUpgrade.server.migrateFile']);
  });

  it('publishes diagnostics with code, source, guide link and severity by tier', async () => {
    const uri = 'file:///work/app/publish.py';
    await client.open(uri, LEGACY);
    const { diagnostics, version } = await client.diagnosticsFor(uri, 1);
    assert.equal(version, 1);
    const byCode = new Map(diagnostics.map((d) => [d.code, d]));
    assert.deepEqual([...byCode.keys()].sort(), ['SQA101', 'SQA106', 'SQA401', 'SQA402']);
    const get = byCode.get('SQA401')!;
    assert.equal(get.source, 'sqla-upgrade');
    assert.equal(get.severity, 3, 'legacy tier is Information');
    assert.equal(byCode.get('SQA101')!.severity, 2, 'removed tier is Warning');
    assert.match(get.codeDescription!.href, /^https:\/\/docs\.sqlalchemy\.org\/en\/20\/changelog\/migration_20\.html#migration-20-get-to-session$/);
    assert.deepEqual(get.range, { start: { line: 5, character: 7 }, end: { line: 5, character: 33 } });
  });

  it('follows incremental edits and keeps diagnostics outside a syntax error', async () => {
    const uri = 'file:///work/app/edits.py';
    await client.open(uri, LEGACY);
    await client.diagnosticsFor(uri, 1);
    // Break line 7 (the `.all()` chain) and add a new legacy call at the end.
    await client.change(uri, 2, [
      { range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } }, text: 'if (:\n' },
      { range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } }, text: 'other = session.query(Order).get(7)\n' },
    ]);
    const { diagnostics } = await client.diagnosticsFor(uri, 2);
    const gets = diagnostics.filter((d) => d.code === 'SQA401').map((d) => d.range.start.line);
    assert.deepEqual(gets, [5, 9], 'both Query.get findings, the new one on its new line');
    assert.ok(!diagnostics.some((d) => d.range.start.line === 6), 'nothing reported inside the broken line');
    // Undo the breakage: the chain on line 8 (now 7 again) is found once more.
    await client.change(uri, 3, [{ range: { start: { line: 6, character: 0 }, end: { line: 7, character: 0 } }, text: '' }]);
    const fixed = await client.diagnosticsFor(uri, 3);
    assert.ok(fixed.diagnostics.some((d) => d.code === 'SQA402' && d.range.start.line === 6));
  });

  it('shows the rule documentation on hover', async () => {
    const uri = 'file:///work/app/hover.py';
    await client.open(uri, LEGACY);
    await client.diagnosticsFor(uri, 1);
    const hover = await client.request<{ contents: { kind: string; value: string } } | null>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 5, character: 20 },
    });
    assert.ok(hover);
    assert.equal(hover.contents.kind, 'markdown');
    for (const section of ['SQA401 query-get', 'What it does', 'Why', 'Example', 'Use instead', 'Fix safety', 'session.get(User, 5)', 'migration-20-get-to-session']) {
      assert.ok(hover.contents.value.includes(section), `hover lacks "${section}"`);
    }
    const nothing = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 2 } });
    assert.equal(nothing, null);
  });

  it('offers the fix, fix-all-of-rule and ignore-on-line, with versioned edits', async () => {
    const uri = 'file:///work/app/actions.py';
    await client.open(uri, LEGACY);
    const { diagnostics } = await client.diagnosticsFor(uri, 1);
    const range = { start: { line: 5, character: 10 }, end: { line: 5, character: 10 } };
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics: diagnostics.filter((d) => d.code === 'SQA401') },
    });
    const fix = actions.find((a) => a.title.startsWith('Use Session.get()'))!;
    assert.ok(fix, `no fix among ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true, 'a safe fix is preferred');
    assert.equal(fix.edit!.documentChanges[0].textDocument.version, 1);
    assert.ok(applyEdit(LEGACY, fix.edit!).includes('user = session.get(User, 5)\n'));

    const ignore = actions.find((a) => a.title === 'Ignore SQA401 on this line')!;
    const ignored = applyEdit(LEGACY, ignore.edit!);
    assert.ok(ignored.includes('user = session.query(User).get(5)  # sqla-upgrade: ignore[SQA401]\n'));
    await client.change(uri, 2, [{ text: ignored }]);
    const after = await client.diagnosticsFor(uri, 2);
    assert.ok(!after.diagnostics.some((d) => d.code === 'SQA401'), 'the ignore comment silences the finding');
    assert.ok(after.diagnostics.some((d) => d.code === 'SQA402'), 'other codes on other lines stay');
  });

  it('marks needs-review fixes as not preferred and resolves fix-all edits lazily', async () => {
    const uri = 'file:///work/app/review.py';
    const text = LEGACY + 'names = session.query(User).order_by(User.name).all()\n';
    await client.open(uri, text);
    await client.diagnosticsFor(uri, 1);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 6, character: 12 }, end: { line: 6, character: 12 } },
      context: { diagnostics: [] },
    });
    const review = actions.find((a) => a.title.includes('SQA402, needs review'))!;
    assert.ok(review, actions.map((a) => a.title).join(' | '));
    assert.equal(review.isPreferred, false);
    const all = actions.find((a) => a.title === 'Fix all SQA402 in this file')!;
    assert.equal(all.edit, undefined, 'computed on resolve');
    const resolved = await client.request<CodeAction>('codeAction/resolve', all);
    const fixed = applyEdit(text, resolved.edit!);
    assert.ok(fixed.includes('users = session.scalars(select(User).filter(User.id > 1)).all()'));
    assert.ok(fixed.includes('names = session.scalars(select(User).order_by(User.name)).all()'));
    assert.ok(fixed.includes('from sqlalchemy import create_engine, select'));
    assert.ok(fixed.includes('session.query(User).get(5)'), 'fix-all of one rule leaves the others');
  });

  it('source.fixAll applies safe fixes only', async () => {
    const uri = 'file:///work/app/fixall.py';
    await client.open(uri, LEGACY);
    await client.diagnosticsFor(uri, 1);
    const [action] = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.sqla-upgrade'] },
    });
    assert.equal(action.kind, 'source.fixAll.sqla-upgrade');
    const resolved = await client.request<CodeAction>('codeAction/resolve', action);
    const fixed = applyEdit(LEGACY, resolved.edit!);
    assert.ok(fixed.includes('session.get(User, 5)'), 'safe SQA401 applied');
    assert.ok(fixed.includes('session.query(User).filter(User.id > 1).all()'), 'review SQA402 not applied');
    assert.ok(fixed.includes('engine.execute('), 'review SQA101 not applied');
  });

  it('migrates a file through workspace/applyEdit and refuses a stale version', async () => {
    const uri = 'file:///work/app/migrate.py';
    await client.open(uri, LEGACY, 4);
    await client.diagnosticsFor(uri, 4);
    const stale = await client.request<{ applied: boolean; reason?: string }>('workspace/executeCommand', {
      command: 'sqlaUpgrade.server.migrateFile',
      arguments: [{ uri, version: 3 }],
    });
    assert.equal(stale.applied, false);
    assert.match(stale.reason!, /changed/);
    const before = client.appliedEdits.length;
    const result = await client.request<{ applied: boolean; fixes: number }>('workspace/executeCommand', {
      command: 'sqlaUpgrade.server.migrateFile',
      arguments: [{ uri, version: 4, includeReview: true }],
    });
    assert.equal(result.applied, true);
    assert.equal(client.appliedEdits.length, before + 1);
    const { edit } = client.appliedEdits[before] as { edit: VersionedEdit };
    assert.equal(edit.documentChanges[0].textDocument.version, 4);
    const migrated = applyEdit(LEGACY, edit);
    assert.equal(
      migrated,
      [
        'from sqlalchemy import create_engine, select, text',
        'from sqlalchemy.orm import Session',
        '',
        'engine = create_engine("sqlite://")',
        'session = Session(engine)',
        'user = session.get(User, 5)',
        'users = session.scalars(select(User).filter(User.id > 1)).all()',
        'with engine.begin() as conn:',
        '    conn.execute(text("DELETE FROM users"))',
        '',
      ].join('\n'),
    );
  });

  it('drops the diagnostics of a rule turned off in the settings', async () => {
    const uri = 'file:///work/app/settings.py';
    await client.open(uri, LEGACY);
    const first = await client.diagnosticsFor(uri, 1);
    assert.ok(first.diagnostics.some((d) => d.code === 'SQA402'));
    client.configuration = { enable: true, rules: { SQA402: 'off', SQA401: 'error' } };
    const count = client.published.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const republished = await waitFor(() => client.published.slice(count).find((p) => p.uri === uri), 5000, 10);
    assert.ok(!republished.diagnostics.some((d) => d.code === 'SQA402'));
    assert.equal(republished.diagnostics.find((d) => d.code === 'SQA401')!.severity, 1);
    client.configuration = { enable: true, rules: {} };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  });
});

describe("over Node's IPC channel, as the VS Code extension starts the server", () => {
  let client: LspTestClient;
  before(async () => {
    client = new LspTestClient(undefined, { transport: 'ipc' });
    await client.initialize();
  });
  after(() => client.shutdown());

  it('answers requests and follows edits', async () => {
    const uri = 'file:///work/app/over_ipc.py';
    await client.open(uri, LEGACY);
    const opened = await client.diagnosticsFor(uri, 1);
    assert.deepEqual(opened.diagnostics.map((d) => d.code).sort(), ['SQA101', 'SQA106', 'SQA401', 'SQA402']);
    // Deleting the last line takes its two findings (SQA101, SQA106) away.
    await client.change(uri, 2, [{ range: { start: { line: 7, character: 0 }, end: { line: 8, character: 0 } }, text: '' }]);
    const edited = await client.diagnosticsFor(uri, 2);
    assert.deepEqual(edited.diagnostics.map((d) => d.code).sort(), ['SQA401', 'SQA402']);
    const hover = await client.connection.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 5, character: 30 } });
    assert.match(hover?.contents.value ?? '', /SQA401/);
  });
});

describe('documents the server leaves alone', () => {
  let client: LspTestClient;
  before(async () => {
    client = new LspTestClient();
    await client.initialize();
  });
  after(() => client.shutdown());

  it('a document over sqlaUpgrade.maxFileSizeMB gets no findings and one message', async () => {
    const uri = 'file:///work/app/huge.py';
    const line = 'user = session.query(User).get(5)\n';
    client.configuration = { enable: true, rules: {}, maxFileSizeMB: 0.1 };
    await client.open(uri, 'from sqlalchemy.orm import Session\n' + line.repeat(4000));
    const { diagnostics } = await client.diagnosticsFor(uri, 1);
    assert.deepEqual(diagnostics, []);
    await client.change(uri, 2, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '#' }]);
    await client.diagnosticsFor(uri, 2);
    assert.equal(client.messages.filter((m) => m.includes('huge.py is not analyzed: larger than 0.1 MB')).length, 1);
  });
});

describe('sqlaUpgrade.targetVersion', () => {
  let client: LspTestClient;
  before(async () => {
    client = new LspTestClient();
    await client.initialize();
  });
  after(() => client.shutdown());

  it('turns on the 2.0-only typed-model rules without a reload', async () => {
    const uri = 'file:///work/app/target.py';
    const text = 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n';
    await client.open(uri, text);
    const first = await client.diagnosticsFor(uri, 1);
    assert.ok(!first.diagnostics.some((d) => d.code === 'SQA302'), 'not in the default 1.4-compatible mode');
    client.configuration = { enable: true, rules: {}, targetVersion: '2.0' };
    const count = client.published.length;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await waitFor(() => client.published.slice(count).find((p) => p.uri === uri && p.diagnostics.some((d) => d.code === 'SQA302')), 5000, 10);
  });
});

