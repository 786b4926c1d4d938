import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import { ReportMemory, sameJson } from '../../server/src/lsp/reportMemory';

function diagnostic(line: number, message = 'legacy call'): Diagnostic {
  return { range: { start: { line, character: 4 }, end: { line, character: 9 } }, severity: 2, code: 'SQA401', source: 'sqla-upgrade', message, data: { id: 'query-get', fix: 'safe' } };
}

describe('ReportMemory', () => {
  it('answers with the held result id only when the client holds it and the items are equal', () => {
    const memory = new ReportMemory();
    const uri = 'file:///app/a.py';
    assert.equal(memory.unchangedId(uri, 'r1', [diagnostic(1)]), undefined, 'nothing reported yet');
    memory.remember(uri, 'r1', [diagnostic(1), diagnostic(5)]);
    assert.equal(memory.unchangedId(uri, 'r1', [diagnostic(1), diagnostic(5)]), 'r1');
    assert.equal(memory.unchangedId(uri, undefined, [diagnostic(1), diagnostic(5)]), undefined, 'a first pull');
    assert.equal(memory.unchangedId(uri, 'r0', [diagnostic(1), diagnostic(5)]), undefined, 'the client holds an older report');
    assert.equal(memory.unchangedId(uri, 'r1', [diagnostic(1), diagnostic(6)]), undefined, 'one moved');
    assert.equal(memory.unchangedId(uri, 'r1', [diagnostic(1), diagnostic(5, 'other')]), undefined, 'one says something else');
    assert.equal(memory.unchangedId(uri, 'r1', [diagnostic(1)]), undefined, 'one fewer');
    assert.equal(memory.unchangedId('file:///app/b.py', 'r1', [diagnostic(1), diagnostic(5)]), undefined, 'another document');
    memory.forget(uri);
    assert.equal(memory.unchangedId(uri, 'r1', [diagnostic(1), diagnostic(5)]), undefined, 'closed');
  });

  it('compares as JSON: keys holding undefined are absent, arrays are not objects', () => {
    assert.ok(sameJson({ a: 1, b: undefined }, { a: 1 }));
    assert.ok(sameJson({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] }));
    assert.ok(!sameJson({ a: [1, 2] }, { a: [2, 1] }));
    assert.ok(!sameJson({ a: { 0: 1 } }, { a: [1] }));
    assert.ok(!sameJson({ a: null }, { a: {} }));
    assert.ok(!sameJson({ data: { fix: 'safe' } }, { data: { fix: 'review' } }));
  });
});
