import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LspTestClient, type DocumentDiagnosticReport, type PublishedDiagnostics, waitFor } from './lspClient';
import type { ProgressReport } from '../../server/src/protocol';
import { LEGACY } from './samples';

const LEGACY_CORE = 'from sqlalchemy import select\n\nstmt = select([users.c.id])\n';
const MODERN = 'from sqlalchemy import select\n\nstmt = select(users.c.id)\n';

const REQUEST_CANCELLED = -32800;
const SERVER_CANCELLED = -32802;

/** An edit adding one more `Query.get()` (SQA401) at the end of LEGACY, as line `line`. */
function addGet(line: number, name = 'other') {
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `${name} = session.query(Order).get(7)\n` };
}

function codes(items: PublishedDiagnostics['diagnostics']): string[] {
  return items.map((d) => d.code ?? '').sort();
}

function full(report: DocumentDiagnosticReport): Extract<DocumentDiagnosticReport, { kind: 'full' }> {
  assert.equal(report.kind, 'full');
  return report as Extract<DocumentDiagnosticReport, { kind: 'full' }>;
}

async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}


/** Holds the server's next `workspace/configuration` answers until `release()`. */
function holdSettings(client: LspTestClient): { release: () => void } {
  let release!: () => void;
  client.configurationGate = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => {
      client.configurationGate = undefined;
      release();
    },
  };
}

/** Empties the server's settings cache, so that its next analysis has to ask for them again. */
function configurationChanged(client: LspTestClient): Promise<void> {
  return client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
}

/** Versions the server analyzed for `uri`, from its `$/logTrace` messages. */
function analyzedVersions(client: LspTestClient, uri: string): number[] {
  const prefix = `analyzed ${uri} version `;
  return client.traces.filter((t) => t.startsWith(prefix)).map((t) => Number.parseInt(t.slice(prefix.length), 10));
}

