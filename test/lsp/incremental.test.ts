import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspTestClient } from './lspClient';
import { Rng, generateEditModule } from '../../scripts/benchCorpus';

/** What a client shows of a diagnostic; two documents with the same text must show the same. */
function shown(diagnostics: Array<{ code?: unknown; range: unknown; message: string }>): string[] {
  return diagnostics.map((d) => JSON.stringify([d.code, d.range, d.message])).sort();
}

describe('diagnostics of an edited document', () => {
  let client: LspTestClient;
  before(async () => {
    client = new LspTestClient();
    await client.initialize();
  });
  after(() => client.shutdown());

  it('equal those of a document opened with the final text, after many small edits', async () => {
    const text = generateEditModule('incremental lsp module', 1500);
    const lines = text.split('\n');
    const uri = 'file:///work/app/edited.py';
    await client.open(uri, text);
    await client.diagnosticsFor(uri, 1, 60000);
    const rng = new Rng('incremental lsp edits');
    let version = 1;
    for (let i = 0; i < 60; i++) {
      // A letter into a name, a whole line removed, or a line doubled.
      const line = rng.int(0, lines.length - 2);
      const kind = rng.int(0, 2);
      let change;
      if (kind === 0) {
        const word = /[A-Za-z_]{3,}/.exec(lines[line]);
        if (!word) continue;
        const character = word.index + 1;
        lines[line] = lines[line].slice(0, character) + 'q' + lines[line].slice(character);
        change = { range: { start: { line, character }, end: { line, character } }, text: 'q' };
      } else if (kind === 1) {
        lines.splice(line, 1);
        change = { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' };
      } else {
        lines.splice(line, 0, lines[line]);
        change = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: `${lines[line]}\n` };
      }
      await client.change(uri, ++version, [change]);
    }
    const edited = await client.diagnosticsFor(uri, version, 60000);
    const fresh = 'file:///work/app/fresh.py';
    await client.open(fresh, lines.join('\n'));
    const opened = await client.diagnosticsFor(fresh, 1, 60000);
    assert.ok(opened.diagnostics.length > 20, 'the module has findings to compare');
    assert.deepEqual(shown(edited.diagnostics), shown(opened.diagnostics));
  });
});
