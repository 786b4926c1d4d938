// Runtime warnings end to end: a small legacy program runs under Debian's SQLAlchemy 1.4 with the
// recorder from python/ on PYTHONPATH, and `dist/cli.js check --runtime-warnings` reads what it
// wrote. Also the reader's handling of hand-written records (bad lines, stale lines, suppression)
// and the statement spans that let a warning reported on a call's first line confirm a finding
// further down the same statement.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LineIndex } from '../../server/src/engine/lines';
import { parseRuntimeWarnings, RuntimeWarningsError, statementSpans, type RuntimeWarning } from '../../server/src/cli/runtimeWarnings';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const RECORDER = path.join(ROOT, 'python');
// Debian's python3-sqlalchemy (1.4) lives under the system interpreter.
const PYTHON = '/usr/bin/python3';

const FINDING_KEYS = ['code', 'column', 'endColumn', 'endLine', 'fix', 'id', 'line', 'message', 'path', 'severity', 'tier'];

interface JsonFinding {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  id: string;
  tier: string;
  severity: string;
  message: string;
  fix: unknown;
  confirmedAtRuntime?: boolean;
}

// Line numbers are counted by hand on this text.
const APP = [
  'import threading', //                                                 1
  'from sqlalchemy import column, create_engine, select, table', //       2
  'from sqlalchemy.ext.declarative import declared_attr', //              3: SQA301, silent at run time
  'import helper', //                                                     4
  '', //                                                                  5
  'engine = create_engine("sqlite://", case_sensitive=False)', //         6: a deprecation no rule flags
  't = table("t", column("a"))', //                                       7
  'print(engine.execute("SELECT 1").scalar())', //                        8: SQA101 and SQA106
  'stmt = select(', //                                                    9: where Python reports the call
  '    [t.c.a]', //                                                       10: SQA201
  ')', //                                                                 11
  'threading.Thread(target=engine.execute, args=("SELECT 2",)).run()', // 12: SQLAlchemy is called from threading.py
  'print(helper.total(engine))', //                                       13
  '',
].join('\n');

const HELPER = ['def total(engine):', '    return engine.execute("SELECT 3").scalar()', ''].join('\n');

let tempRoot: string;
let programDir: string;
let recorded: string;
let records: RuntimeWarning[];
let counter = 0;

