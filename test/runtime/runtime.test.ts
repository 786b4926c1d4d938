// Runtime behaviour checks: each legacy program under test/runtime/programs is run
// on SQLAlchemy 1.4 with 2.0 warnings on, migrated with `fix --unsafe`, and run
// again with those warnings as errors. The migrated program must print exactly
// what the legacy one printed. Programs opt out of checks with header comments:
//   # runtime: warnings-may-remain   the migrated run may still warn (run without --strict)
//   # runtime: no-warning-before     1.4 has no warning for what the legacy run exercises
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineIndex } from '../../server/src/engine/lines';
import { statementSpans } from '../../server/src/cli/runtimeWarnings';

const ROOT = path.resolve(__dirname, '../../..');
const RUNTIME_DIR = path.join(ROOT, 'test', 'runtime');
const HARNESS = path.join(RUNTIME_DIR, 'harness.py');
const PROGRAMS_DIR = path.join(RUNTIME_DIR, 'programs');
const CLI = path.join(ROOT, 'dist', 'cli.js');
// Debian's python3-sqlalchemy (1.4) lives under the system interpreter, not pyenv's.
const PYTHON = '/usr/bin/python3';

interface RecordedWarning {
  category: string;
  message: string;
  file: string | null;
  line: number | null;
}

interface HarnessRun {
  status: number | null;
  stdout: string;
  stderr: string;
  warnings: RecordedWarning[];
  statements: RecordedStatement[];
}

interface RecordedStatement {
  sql: string;
  parameters: string;
  many: boolean;
}

interface CliFinding {
  line: number;
  endLine?: number;
  code: string;
  message: string;
}

const programs = fs.readdirSync(PROGRAMS_DIR).filter((name) => name.endsWith('.py')).sort();
const tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-runtime-'));
const totals = { before: 0, after: 0, identical: 0, sqlIdentical: 0, failed: 0 };

function run(command: string, args: string[], cwd = ROOT) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

/** The Debian packages the programs import, each with a module that shows it is installed. */
const DEBIAN_PACKAGES = [
  { module: 'sqlalchemy', name: 'python3-sqlalchemy' },
  { module: 'flask_sqlalchemy', name: 'python3-flask-sqlalchemy' },
  { module: 'aiosqlite', name: 'python3-aiosqlite' },
];

/** Make sure the system Python can import SQLAlchemy 1.4 and the extensions the programs use, installing Debian's packages that are missing. */
function ensurePythonPackages(): void {
  const missing = () => DEBIAN_PACKAGES.filter((p) => run(PYTHON, ['-c', `import ${p.module}`]).status !== 0);
  // Waits for the dpkg lock: other test scripts may be installing at the same time.
  const aptGet = (...args: string[]) => spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { encoding: 'utf8' });
  const names = missing().map((p) => p.name);
  if (names.length > 0) {
    let install = aptGet('install', '-y', ...names);
    if (install.status !== 0) {
      aptGet('update');
      install = aptGet('install', '-y', ...names);
    }
    const why = install.error ? String(install.error) : install.stderr;
    const still = missing().map((p) => p.module);
    assert.deepEqual(still, [], `${PYTHON} cannot import ${still.join(', ')} and installing ${names.join(' ')} failed:\n${why}`);
  }
  const version = run(PYTHON, ['-c', 'import sqlalchemy; print(sqlalchemy.__version__)']).stdout.trim();
  assert.match(version, /^1\.4\./, `the runtime checks need SQLAlchemy 1.4 under ${PYTHON}, found ${version}`);
}

function directives(programPath: string): Set<string> {
  const header = fs.readFileSync(programPath, 'utf8').split('\n').slice(0, 10);
  return new Set(header.map((line) => /^#\s*runtime:\s*([\w-]+)/.exec(line)?.[1]).filter((d): d is string => !!d));
}

function readJsonLines<T>(file: string): T[] {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as T);
}

function runHarness(programPath: string, strict: boolean): HarnessRun {
  const outDir = fs.mkdtempSync(path.join(tempRoot, 'run-'));
  const warningsFile = path.join(outDir, 'warnings.jsonl');
  const sqlFile = path.join(outDir, 'sql.jsonl');
  const args = [HARNESS, '--warnings-out', warningsFile, '--sql-out', sqlFile, ...(strict ? ['--strict'] : []), programPath];
  const result = run(PYTHON, args, path.dirname(programPath));
  const warnings = readJsonLines<RecordedWarning>(warningsFile);
  const statements = readJsonLines<RecordedStatement>(sqlFile);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, warnings, statements };
}

/**
 * SQL as the database saw it, with column labels dropped: `Query` labels columns
 * `users_id` where `select()` says `id`, which changes nothing the program receives.
 * Outside a subquery Query refers to such a label (`anon_1.users_id`); that reads as `anon_1.id` too.
 */
