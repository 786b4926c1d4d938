import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient } from './lspClient';

interface LspTextEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

// An emoji (a surrogate pair) and a CJK character before the finding on its line, more on the lines above.
const SOURCE = [
  'from sqlalchemy.orm import Session',
  'from app.models import User',
  '# \u{1F40D}\u{1F40D} \u4E2D\u6587',
  '',
  '',
  'def find(session: Session):',
  '    tag = "\u{1F600}\u4E2D"; return session.query(User).get(1)',
  '',
].join('\n');

describe('positions over JSON-RPC', () => {
  let client: LspTestClient;

  before(async () => {
    client = new LspTestClient();
    await client.initialize();
  });
  after(() => client.shutdown());

  it('a diagnostic after an emoji starts at its UTF-16 character, and its quick fix edits exactly the call', async () => {
    const uri = 'file:///work/app/emoji.py';
    await client.open(uri, SOURCE);
    const { diagnostics } = await client.diagnosticsFor(uri, 1);
    const get = diagnostics.find((d) => d.code === 'SQA401');
    assert.ok(get, JSON.stringify(diagnostics));
    // `    tag = "` 11 units, the emoji 2, the CJK character 1, `"; return ` 10: 24 (23 code points).
    assert.deepEqual(get.range, { start: { line: 6, character: 24 }, end: { line: 6, character: 24 + 'session.query(User).get(1)'.length } });

    const actions = await client.request<Array<{ title: string; isPreferred?: boolean; edit?: { documentChanges: Array<{ edits: LspTextEdit[] }> } }>>('textDocument/codeAction', {
      textDocument: { uri },
      range: get.range,
      context: { diagnostics: [get], only: ['quickfix'] },
    });
    const preferred = actions.find((a) => a.isPreferred && a.edit);
    assert.ok(preferred, JSON.stringify(actions.map((a) => a.title)));
    const document = TextDocument.create(uri, 'python', 1, SOURCE);
    const fixed = TextDocument.applyEdits(document, preferred.edit!.documentChanges.flatMap((c) => c.edits));
    assert.equal(fixed, SOURCE.replace('session.query(User).get(1)', 'session.get(User, 1)'));
  });
});