describe('pull diagnostics over JSON-RPC', () => {
  let pull: LspTestClient;
  let push: LspTestClient;
  let pullCapabilities: Record<string, unknown>;
  let pushCapabilities: Record<string, unknown>;

  before(async () => {
    pull = new LspTestClient();
    push = new LspTestClient();
    [{ capabilities: pullCapabilities }, { capabilities: pushCapabilities }] = await Promise.all([pull.initialize({}, null, { pullDiagnostics: true }), push.initialize()]);
  });
  after(() => Promise.all([pull.shutdown(), push.shutdown()]));

  it('declares a diagnostic provider to clients that pull, and none to those that do not', () => {
    assert.deepEqual(pullCapabilities.diagnosticProvider, { identifier: 'sqla-upgrade', interFileDependencies: true, workspaceDiagnostics: true });
    assert.equal(pushCapabilities.diagnosticProvider, undefined);
  });

  it('answers a pull with what push publishes for the same text, and publishes nothing', async () => {
    const uri = 'file:///work/app/pulled.py';
    await Promise.all([pull.open(uri, LEGACY), push.open(uri, LEGACY)]);
    const pushed = await push.diagnosticsFor(uri, 1);
    const report = full(await pull.pull(uri));
    assert.equal(typeof report.resultId, 'string');
    assert.deepEqual(report.items, pushed.diagnostics);
    assert.deepEqual(codes(report.items), ['SQA101', 'SQA106', 'SQA401', 'SQA402']);
    await settle();
    assert.deepEqual(pull.published, [], 'a client that pulls gets no publishDiagnostics');
  });

  it('answers "unchanged" for the current result id, and a new full report after an edit', async () => {
    const uri = 'file:///work/app/pulled.py';
    const first = full(await pull.pull(uri));
    assert.deepEqual(await pull.pull(uri, first.resultId), { kind: 'unchanged', resultId: first.resultId });
    await Promise.all([pull.change(uri, 2, [addGet(8)]), push.change(uri, 2, [addGet(8)])]);
    const pushed = await push.diagnosticsFor(uri, 2);
    const second = full(await pull.pull(uri, first.resultId));
    assert.notEqual(second.resultId, first.resultId);
    assert.deepEqual(second.items, pushed.diagnostics);
    assert.equal(second.items.filter((d) => d.code === 'SQA401').length, 2);
  });

  it('answers "unchanged" after an edit that leaves every diagnostic where it was, and in full after one that moves them', async () => {
    const uri = 'file:///work/app/typed_in.py';
    await pull.open(uri, LEGACY);
    const first = full(await pull.pull(uri));
    assert.equal(first.items.length, 4);
    // A comment typed on a line of its own below the findings: version 2, same diagnostics.
    const comment = { range: { start: { line: 8, character: 0 }, end: { line: 8, character: 0 } }, text: '# checked by hand\n' };
    await pull.change(uri, 2, [comment]);
    assert.deepEqual(await pull.pull(uri, first.resultId), { kind: 'unchanged', resultId: first.resultId });
    // Only the report the client holds counts: another id gets the full report.
    assert.deepEqual(full(await pull.pull(uri, 'not-a-result-id')).items, first.items);
    // A line added above them moves every diagnostic down one line.
    await pull.change(uri, 3, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'import os\n' }]);
    const moved = full(await pull.pull(uri, first.resultId));
    assert.notEqual(moved.resultId, first.resultId);
    assert.deepEqual(moved.items.map((d) => d.range.start.line), first.items.map((d) => d.range.start.line + 1));
    // Typing inside the text a diagnostic covers (`get(5)` -> `get(55)`) widens it: in full again.
    await pull.change(uri, 4, [{ range: { start: { line: 6, character: 31 }, end: { line: 6, character: 32 } }, text: '55' }]);
    const widened = full(await pull.pull(uri, moved.resultId));
    const get = widened.items.find((d) => d.code === 'SQA401')!;
    const before = moved.items.find((d) => d.code === 'SQA401')!;
    assert.equal(get.range.end.character, before.range.end.character + 1);
    // From a full report on, its id is the one that `unchanged` answers with.
    await pull.change(uri, 5, [{ range: { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } }, text: '# done\n' }]);
    assert.deepEqual(await pull.pull(uri, widened.resultId), { kind: 'unchanged', resultId: widened.resultId });
    await pull.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  it('keeps the progress report current for open documents that were never pulled', async () => {
    const uri = 'file:///work/app/unpulled.py';
    await pull.open(uri, LEGACY);
    const file = await waitFor(async () => (await pull.request<ProgressReport>('sqlaUpgrade/progress', null)).files.find((f) => f.uri === uri));
    assert.equal(file.findings.length, 4);
  });

  it('asks the client to pull again when the settings change, and reports under the new settings', async () => {
    const uri = 'file:///work/app/pulled.py';
    const before = full(await pull.pull(uri));
    const asked = pull.refreshRequests;
    pull.configuration = { enable: true, fix: { includeReview: false }, rules: { SQA401: 'off' } };
    try {
      await configurationChanged(pull);
      await waitFor(() => (pull.refreshRequests > asked ? true : undefined));
      const after = full(await pull.pull(uri, before.resultId));
      assert.notEqual(after.resultId, before.resultId);
      assert.deepEqual(codes(after.items), ['SQA101', 'SQA106', 'SQA402']);
    } finally {
      pull.configuration = { enable: true, fix: { includeReview: false }, rules: {} };
      await configurationChanged(pull);
    }
  });
});

