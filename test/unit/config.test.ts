import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeTempTree } from './tempTree';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

const GET = 'from sqlalchemy.orm import Session\nfrom app.models import User\n\n\ndef load(session: Session):\n    return session.query(User).get(1)\n';
const SELECT = 'from sqlalchemy import select\n\nstmt = select([users.c.id])\n';

function project(files: Record<string, string>): string {
  return writeTempTree('sqla-config-', files);
}

function check(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...args], { cwd, encoding: 'utf8' });
  const findings = result.stdout.trim().startsWith('[') ? (JSON.parse(result.stdout) as Array<{ path: string; code: string; line: number }>) : [];
  return { status: result.status, stderr: result.stderr, findings, codes: findings.map((f) => `${f.path}:${f.code}`).sort() };
}

describe('[tool.sqla-upgrade] in pyproject.toml', () => {
  test('select, ignore, per-file-ignores and exclude shape what is reported', () => {
    const dir = project({
      'pyproject.toml': [
        '[project]',
        'name = "demo"',
        '',
        '[tool.sqla-upgrade]',
        'select = ["SQA2", "SQA4"]',
        'ignore = ["SQA402"]',
        'exclude = ["generated"]',
        '[tool.sqla-upgrade.per-file-ignores]',
        '"tests/*.py" = ["SQA201"]',
      ].join('\n'),
      'app/get.py': GET,
      'app/core.py': SELECT,
      'tests/test_core.py': SELECT,
      'generated/old.py': SELECT,
    });
    const { status, codes } = check(dir, '.');
    assert.equal(status, 1);
    assert.deepEqual(codes, ['app/core.py:SQA201', 'app/get.py:SQA401']);
    // The command line wins over the file.
    assert.deepEqual(check(dir, '.', '--select', 'SQA201').codes, ['app/core.py:SQA201']);
  });

  test('unknown codes and settings in the config are reported and fail the run', () => {
    const dir = project({
      'pyproject.toml': '[tool.sqla-upgrade]\nselect = ["SQA999"]\ncolour = "blue"\ntarget-version = "3.0"\n',
      'app.py': SELECT,
    });
    const { status, stderr } = check(dir, '.');
    assert.equal(status, 2);
    assert.match(stderr, /unknown rule code `SQA999` in `select`/);
    assert.match(stderr, /unknown setting `colour`/);
    assert.match(stderr, /target-version/);
  });

  test('the nearest pyproject.toml with the section applies', () => {
    const dir = project({
      'pyproject.toml': '[tool.sqla-upgrade]\nignore = ["SQA201"]\n',
      'sub/pyproject.toml': '[tool.sqla-upgrade]\nignore = ["SQA401"]\n',
      'sub/core.py': SELECT,
      'sub/get.py': GET,
      'top.py': SELECT,
    });
    assert.deepEqual(check(dir, '.').codes, ['sub/core.py:SQA201']);
  });
});

describe('suppression comments', () => {
  test('ignore-file silences the whole file; a line comment only its line and codes', () => {
    const dir = project({
      'whole.py': '# sqla-upgrade: ignore-file\n' + SELECT,
      'line.py': SELECT.replace('stmt = select([users.c.id])', 'stmt = select([users.c.id])  # sqla-upgrade: ignore[SQA201]\nother = select([users.c.name])  # sqla-upgrade: ignore[SQA401]'),
    });
    const { findings } = check(dir, '.');
    assert.deepEqual(findings.map((f) => `${f.path}:${f.line}:${f.code}`), ['line.py:4:SQA201']);
  });

  test('an unknown code in a suppression comment is a finding with a fix', () => {
    const dir = project({ 'typo.py': GET.replace('.get(1)', '.get(1)  # sqla-upgrade: ignore[SQA401, SQA999]') });
    const { findings } = check(dir, '.');
    assert.deepEqual(findings.map((f) => f.code), ['SQA001']);
    const fixed = spawnSync(process.execPath, [CLI, 'fix', '--select', 'SQA001', 'typo.py'], { cwd: dir, encoding: 'utf8' });
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'typo.py'), 'utf8'), /\.get\(1\)  # sqla-upgrade: ignore\[SQA401\]\n/);
  });
});

describe('baseline', () => {
  test('--baseline fails only on findings not recorded by --write-baseline, even after lines move', () => {
    const dir = project({ 'app.py': SELECT + GET });
    const written = spawnSync(process.execPath, [CLI, 'check', '--write-baseline', 'baseline.json', '.'], { cwd: dir, encoding: 'utf8' });
    assert.equal(written.status, 0, written.stderr);
    const baseline = JSON.parse(fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8'));
    assert.equal(baseline.findings.length, 2);
    assert.equal(check(dir, '--baseline', 'baseline.json', '.').status, 0);
    // Lines move: still nothing new.
    fs.writeFileSync(path.join(dir, 'app.py'), '\n\n# moved\n' + SELECT + GET);
    assert.equal(check(dir, '--baseline', 'baseline.json', '.').status, 0);
    // A new finding fails the run, and only it is reported.
    fs.appendFileSync(path.join(dir, 'app.py'), 'again = select([users.c.name])\n');
    const after = check(dir, '--baseline', 'baseline.json', '.');
    assert.equal(after.status, 1);
    assert.equal(after.findings.length, 1);
    assert.match(after.stderr, /2 findings already in the baseline; 1 new/);
  });

  test('a file that is not a baseline is a usage error', () => {
    const dir = project({ 'app.py': SELECT, 'bad.json': '{"x": 1}' });
    assert.equal(check(dir, '--baseline', 'bad.json', '.').status, 2);
  });
});

describe('files the CLI leaves alone', () => {
  test('a generated file is reported once and skipped, the others are analyzed', () => {
    const dir = project({ 'gen.py': '# Code generated by a tool. DO NOT EDIT.\n' + SELECT, 'app.py': SELECT });
    const { codes, stderr, status } = check(dir, '.');
    assert.equal(status, 1);
    assert.deepEqual(codes, ['app.py:SQA201']);
    assert.match(stderr, /gen\.py: skipped: generated code/);
  });
});