function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function cliJson(args: string[], cwd: string): { status: number | null; findings: JsonFinding[]; stderr: string } {
  const result = cli(args, cwd);
  try {
    return { status: result.status, findings: JSON.parse(result.stdout) as JsonFinding[], stderr: result.stderr };
  } catch (error) {
    return assert.fail(`stdout is not JSON (${(error as Error).message}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/** The recorder's environment: SQLAlchemy's own 2.0 switch is left for the recorder to turn on. */
function recorderEnv(out: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: RECORDER, SQLA_UPGRADE_WARNINGS: out };
  delete env.SQLALCHEMY_WARN_20;
  delete env.PYTHONWARNINGS;
  return env;
}

function runProgram(out: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['app.py'], { cwd: programDir, env: recorderEnv(out) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function workspace(files: Record<string, string>): string {
  const dir = path.join(tempRoot, `case-${++counter}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

function jsonl(list: unknown[]): string {
  return list.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

before(async () => {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  const found = spawnSync(PYTHON, ['-c', 'import sqlalchemy; print(sqlalchemy.__version__)'], { encoding: 'utf8' });
  assert.equal(found.status, 0, `${PYTHON} cannot import sqlalchemy (npm test installs python3-sqlalchemy): ${found.stderr}`);
  assert.match(found.stdout, /^1\.4\./);
  tempRoot = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-runtime-warnings-')));
  programDir = path.join(tempRoot, 'program');
  fs.mkdirSync(programDir);
  fs.writeFileSync(path.join(programDir, 'app.py'), APP);
  fs.writeFileSync(path.join(programDir, 'helper.py'), HELPER);
  recorded = path.join(tempRoot, 'warnings.jsonl');
  const run = await runProgram(recorded);
  assert.equal(run.code, 0, `the program failed:\n${run.stderr}`);
  assert.equal(run.stdout, '1\n3\n', 'the recorder must not change what the program does');
  records = parseRuntimeWarnings(fs.readFileSync(recorded, 'utf8'), recorded);
});

after(() => {
  if (tempRoot) fs.rmSync(tempRoot, { recursive: true, force: true });
});

describe('the recorder (python/sqla_upgrade_warnings)', () => {
  test('records each warning once, at the program line, with an absolute path', () => {
    const lines = fs.readFileSync(recorded, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, records.length, 'no record is written twice by one process');
    for (const line of lines) assert.deepEqual(Object.keys(JSON.parse(line)).sort(), ['category', 'file', 'line', 'message']);
    const app = path.join(programDir, 'app.py');
    const helper = path.join(programDir, 'helper.py');
    for (const record of records) {
      assert.ok(path.isAbsolute(record.file), record.file);
      assert.ok(record.file === app || record.file === helper, `attributed to ${record.file}, not the program`);
    }
    const at = (file: string, line: number) => records.filter((r) => r.file === file && r.line === line).map((r) => r.category).sort();
    assert.deepEqual(at(app, 6), ['SADeprecationWarning'], 'any SADeprecationWarning is recorded, not only the 2.0 ones');
    assert.deepEqual(at(app, 8), ['RemovedIn20Warning', 'RemovedIn20Warning'], 'Engine.execute() and the plain string; SQLALCHEMY_WARN_20 was set');
    assert.deepEqual(at(app, 9), ['RemovedIn20Warning'], 'select([...]) is reported where the call starts');
    // SQLAlchemy's own stack level stops at threading.py; the recorder goes on to the program's line.
    assert.deepEqual(at(app, 12), ['RemovedIn20Warning', 'RemovedIn20Warning']);
    assert.deepEqual(at(helper, 2), ['RemovedIn20Warning', 'RemovedIn20Warning'], 'a module other than __main__ is recorded too');
  });

  test('several processes append to one file; the reader keeps each warning once', async () => {
    const shared = path.join(tempRoot, 'shared.jsonl');
    const runs = await Promise.all([runProgram(shared), runProgram(shared), runProgram(shared)]);
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const lines = fs.readFileSync(shared, 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, 3 * records.length);
    for (const line of lines) JSON.parse(line);
    const once = cli(['check', '--runtime-warnings', recorded, '--format', 'json', '.'], programDir);
    const thrice = cli(['check', '--runtime-warnings', shared, '--format', 'json', '.'], programDir);
    assert.equal(thrice.stdout, once.stdout);
  });

  test('does nothing without SQLA_UPGRADE_WARNINGS', () => {
    const env = recorderEnv('');
    delete env.SQLA_UPGRADE_WARNINGS;
    const result = spawnSync(PYTHON, ['-c', 'import os, sys, warnings; import sqlalchemy; print(os.environ.get("SQLALCHEMY_WARN_20"), "sqla_upgrade_warnings" in sys.modules)'], { env, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'None False\n');
  });
});

describe('check --runtime-warnings', () => {
  test('text: confirmed findings carry the suffix; an unexplained warning is SQA000', () => {
    const result = cli(['check', '--runtime-warnings', recorded, 'app.py'], programDir);
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stdout.split('\n');
    const line = (prefix: string) => lines.find((l) => l.startsWith(prefix)) ?? assert.fail(`no line ${prefix} in:\n${result.stdout}`);
    assert.match(line('app.py:8:7: SQA101'), / \(confirmed at runtime\)$/);
    assert.match(line('app.py:8:22: SQA106'), / \(confirmed at runtime\)$/);
    assert.match(line('app.py:10:5: SQA201'), / \(confirmed at runtime\)$/, 'the warning on line 9 is in the same statement');
    assert.doesNotMatch(line('app.py:3:'), /confirmed at runtime/, 'SQA301: nothing warned there at run time');
    assert.match(line('app.py:6:1: SQA000 '), /^app\.py:6:1: SQA000 SADeprecationWarning: The create_engine\.case_sensitive parameter is deprecated/);
    assert.doesNotMatch(result.stdout, /helper\.py/, 'warnings outside the checked paths are left out');
    assert.match(result.stderr, /findings? confirmed at runtime; \d+ runtime warnings? that no finding explains \(SQA000\)/);
  });

  test('JSON: confirmedAtRuntime on every entry, only with the option; SQA000 entries in line order', () => {
    const plain = cliJson(['check', '--format', 'json', 'app.py'], programDir);
    for (const finding of plain.findings) assert.deepEqual(Object.keys(finding).sort(), FINDING_KEYS);
    const { status, findings } = cliJson(['check', '--runtime-warnings', recorded, '--format', 'json', 'app.py', 'helper.py'], programDir);
    assert.equal(status, 1);
    for (const finding of findings) {
      assert.deepEqual(Object.keys(finding).sort(), [...FINDING_KEYS, 'confirmedAtRuntime'].sort());
      assert.equal(typeof finding.confirmedAtRuntime, 'boolean');
    }
    assert.deepEqual(
      findings.filter((f) => f.code !== 'SQA000' && f.path === 'app.py'),
      plain.findings.map((f) => ({ ...f, confirmedAtRuntime: [8, 10, 12].includes(f.line) })),
      'the static findings are the same, marked',
    );
    const sqa000 = findings.find((f) => f.code === 'SQA000' && f.line === 6);
    const prefix = 'SADeprecationWarning: The create_engine.case_sensitive parameter is deprecated';
    assert.deepEqual(sqa000 && { ...sqa000, message: sqa000.message.slice(0, prefix.length) }, {
      path: 'app.py',
      line: 6,
      column: 1,
      endLine: 6,
      endColumn: 58,
      code: 'SQA000',
      id: 'runtime-warning',
      tier: 'removed',
      severity: 'warning',
      message: prefix,
      fix: null,
      confirmedAtRuntime: true,
    });
    // Every recorded line of a checked file is accounted for: a confirmed finding or an SQA000.
    for (const record of records) {
      const file = path.relative(programDir, record.file);
      const spans = statementSpans(new LineIndex(fs.readFileSync(record.file, 'utf8')));
      const [first, last] = [spans.first[record.line - 1] + 1, spans.last[record.line - 1] + 1];
      const covered = findings.some((f) => f.path === file && f.confirmedAtRuntime && f.line <= last && first <= f.endLine);
      assert.ok(covered, `${file}:${record.line} ${record.category} is neither confirmed nor reported`);
    }
    const appEntries = findings.filter((f) => f.path === 'app.py');
    assert.deepEqual(appEntries.map((f) => f.line), [...appEntries.map((f) => f.line)].sort((a, b) => a - b));
  });

  test('SARIF: a result property, and SQA000 described among the rules', () => {
    const result = cli(['check', '--runtime-warnings', recorded, '--format', 'sarif', 'app.py'], programDir);
    assert.equal(result.status, 1);
    const run = JSON.parse(result.stdout).runs[0];
    const rules = run.tool.driver.rules as Array<{ id: string; name: string }>;
    for (const r of run.results as Array<{ ruleId: string; ruleIndex: number; properties?: { confirmedAtRuntime?: boolean }; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }>) {
      assert.equal(rules[r.ruleIndex].id, r.ruleId);
      assert.equal(typeof r.properties?.confirmedAtRuntime, 'boolean');
      if (r.ruleId === 'SQA101') assert.equal(r.properties!.confirmedAtRuntime, true);
      if (r.ruleId === 'SQA301') assert.equal(r.properties!.confirmedAtRuntime, false);
    }
    assert.equal(rules.find((r) => r.id === 'SQA000')?.name, 'runtime-warning');
    const plain = JSON.parse(cli(['check', '--format', 'sarif', 'app.py'], programDir).stdout).runs[0];
    assert.ok(!plain.tool.driver.rules.some((r: { id: string }) => r.id === 'SQA000'));
    assert.ok(plain.results.every((r: { properties?: unknown }) => r.properties === undefined));
  });

  test('a warning no finding explains makes a clean file fail', () => {
    const dir = workspace({ 'clean.py': 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite://", case_sensitive=False)\n' });
    const file = path.join(dir, 'clean.py');
    fs.writeFileSync(path.join(dir, 'w.jsonl'), jsonl([{ category: 'SADeprecationWarning', message: 'case_sensitive is deprecated', file, line: 3 }]));
    assert.equal(cli(['check', 'clean.py'], dir).status, 0);
    const result = cli(['check', '--runtime-warnings', 'w.jsonl', 'clean.py'], dir);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, 'clean.py:3:1: SQA000 SADeprecationWarning: case_sensitive is deprecated\nFound 1 finding.\n');
  });

  test('suppression comments, stale lines and relative paths', () => {
    const text = ['import sqlalchemy', 'a = 1  # sqla-upgrade: ignore[SQA000]', 'b = 2  # sqla-upgrade: ignore', 'c = 3  # sqla-upgrade: ignore[SQA101]', ''].join('\n');
    const dir = workspace({ 'x.py': text });
    const record = (line: number, file = path.join(dir, 'x.py')) => ({ category: 'LegacyAPIWarning', message: `at ${line}`, file, line });
    fs.writeFileSync(path.join(dir, 'w.jsonl'), jsonl([record(2), record(3), record(4, 'x.py'), record(40)]));
    const { status, findings } = cliJson(['check', '--runtime-warnings', 'w.jsonl', '--format', 'json', 'x.py'], dir);
    assert.equal(status, 1);
    assert.deepEqual(findings.map((f) => [f.code, f.line, f.message]), [['SQA000', 4, 'LegacyAPIWarning: at 4']]);
    fs.writeFileSync(path.join(dir, 'x.py'), `# sqla-upgrade: ignore-file\n${text}`);
    assert.equal(cli(['check', '--runtime-warnings', 'w.jsonl', 'x.py'], dir).status, 0);
  });

  test('a file that is not warning records is refused with exit 2 and the bad line', () => {
    const good = { category: 'RemovedIn20Warning', message: 'm', file: '/x.py', line: 1 };
    const cases: Array<[string, RegExp]> = [
      [jsonl([good]) + '{"category": "RemovedIn20Warning"\n', /bad\.jsonl:2: not valid JSON/],
      [jsonl([good, { ...good, line: 0 }]), /bad\.jsonl:2: "line" must be a positive integer/],
      [jsonl([{ ...good, file: 3 }]), /bad\.jsonl:1: "file" must be a non-empty string/],
      [jsonl([[good]]), /bad\.jsonl:1: not a JSON object/],
    ];
    for (const [content, message] of cases) {
      const dir = workspace({ 'app.py': 'import sqlalchemy\n', 'bad.jsonl': content });
      const result = cli(['check', '--runtime-warnings', 'bad.jsonl', 'app.py'], dir);
      assert.equal(result.status, 2, content);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
    const missing = cli(['check', '--runtime-warnings', 'missing.jsonl', '.'], workspace({}));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read runtime warnings missing\.jsonl: no such file/);
  });
});

describe('reading records', () => {
  test('skips blank lines, a byte-order mark and CRLF; drops repeats; throws RuntimeWarningsError', () => {
    const line = JSON.stringify({ category: 'MovedIn20Warning', message: 'moved', file: 'a.py', line: 2 });
    const parsed = parseRuntimeWarnings(`\uFEFF${line}\r\n\r\n${line}\r\n`, 'w.jsonl', '/base');
    assert.deepEqual(parsed, [{ category: 'MovedIn20Warning', message: 'moved', file: path.resolve('/base', 'a.py'), line: 2 }]);
    assert.throws(() => parseRuntimeWarnings('nope\n', 'w.jsonl'), RuntimeWarningsError);
  });

  test('statement spans follow brackets, triple-quoted strings and backslashes, not brackets in strings or comments', () => {
    const text = [
      'a = f(', //          0
      '    "(", x)', //     1
      'b = """', //         2
      ')"""; c = [  # (', // 3
      '1]', //              4
      'd = 1 + \\', //      5
      '    2', //           6
      'e = "\\"("', //      7
      '',
    ].join('\n');
    const spans = statementSpans(new LineIndex(text));
    const pairs = [...spans.first].map((first, i) => [first, spans.last[i]]);
    assert.deepEqual(pairs, [[0, 1], [0, 1], [2, 4], [2, 4], [2, 4], [5, 6], [5, 6], [7, 7], [8, 8]]);
  });
});
