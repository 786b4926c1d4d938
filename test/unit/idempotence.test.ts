// Fix-all is idempotent: over every runtime program and every fixture, applying all fixes (the safe
// ones, as `fix` and fix-on-save do, and with needs-review included, as `fix --unsafe` does) a second
// time changes nothing and finds nothing more to fix, and the fixed text has no more syntax errors
// than the original. Files that pin a target version with `# sqla-upgrade-test: target-version=...`
// are fixed for that target, the others for both.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { AnalysisEngine } from '../../server/src/engine/engine';

type Target = '1.4-compatible' | '2.0';

const ROOT = path.resolve(__dirname, '../../..');
const FOLDERS = [
  'test/runtime/programs',
  'test/runtime/pitfalls',
  'test/runtime/sql-equivalence',
  'test/fixtures/rules',
  'test/fixtures/near-miss',
  'test/fixtures/fuzz-regressions',
];
const TARGET_DIRECTIVE = /^# sqla-upgrade-test: target-version=(1\.4-compatible|2\.0)[ \t]*\r?$/;
const MAX_PASSES = 8;

function pythonFiles(folder: string): string[] {
  const dir = path.join(ROOT, folder);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((name) => name.endsWith('.py')).sort().map((name) => `${folder}/${name}`);
}

function targetsOf(text: string): Target[] {
  const pinned = TARGET_DIRECTIVE.exec(text.split('\n')[0])?.[1] as Target | undefined;
  return pinned ? [pinned] : ['1.4-compatible', '2.0'];
}

const files = FOLDERS.flatMap(pythonFiles);
const totals = { runs: 0, idempotent: 0, syntaxKept: 0, changed: 0, mostPasses: 0 };
const failures: string[] = [];

describe('fix-all is idempotent', () => {
  let engine: AnalysisEngine;
  before(async () => {
    engine = await AnalysisEngine.create();
  });

  after(() => {
    console.log(
      `idempotence: files ${files.length}, runs ${totals.runs}, changed by the first run ${totals.changed}, ` +
        `idempotent ${totals.idempotent}/${totals.runs}, no syntax errors added ${totals.syntaxKept}/${totals.runs}, most passes ${totals.mostPasses}`,
    );
    if (failures.length > 0) console.log(`idempotence: failing ${failures.join(', ')}`);
  });

  test('finds the files', () => {
    assert.ok(pythonFiles('test/runtime/programs').length > 0);
    assert.ok(pythonFiles('test/fixtures/rules').length > 0);
  });

  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const [targetVersion, includeReview] of targetsOf(text).flatMap((t) => [[t, false], [t, true]] as const)) {
      const label = `${file} (${targetVersion}, ${includeReview ? 'needs-review included' : 'safe only'})`;
      test(label, () => {
        totals.runs++;
        const options = { targetVersion, includeReview, maxPasses: MAX_PASSES };
        const once = engine.fixText(text, options);
        const twice = engine.fixText(once.text, options);
        const syntaxKept = engine.countSyntaxErrors(once.text) <= engine.countSyntaxErrors(text);
        const again = twice.applied.map((f) => `${f.code} ${f.title}`);
        const idempotent = twice.text === once.text && again.length === 0 && once.passes < MAX_PASSES;
        if (once.text !== text) totals.changed++;
        totals.mostPasses = Math.max(totals.mostPasses, once.passes);
        if (syntaxKept) totals.syntaxKept++;
        if (idempotent) totals.idempotent++;
        if (!idempotent || !syntaxKept) failures.push(label);

        assert.ok(syntaxKept, `fixing ${file} adds syntax errors`);
        assert.ok(once.passes < MAX_PASSES, `the first run over ${file} was still fixing after ${MAX_PASSES} passes`);
        const diff = () => createTwoFilesPatch(`once/${file}`, `twice/${file}`, once.text, twice.text, undefined, undefined, { context: 1 });
        assert.deepEqual(again, [], `a second run over ${file} applies more fixes:\n${diff()}`);
        assert.equal(twice.text, once.text, `a second run over ${file} changes the text:\n${diff()}`);
      });
    }
  }
});