function normalizeSql(statement: RecordedStatement): string {
  let sql = statement.sql;
  for (const [, table, column] of sql.matchAll(/\b(\w+)\.(\w+) AS (?:\1)_(?:\2)\b/g)) {
    sql = sql.replace(new RegExp(`\\b(anon_\\d+)\\.${table}_${column}\\b`, 'g'), `$1.${column}`);
  }
  sql = sql.replace(/\s+AS\s+["\w]+/gi, '').replace(/\s+/g, ' ').trim();
  return `${sql} ${statement.parameters}${statement.many ? ' (many)' : ''}`;
}

const legacyRuns = new Map<string, HarnessRun>();
function legacyRun(name: string): HarnessRun {
  let result = legacyRuns.get(name);
  if (!result) {
    result = runHarness(path.join(PROGRAMS_DIR, name), false);
    legacyRuns.set(name, result);
  }
  return result;
}

function describeWarnings(warnings: RecordedWarning[]): string {
  const lines = warnings.map((w) => `  line ${w.line}: ${w.category}: ${w.message}`);
  return [...new Set(lines)].join('\n');
}

function assertCliAvailable(): void {
  assert.ok(fs.existsSync(CLI), `${path.relative(ROOT, CLI)} is missing: run \`npm run build\` first`);
}

/** Runs the fixer on a copy of the program; returns the copy's path. */
function migrateCopy(name: string): string {
  const copy = path.join(fs.mkdtempSync(path.join(tempRoot, 'fixed-')), name);
  fs.copyFileSync(path.join(PROGRAMS_DIR, name), copy);
  const fix = run(process.execPath, [CLI, 'fix', '--unsafe', copy]);
  assert.ok(fix.status === 0 || fix.status === 1, `fix --unsafe exited with ${fix.status}:\n${fix.stderr}`);
  return copy;
}

function checkFindings(programPath: string): CliFinding[] {
  const check = run(process.execPath, [CLI, 'check', '--format', 'json', programPath]);
  assert.ok(check.status === 0 || check.status === 1, `check exited with ${check.status}:\n${check.stderr}`);
  return JSON.parse(check.stdout) as CliFinding[];
}

/** Counts a failure so the temporary files are kept for inspection. */
function tracked(body: () => void): () => void {
  return () => {
    try {
      body();
    } catch (error) {
      totals.failed++;
      throw error;
    }
  };
}

before(() => ensurePythonPackages());

after(() => {
  const n = programs.length;
  console.log(`runtime: programs ${n}, warnings before ${totals.before}, after ${totals.after}, output identical ${totals.identical}/${n}, same SQL ${totals.sqlIdentical}/${n}`);
  if (totals.failed === 0) fs.rmSync(tempRoot, { recursive: true, force: true });
  else console.log(`runtime: migrated copies kept in ${tempRoot}`);
});

describe('runtime: legacy program and its migration behave the same', () => {
  for (const name of programs) {
    test(name, tracked(() => {
      const programPath = path.join(PROGRAMS_DIR, name);
      const flags = directives(programPath);
      const legacy = legacyRun(name);
      totals.before += legacy.warnings.length;
      assert.equal(legacy.status, 0, `the legacy program failed on SQLAlchemy 1.4:\n${legacy.stderr}`);
      if (!flags.has('no-warning-before')) {
        assert.ok(legacy.warnings.length > 0, 'the legacy program emits no 2.0 warning, so it exercises nothing');
      }

      assertCliAvailable();
      const copy = migrateCopy(name);
      const changed = fs.readFileSync(copy, 'utf8') !== fs.readFileSync(programPath, 'utf8');
      assert.ok(changed, 'fix --unsafe left the program unchanged');

      // A warning that may legitimately remain would be an error under --strict.
      const mayRemain = flags.has('warnings-may-remain');
      const fixed = runHarness(copy, !mayRemain);
      totals.after += fixed.warnings.length;
      assert.equal(fixed.status, 0, `the migrated program failed (${copy}):\n${fixed.stderr}`);
      assert.equal(fixed.stdout, legacy.stdout, `the migrated program prints something else (${copy})`);
      totals.identical++;
      if (!mayRemain) {
        assert.equal(fixed.warnings.length, 0, `the migrated program still warns (${copy}):\n${describeWarnings(fixed.warnings)}`);
      }
      // The migration must send the database the same statements, unless the program says why not.
      if (!flags.has('sql-differs')) {
        assert.deepEqual(fixed.statements.map(normalizeSql), legacy.statements.map(normalizeSql), `the migrated program runs other SQL (${copy})`);
        totals.sqlIdentical++;
      }
    }));
  }
});

describe('static against runtime: every warning site is a finding in its statement', () => {
  for (const name of programs) {
    test(name, tracked(() => {
      const programPath = path.join(PROGRAMS_DIR, name);
      const legacy = legacyRun(name);
      assert.equal(legacy.status, 0, `the legacy program failed on SQLAlchemy 1.4:\n${legacy.stderr}`);
      assertCliAvailable();
      const findings = checkFindings(programPath);
      // Python reports a call spanning lines at its first line; a finding may flag an argument further
      // down the same statement, which is how `check --runtime-warnings` matches them too.
      const statements = statementSpans(new LineIndex(fs.readFileSync(programPath, 'utf8')));
      const covered = (line: number) => {
        const first = statements.first[line - 1] + 1;
        const last = statements.last[line - 1] + 1;
        return findings.some((f) => f.line <= last && first <= (f.endLine ?? f.line));
      };
      const unmatched = legacy.warnings.filter(
        (w) => w.line === null || w.file === null || path.resolve(w.file) !== programPath || !covered(w.line),
      );
      assert.equal(unmatched.length, 0, `warnings with no finding on their line:\n${describeWarnings(unmatched)}`);
    }));
  }
});
