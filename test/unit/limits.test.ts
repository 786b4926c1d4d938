import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisEngine } from '../../server/src/engine/engine';

/** Inputs whose depth would overflow a recursive walk of the tree. */
const DEEP_INPUTS: Record<string, string> = {
  'a 20,000-long attribute chain': 'import sqlalchemy as sa\nx = sa' + '.a'.repeat(20000) + '\n',
  'a query chain of 20,000 builder calls': 'from sqlalchemy.orm import Session\ns = Session()\nx = s.query(User)' + '.filter(x)'.repeat(20000) + '.all()\n',
  '5,000 nested lists': 'import sqlalchemy as sa\nx = ' + '['.repeat(5000) + ']'.repeat(5000) + '\n',
  'a 50,000-term sum': 'import sqlalchemy as sa\nx = ' + 'a + '.repeat(50000) + '1\n',
  'a query variable rebuilt 5,000 times': 'from sqlalchemy.orm import Session\ns = Session()\nq = s.query(U)\n' + 'q = q.filter(x)\n'.repeat(5000) + 'q.all()\n',
  '3,000 nested parentheses around a finding': 'from sqlalchemy.orm import Session\ns = Session()\nv = ' + '('.repeat(3000) + 's.query(User).get(1)' + ')'.repeat(3000) + '\n',
};

test('deeply nested or very long code neither overflows the stack nor breaks fix-all', async () => {
  const engine = await AnalysisEngine.create();
  for (const [name, text] of Object.entries(DEEP_INPUTS)) {
    assert.doesNotThrow(() => engine.analyzeText(text), `analysis of ${name}`);
    assert.doesNotThrow(() => engine.fixText(text, { includeReview: true }), `fix-all of ${name}`);
  }
});

test('a query variable rebuilt many times is still known as a Query', async () => {
  const engine = await AnalysisEngine.create();
  const { findings } = engine.analyzeText(DEEP_INPUTS['a query variable rebuilt 5,000 times']);
  assert.ok(findings.some((f) => f.code === 'SQA402'));
});
