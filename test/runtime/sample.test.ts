import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '../../..');

function runMain(dir: string, strict: boolean): { stdout: string; stderr: string; status: number | null } {
  const args = strict ? ['-W', 'error::DeprecationWarning', 'main.py'] : ['-W', 'always', 'main.py'];
  const result = spawnSync('/usr/bin/python3', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, SQLALCHEMY_WARN_20: '1' } });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

test('the embedded sample project behaves the same after `fix --unsafe`, with 2.0 warnings as errors', () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-sample-'));
  fs.cpSync(path.join(root, 'sample/legacy_app'), copy, { recursive: true });
  const before = runMain(copy, false);
  assert.equal(before.status, 0, before.stderr);
  assert.match(before.stderr, /RemovedIn20Warning/, 'the legacy sample warns under SQLALCHEMY_WARN_20');
  const fix = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'fix', '--unsafe', copy], { encoding: 'utf8' });
  assert.equal(fix.status, 0, `fix left findings or failed: ${fix.stderr}`);
  const after = runMain(copy, true);
  assert.equal(after.status, 0, after.stderr);
  assert.equal(after.stdout, before.stdout);
  fs.rmSync(copy, { recursive: true, force: true });
});