describe('cancellation of stale work', () => {
  let client: LspTestClient;
  const uri = 'file:///work/app/stale.py';

  before(async () => {
    client = new LspTestClient();
    await client.initialize({}, null, { pullDiagnostics: true });
    await client.setTrace('messages');
    await client.open(uri, LEGACY);
    full(await client.pull(uri));
  });
  after(() => client.shutdown());

  it('answers RequestCancelled to $/cancelRequest for requests that wait', async () => {
    const held = holdSettings(client);
    try {
      await configurationChanged(client);
      const codeActions = client.cancellableRequest('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 5, character: 10 }, end: { line: 5, character: 10 } },
        context: { diagnostics: [] },
      });
      const pulled = client.cancellableRequest('textDocument/diagnostic', { textDocument: { uri } });
      await settle(100);
      codeActions.cancel();
      pulled.cancel();
      const [actions, report] = await Promise.all([codeActions.result, pulled.result]);
      assert.equal(actions.error?.code, REQUEST_CANCELLED, `code actions: ${JSON.stringify(actions)}`);
      assert.equal(report.error?.code, REQUEST_CANCELLED, `pull: ${JSON.stringify(report)}`);
    } finally {
      held.release();
    }
  });

  it('ends a pull with ServerCancelled (retrigger) when a newer version arrives, never with old diagnostics', async () => {
    const held = holdSettings(client);
    let outcome;
    try {
      await configurationChanged(client);
      const pending = client.cancellableRequest<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri } });
      await settle(100);
      await client.change(uri, 2, [addGet(8)]);
      outcome = await pending.result;
    } finally {
      held.release();
    }
    if (outcome.value) {
      // A report here would have to be for version 2 (two Query.get() calls).
      assert.equal(full(outcome.value).items.filter((d) => d.code === 'SQA401').length, 2, 'a stale report for version 1');
      assert.fail('expected ServerCancelled, got a report');
    }
    assert.equal(outcome.error?.code, SERVER_CANCELLED);
    assert.deepEqual(outcome.error?.data, { retriggerRequest: true });
    const retried = full(await client.pull(uri));
    assert.equal(retried.items.filter((d) => d.code === 'SQA401').length, 2);
  });

  for (const mode of ['push', 'pull'] as const) {
    it(`analyzes only the newest of a burst of 20 edits (${mode})`, async () => {
      const burstUri = `file:///work/app/burst_${mode}.py`;
      const burst = mode === 'push' ? new LspTestClient() : client;
      try {
        if (mode === 'push') {
          await burst.initialize();
          await burst.setTrace('messages');
          await burst.open(burstUri, LEGACY);
          await burst.diagnosticsFor(burstUri, 1);
        } else {
          await burst.open(burstUri, LEGACY);
          full(await burst.pull(burstUri));
        }
        assert.deepEqual(analyzedVersions(burst, burstUri), [1]);
        // The analysis scheduled by the settings change waits for settings while the edits arrive.
        const held = holdSettings(burst);
        try {
          await configurationChanged(burst);
          for (let version = 2; version <= 21; version++) void burst.change(burstUri, version, [addGet(8 + version - 2, `x${version}`)]);
          await settle(200);
        } finally {
          held.release();
        }
        const items = mode === 'push' ? (await burst.diagnosticsFor(burstUri, 21)).diagnostics : full(await burst.pull(burstUri)).items;
        assert.equal(items.filter((d) => d.code === 'SQA401').length, 21);
        await settle();
        assert.deepEqual(analyzedVersions(burst, burstUri), [1, 21]);
        if (mode === 'push') assert.deepEqual(burst.published.filter((p) => p.uri === burstUri).map((p) => p.version), [1, 21]);
      } finally {
        if (mode === 'push') await burst.shutdown();
      }
    });
  }
});

