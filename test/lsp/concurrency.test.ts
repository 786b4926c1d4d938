import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspTestClient } from './lspClient';

const TEXT = 'from sqlalchemy.orm import Session\nsession = Session()\nuser = session.query(User).get(5)\n';

async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

describe('the server under rapid and out-of-date traffic', () => {
  let client: LspTestClient;
  before(async () => {
    client = new LspTestClient();
    await client.initialize();
  });
  after(() => client.shutdown());

  it('answers a burst of edits for the newest version, never going back to an older one', async () => {
    const uri = 'file:///work/app/burst.py';
    await client.open(uri, TEXT);
    await client.diagnosticsFor(uri, 1);
    for (let version = 2; version <= 31; version++) {
      void client.change(uri, version, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: `x${version} = ${version}\n` }]);
    }
    const last = await client.diagnosticsFor(uri, 31);
    assert.equal(last.diagnostics.filter((d) => d.code === 'SQA401').length, 1);
    const versions = client.published.filter((p) => p.uri === uri).map((p) => p.version ?? 0);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'published versions only grow');
  });

  it('publishes nothing stale after a close that follows an edit at once', async () => {
    const uri = 'file:///work/app/closed.py';
    await client.open(uri, TEXT);
    await client.diagnosticsFor(uri, 1);
    void client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await settle();
    const forUri = client.published.filter((p) => p.uri === uri);
    assert.deepEqual(forUri[forUri.length - 1].diagnostics, [], 'the last word after a close is "no diagnostics"');
  });

  it('gives no edit for a fix-all computed on a version the document has left', async () => {
    const uri = 'file:///work/app/stale.py';
    await client.open(uri, TEXT);
    await client.diagnosticsFor(uri, 1);
    const actions = await client.request<Array<{ title: string; kind: string; data?: unknown; edit?: unknown }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.sqla-upgrade'] },
    });
    assert.equal(actions.length, 1);
    await client.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
    await client.diagnosticsFor(uri, 2);
    const resolved = await client.request<{ edit?: unknown }>('codeAction/resolve', actions[0]);
    assert.equal(resolved.edit, undefined);
    const fresh = await client.request<Array<{ data?: unknown }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.sqla-upgrade'] },
    });
    const again = await client.request<{ edit?: { documentChanges: Array<{ textDocument: { version: number } }> } }>('codeAction/resolve', fresh[0]);
    assert.equal(again.edit?.documentChanges[0].textDocument.version, 2);
  });
});
