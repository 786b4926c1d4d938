import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { createPythonParser } from '../../server/src/parse/parser';
import { fuzz, runCase, summaryLine } from './fuzzer';

const ROOT = path.resolve(__dirname, '../../..');

test('a bounded fuzz sample: no crash, ranges inside the text, no fix into or toward syntax errors', async () => {
  const parser = await createPythonParser();
  // A different slice of seeds every day keeps the sample moving while each run stays replayable.
  const seed = Number(process.env.FUZZ_SEED ?? 7 + Math.floor(Date.now() / 86400000));
  const totals = fuzz(parser, ROOT, Number(process.env.FUZZ_CASES ?? 400), seed);
  console.log(summaryLine(totals) + ` (seed ${seed})`);
  const first = totals.failures[0];
  assert.equal(totals.failures.length, 0, first && `seed ${first.seed} from ${first.source}: ${first.problem}`);
});

test('the checks catch what they look for', async () => {
  const parser = await createPythonParser();
  // A clean input passes; deep nesting, NUL and lone surrogates do not crash.
  assert.equal(runCase(parser, 'from sqlalchemy import select\nx = select([a])\n'), undefined);
  assert.equal(runCase(parser, 'x = ' + '('.repeat(3000) + '1' + ')'.repeat(3000) + '\n'), undefined);
  assert.equal(runCase(parser, 'from sqlalchemy import select\nx = select([a\u0000])\ny = "\uD800"\n'), undefined);
});