describe('workspace diagnostics over JSON-RPC', () => {
  let client: LspTestClient;
  let folder: string;
  const uriOf = (name: string) => pathToFileURL(path.join(folder, name)).toString();
  const legacyNames = Array.from({ length: 60 }, (_, i) => `app/legacy_${String(i).padStart(2, '0')}.py`);
  const configuration = (workspace: boolean) => ({ enable: true, fix: { includeReview: false }, rules: {}, diagnostics: { workspace } });
  type WorkspaceReport = { kind: 'full' | 'unchanged'; uri: string; version: number | null; resultId: string; items?: PublishedDiagnostics['diagnostics'] };
  const reportsOf = (partials: unknown[]) => partials.flatMap((p) => (p as { items: WorkspaceReport[] }).items);
  let received: WorkspaceReport[] = [];

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-pull-'));
    fs.mkdirSync(path.join(folder, 'app'));
    for (const name of legacyNames) fs.writeFileSync(path.join(folder, name), LEGACY_CORE);
    fs.writeFileSync(path.join(folder, 'app', 'modern.py'), MODERN);
    fs.writeFileSync(path.join(folder, 'app', 'opened.py'), LEGACY_CORE);
    client = new LspTestClient();
    client.configuration = configuration(false);
    await client.initialize({}, [{ uri: pathToFileURL(folder).toString(), name: 'ws' }], { pullDiagnostics: true });
    await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return !r.scan.running && r.scan.total === 62 ? true : undefined;
    });
    await client.open(uriOf('app/opened.py'), LEGACY_CORE);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('reports no closed files while sqlaUpgrade.diagnostics.workspace is off (the default)', async () => {
    assert.deepEqual(await client.request('workspace/diagnostic', { identifier: 'sqla-upgrade', previousResultIds: [] }), { items: [] });
  });

  it('streams closed files as partial results on a request that stays open, once the setting is on', async () => {
    const request = client.requestWithPartials('workspace/diagnostic', { identifier: 'sqla-upgrade', previousResultIds: [] });
    await settle();
    assert.deepEqual(reportsOf(request.partials), [], 'nothing while off');
    client.configuration = configuration(true);
    await configurationChanged(client);
    received = await waitFor(() => {
      const reports = reportsOf(request.partials);
      return reports.length >= legacyNames.length ? reports : undefined;
    });
    assert.ok(request.partials.length >= 2, `in batches, got ${request.partials.length}`);
    assert.deepEqual(received.map((r) => r.uri).sort(), legacyNames.map(uriOf).sort(), 'closed legacy files only: not the open one, not the clean one');
    for (const report of received) {
      assert.equal(report.kind, 'full');
      assert.equal(report.version, null);
      assert.deepEqual(codes(report.items!), ['SQA201']);
    }
    // The open file's findings come from the document pull only.
    assert.deepEqual(codes(full(await client.pull(uriOf('app/opened.py'))).items), ['SQA201']);

    // Still open: a file changed on disk arrives on the same request.
    const changed = uriOf(legacyNames[0]);
    fs.writeFileSync(path.join(folder, legacyNames[0]), MODERN);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: changed, type: 2 }] });
    const update = await waitFor(() => reportsOf(request.partials).slice(received.length).find((r) => r.uri === changed));
    assert.deepEqual(update.items, []);
    request.cancel();
    assert.equal((await request.result).error?.code, REQUEST_CANCELLED);
    received = received.map((r) => (r.uri === changed ? update : r));
  });

  it('answers "unchanged" for the result ids the client holds, and only the changed file in full', async () => {
    const changed = uriOf(legacyNames[1]);
    fs.writeFileSync(path.join(folder, legacyNames[1]), LEGACY_CORE + 'again = select([users.c.name])\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: changed, type: 2 }] });
    const previousResultIds = received.map((r) => ({ uri: r.uri, value: r.resultId }));
    const answer = await waitFor(async () => {
      const result = await client.request<{ items: WorkspaceReport[] }>('workspace/diagnostic', { identifier: 'sqla-upgrade', previousResultIds });
      return result.items.some((r) => r.uri === changed && r.kind === 'full') ? result : undefined;
    });
    const byKind = (kind: string) => answer.items.filter((r) => r.kind === kind);
    assert.deepEqual(byKind('full').map((r) => r.uri), [changed]);
    assert.equal(byKind('full')[0].items!.length, 2);
    assert.equal(byKind('unchanged').length, legacyNames.length - 1);
  });

  it('answers a pull for a file just closed from the disk, as the workspace report does', async () => {
    const uri = uriOf('app/opened.py');
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } }, text: MODERN }]);
    assert.deepEqual(full(await client.pull(uri)).items, []);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual(codes(full(await client.pull(uri)).items), ['SQA201'], 'the disk still has the legacy call');
    const { items } = await client.request<{ items: WorkspaceReport[] }>('workspace/diagnostic', { identifier: 'sqla-upgrade', previousResultIds: [] });
    assert.deepEqual(codes(items.find((r) => r.uri === uri)!.items!), ['SQA201']);
  });
});
