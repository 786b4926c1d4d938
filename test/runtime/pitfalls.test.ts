// Pitfall fixes that are meant to change behaviour: each program under test/runtime/pitfalls
// prints one line per case, and every case of the legacy program fails ("<Error>: ...") on
// SQLAlchemy 1.4. After `fix` (safe fixes only) the program must print <name>.after.txt exactly,
// with the 2.0 warnings as errors. Runtime checks of fixes that keep behaviour are in runtime.test.ts.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const HARNESS = path.join(ROOT, 'test', 'runtime', 'harness.py');
const PITFALLS_DIR = path.join(ROOT, 'test', 'runtime', 'pitfalls');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PYTHON = '/usr/bin/python3';

const programs = fs.readdirSync(PITFALLS_DIR).filter((name) => name.endsWith('.py')).sort();
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-pitfalls-'));

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  if (result.error) throw result.error;
  return result;
}

function outputLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

after(() => fs.rmSync(tempRoot, { recursive: true, force: true }));

describe('runtime: pitfall fixes turn failing cases into working ones', () => {
  for (const name of programs) {
    test(name, () => {
      const program = path.join(PITFALLS_DIR, name);
      const expected = outputLines(fs.readFileSync(program.replace(/\.py$/, '.after.txt'), 'utf8'));
      if (run(PYTHON, ['-c', 'import sqlalchemy']).status !== 0) return assert.fail(`${PYTHON} cannot import sqlalchemy (see runtime.test.ts)`);

      const legacy = run(PYTHON, [HARNESS, program]);
      assert.equal(legacy.status, 0, `the legacy program failed as a whole:\n${legacy.stderr}`);
      const legacyLines = outputLines(legacy.stdout);
      assert.equal(legacyLines.length, expected.length, 'the legacy program prints one line per case');
      for (const line of legacyLines) assert.match(line, /^\w+Error: /, 'every legacy case should fail');

      assert.ok(fs.existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
      const copy = path.join(fs.mkdtempSync(path.join(tempRoot, 'fixed-')), name);
      fs.copyFileSync(program, copy);
      const fix = run(process.execPath, [CLI, 'fix', copy]);
      assert.ok(fix.status === 0 || fix.status === 1, `fix exited with ${fix.status}:\n${fix.stderr}`);

      const fixed = run(PYTHON, [HARNESS, '--strict', copy]);
      assert.equal(fixed.status, 0, `the fixed program failed:\n${fixed.stderr}`);
      assert.deepEqual(outputLines(fixed.stdout), expected);
    });
  }
});
