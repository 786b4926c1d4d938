import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/engine/lines';
import { WordIndex } from '../../server/src/semantics/wordIndex';
import type { UnitSummary } from '../../server/src/semantics/model';

/** A small deterministic generator, so that a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function positions(index: LineIndex, length: number): string {
  const out: string[] = [];
  for (let offset = 0; offset <= length; offset++) {
    const { line, character } = index.position(offset);
    out.push(`${line}:${character}`);
  }
  return out.join(' ');
}

test('a line index made from the one before an edit answers as one made afresh', () => {
  const random = seeded(7);
  const pieces = ['a', 'bc', '\n', '\n\n', 'x = 1\n', '', '# c\n'];
  let text = 'import os\nx = 1\n\ndef f():\n    return x\n';
  let index = new LineIndex(text);
  for (let round = 0; round < 500; round++) {
    const at = Math.floor(random() * (text.length + 1));
    const removed = Math.min(text.length - at, Math.floor(random() * 6));
    const inserted = pieces[Math.floor(random() * pieces.length)];
    const next = text.slice(0, at) + inserted + text.slice(at + removed);
    // The replaced span widened to whole lines, as the incremental analysis gives it.
    const from = at === 0 ? 0 : text.lastIndexOf('\n', at - 1) + 1;
    const oldLineEnd = text.indexOf('\n', at + removed);
    const oldTo = oldLineEnd === -1 ? text.length : oldLineEnd;
    const newTo = oldTo + next.length - text.length;
    index = LineIndex.afterEdit(index, next, from, oldTo, newTo);
    const fresh = new LineIndex(next);
    assert.equal(index.lineCount, fresh.lineCount, `round ${round}`);
    assert.equal(positions(index, next.length), positions(fresh, next.length), `round ${round}`);
    for (let line = 0; line < fresh.lineCount; line++) assert.equal(index.lineEnd(line), fresh.lineEnd(line));
    text = next;
  }
});

test('after an edit that brings in a carriage return, the line index reads the whole text', () => {
  const before = 'a = 1\nb = 2\n';
  const after = 'a = 1\r\nb = 2\n';
  const index = LineIndex.afterEdit(new LineIndex(before), after, 0, 5, 6);
  assert.equal(positions(index, after.length), positions(new LineIndex(after), after.length));
  assert.deepEqual(index.position(after.indexOf('b')), { line: 1, character: 0 });
});

test('the word index finds the statements that spell a word until they are removed', () => {
  const summary = (words: string[]): UnitSummary => ({ words: new Set(words), moduleNames: [], exports: [], importRoots: [] });
  const query = summary(['session', 'query']);
  const select = summary(['select', 'session']);
  const index = WordIndex.of([query, select]);
  assert.deepEqual([...(index.spelling('session') ?? [])], [query, select]);
  index.remove(query);
  assert.deepEqual([...(index.spelling('session') ?? [])], [select]);
  assert.equal(index.spelling('query'), undefined);
  index.add(query);
  assert.deepEqual([...(index.spelling('query') ?? [])], [query]);
});
