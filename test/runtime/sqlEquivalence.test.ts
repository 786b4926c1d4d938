// SQL equivalence of the Query rewrites (SQA401-404): each case under test/runtime/sql-equivalence
// is a legacy Query expression; `fix --unsafe` migrates a copy, and evaluate.py runs both versions on
// SQLite under SQLAlchemy 1.4. The legacy Query's statement (before its terminal) and the statement
// the migrated code executes must compile to the same SQL, unless the case documents why not with
// `# intended: ...`; both versions must send the database the same SQL, read the same result, and
// the migrated one must raise no 2.0 deprecation warning.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const CASES_DIR = path.join(ROOT, 'test', 'runtime', 'sql-equivalence');
const EVALUATE = path.join(CASES_DIR, 'evaluate.py');
const CLI = path.join(ROOT, 'dist', 'cli.js');
// Debian's python3-sqlalchemy (1.4) lives under the system interpreter, not pyenv's.
const PYTHON = '/usr/bin/python3';

interface Side {
  compiled: string | null;
  terminal: string | null;
  executed: string[];
  result: string | null;
  warnings: string[];
  error: string | null;
}

interface Evaluated {
  file: string;
  case: string;
  intended: string | null;
  legacySource: string;
  fixedSource?: string;
  legacy: Side;
  fixed: Side | null;
}

const caseFiles = fs.readdirSync(CASES_DIR).filter((name) => /^cases_\w+\.py$/.test(name)).sort();
const cases = caseFiles.flatMap((file) =>
  [...fs.readFileSync(path.join(CASES_DIR, file), 'utf8').matchAll(/^#\s*case:\s*(\S+)\s*$/gm)].map((m) => ({ file, name: m[1] })),
);
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-sql-equivalence-'));
const totals = { identical: 0, intended: 0, failed: 0 };
const evaluated = new Map<string, Evaluated>();

function run(command: string, args: string[], cwd = ROOT) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

/** Make sure the system Python can import SQLAlchemy 1.4, installing Debian's package if it is missing. */
function ensureSqlAlchemy(): void {
  const probe = () => run(PYTHON, ['-c', 'import sqlalchemy; print(sqlalchemy.__version__)']);
  let found = probe();
  if (found.status !== 0) {
    const aptGet = (...args: string[]) => spawnSync('apt-get', args, { encoding: 'utf8' });
    if (aptGet('install', '-y', 'python3-sqlalchemy').status !== 0) {
      aptGet('update');
      aptGet('install', '-y', 'python3-sqlalchemy');
    }
    found = probe();
    assert.equal(found.status, 0, `${PYTHON} cannot import sqlalchemy and installing python3-sqlalchemy failed`);
  }
  assert.match(found.stdout.trim(), /^1\.4\./, `the SQL equivalence checks need SQLAlchemy 1.4 under ${PYTHON}`);
}

before(() => {
  ensureSqlAlchemy();
  assert.ok(fs.existsSync(CLI), `${path.relative(ROOT, CLI)} is missing: run \`npm run build\` first`);
  const fixedDir = path.join(tempRoot, 'fixed');
  fs.mkdirSync(fixedDir);
  for (const name of fs.readdirSync(CASES_DIR).filter((n) => n.endsWith('.py'))) fs.copyFileSync(path.join(CASES_DIR, name), path.join(fixedDir, name));
  const fix = run(process.execPath, [CLI, 'fix', '--unsafe', ...caseFiles.map((name) => path.join(fixedDir, name))]);
  assert.ok(fix.status === 0 || fix.status === 1, `fix --unsafe exited with ${fix.status}:\n${fix.stderr}`);
  const out = path.join(tempRoot, 'evaluated.json');
  const evaluation = run(PYTHON, [EVALUATE, CASES_DIR, fixedDir, out]);
  assert.equal(evaluation.status, 0, `evaluate.py failed:\n${evaluation.stderr}`);
  for (const entry of JSON.parse(fs.readFileSync(out, 'utf8')) as Evaluated[]) evaluated.set(`${entry.file}:${entry.case}`, entry);
});

after(() => {
  console.log(`sql-equivalence: cases ${cases.length}, identical ${totals.identical}, intended differences ${totals.intended}, failed ${totals.failed}`);
  if (totals.failed === 0) fs.rmSync(tempRoot, { recursive: true, force: true });
  else console.log(`sql-equivalence: migrated cases kept in ${tempRoot}`);
});

function lines(values: string[]): string {
  return values.map((v) => `  ${v}`).join('\n') || '  (none)';
}

function checkCase(entry: Evaluated | undefined): 'identical' | 'intended' {
  assert.ok(entry, 'evaluate.py reported nothing for this case');
  const { legacy, fixed } = entry;
  assert.equal(legacy.error, null, `the legacy case fails on SQLAlchemy 1.4:\n${legacy.error}`);
  assert.ok(fixed && entry.fixedSource !== undefined, 'the migrated file lost this case');
  assert.notEqual(entry.fixedSource, entry.legacySource, 'fix --unsafe left the case unchanged');
  const shown = `legacy:\n${entry.legacySource}\nmigrated:\n${entry.fixedSource}`;
  assert.equal(fixed.error, null, `the migrated case fails:\n${fixed.error}\n${shown}`);
  assert.deepEqual(fixed.warnings, [], `the migrated case still raises 2.0 warnings\n${shown}`);
  assert.equal(fixed.result, legacy.result, `the migrated case reads something else\n${shown}`);
  assert.deepEqual(fixed.executed, legacy.executed, `the migrated case sends other SQL\nlegacy:\n${lines(legacy.executed)}\nmigrated:\n${lines(fixed.executed)}`);
  // Session.get() has no statement of its own to compile: the SQL it sent is the comparison.
  if (legacy.terminal === 'get') {
    assert.equal(fixed.compiled, null, `the migrated get() executes a statement\n${shown}`);
    return 'identical';
  }
  assert.ok(legacy.compiled, `no legacy Query statement found in the case\n${shown}`);
  assert.ok(fixed.compiled, `no executed statement found in the migrated case\n${shown}`);
  if (legacy.compiled === fixed.compiled) {
    assert.equal(entry.intended, null, `the case documents an intended difference, but the statements are the same:\n  ${legacy.compiled}`);
    return 'identical';
  }
  assert.ok(entry.intended, `the statements differ and the case does not say why (\`# intended: ...\`)\nlegacy:\n  ${legacy.compiled}\nmigrated:\n  ${fixed.compiled}\n${shown}`);
  return 'intended';
}

describe('SQL equivalence: the Query rewrites keep their statements', () => {
  test('there are cases', () => {
    assert.ok(cases.length >= 20, `only ${cases.length} cases`);
    assert.equal(new Set(cases.map((c) => `${c.file}:${c.name}`)).size, cases.length, 'case names repeat within a file');
  });

  for (const { file, name } of cases) {
    test(`${file}: ${name}`, () => {
      try {
        const outcome = checkCase(evaluated.get(`${file}:${name}`));
        totals[outcome]++;
      } catch (error) {
        totals.failed++;
        throw error;
      }
    });
  }
});
