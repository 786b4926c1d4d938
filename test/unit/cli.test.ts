// End-to-end checks of the command-line interface: each test runs the built
// `dist/cli.js` as a separate process against small Python files in a fresh
// temporary folder, and checks exit codes, output formats and file contents.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAtomically } from '../../server/src/cli/files';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd: string): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI and parses its standard output as JSON. */
function cliJson<T>(args: string[], cwd: string): { status: number | null; value: T; stderr: string } {
  const result = cli(args, cwd);
  let value: T;
  try {
    value = JSON.parse(result.stdout) as T;
  } catch (error) {
    assert.fail(`stdout is not JSON (${(error as Error).message}):\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  return { status: result.status, value, stderr: result.stderr };
}

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
  fix: { safety: 'safe' | 'review'; title: string } | null;
}

const FINDING_KEYS = ['code', 'column', 'endColumn', 'endLine', 'fix', 'id', 'line', 'message', 'path', 'severity', 'tier'];

let tempRoot: string;
let counter = 0;

/** A fresh empty folder holding the given files (paths relative to it, contents as strings or bytes). */
function workspace(files: Record<string, string | Buffer> = {}): string {
  const dir = path.join(tempRoot, `case-${++counter}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

// A mapped class and three queries. Line numbers and columns below are counted by hand on this text.
const APP = [
  'from sqlalchemy import Column, Integer, String', //                       1
  'from sqlalchemy.orm import declarative_base', //                          2
  '', //                                                                     3
  'Base = declarative_base()', //                                            4
  '', //                                                                     5
  '', //                                                                     6
  'class User(Base):', //                                                    7
  '    __tablename__ = "users"', //                                          8
  '    id = Column(Integer, primary_key=True)', //                           9
  '    name = Column(String)', //                                            10
  '', //                                                                     11
  '', //                                                                     12
  'def load(session):', //                                                   13
  '    return session.query(User).get(1)', //                                14: SQA401 at 12..38
  '', //                                                                     15
  '', //                                                                     16
  'def label(session):', //                                                  17
  '    tag = "\u{1F600}"; return session.query(User).get(2)', //             18: SQA401 after an emoji
  '', //                                                                     19
  '', //                                                                     20
  'def everyone(session):', //                                               21
  '    return session.query(User).all()', //                                 22: SQA402 (review fix)
  '',
].join('\n');

// APP after `fix` (safe fixes only): both Query.get() calls rewritten, the Query.all() kept.
const APP_SAFE_FIXED = APP.replace('session.query(User).get(1)', 'session.get(User, 1)').replace('session.query(User).get(2)', 'session.get(User, 2)');

// APP after `fix --unsafe`: the review fix for SQA402 applied too, with its import.
const APP_ALL_FIXED = APP_SAFE_FIXED.replace('from sqlalchemy import Column, Integer, String', 'from sqlalchemy import Column, Integer, String, select').replace(
  'return session.query(User).all()',
  'return session.scalars(select(User)).all()',
);

// One finding (SQA301, safe fix) on its own: enough to see whether a file was analyzed.
const ONE_FINDING = 'from sqlalchemy.ext.declarative import declarative_base\n\nBase = declarative_base()\n';
const CLEAN = 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n';

before(() => {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  tempRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-cli-'));
});

after(() => {
  if (tempRoot) fs.rmSync(tempRoot, { recursive: true, force: true });
});

describe('check --format json', () => {
  test('prints one array whose elements have exactly the documented keys', () => {
    const dir = workspace({ 'app.py': APP });
    const { status, value } = cliJson<JsonFinding[]>(['check', 'app.py', '--format', 'json'], dir);
    assert.equal(status, 1);
    assert.ok(Array.isArray(value));
    assert.equal(value.length, 3);
    for (const finding of value) {
      assert.deepEqual(Object.keys(finding).sort(), FINDING_KEYS);
      assert.equal(typeof finding.message, 'string');
      assert.ok(finding.message.length > 0);
      assert.ok(['error', 'warning', 'info', 'hint'].includes(finding.severity), finding.severity);
      assert.ok(finding.fix === null || (['safe', 'review'].includes(finding.fix.safety) && typeof finding.fix.title === 'string'));
      if (finding.fix) assert.deepEqual(Object.keys(finding.fix).sort(), ['safety', 'title']);
    }
  });

  test('reports session.query(User).get(1) as SQA401 at its 1-based start and exclusive end', () => {
    const dir = workspace({ 'app.py': APP });
    const { value } = cliJson<JsonFinding[]>(['check', 'app.py', '--format', 'json'], dir);
    assert.deepEqual(value[0], {
      path: 'app.py',
      line: 14,
      column: 12,
      endLine: 14,
      endColumn: 38,
      code: 'SQA401',
      id: 'query-get',
      tier: 'legacy',
      severity: 'info',
      message: value[0].message,
      fix: { safety: 'safe', title: 'Use Session.get()' },
    });
    // Cross-check the hand-counted numbers against the source line.
    const line = APP.split('\n')[13];
    assert.equal(line.slice(11, 37), 'session.query(User).get(1)');
  });

  test('columns count UTF-16 code units, as LSP positions do: an emoji before a finding counts as 2', () => {
    const dir = workspace({ 'app.py': APP });
    const { value } = cliJson<JsonFinding[]>(['check', 'app.py', '--format', 'json'], dir);
    const second = value[1];
    assert.equal(second.code, 'SQA401');
    assert.equal(second.line, 18);
    // `    tag = "` is 11 units, the emoji 2 (a surrogate pair), `"; return ` 10: the call starts at unit 23.
    assert.equal(second.column, 24);
    assert.equal(second.endLine, 18);
    assert.equal(second.endColumn, 24 + 'session.query(User).get(2)'.length);
    const line = APP.split('\n')[17];
    assert.equal(line.indexOf('session.query'), 23); // JS string indexes are UTF-16 units
    assert.equal([...line.slice(0, 23)].length, 22); // in code points the column would be one less
  });

  test('a finding without an automatic fix has fix: null; a review fix has safety "review"', () => {
    const source = [
      'from sqlalchemy import Column, Integer',
      'from sqlalchemy.orm import declarative_base',
      'Base = declarative_base()',
      'class User(Base):',
      '    __tablename__ = "u"',
      '    id = Column(Integer, primary_key=True)',
      'def f(session):',
      '    return session.query(User).filter(User.id > 0).get(1)',
      '',
    ].join('\n');
    const dir = workspace({ 'builders.py': source, 'app.py': APP });
    const { value } = cliJson<JsonFinding[]>(['check', 'builders.py', 'app.py', '--format', 'json'], dir);
    const unfixable = value.find((f) => f.path === 'builders.py');
    assert.ok(unfixable);
    assert.equal(unfixable.code, 'SQA401');
    assert.equal(unfixable.line, 8);
    assert.equal(unfixable.column, 12);
    assert.equal(unfixable.fix, null);
    const review = value.find((f) => f.path === 'app.py' && f.code === 'SQA402');
    assert.ok(review);
    assert.equal(review.line, 22);
    assert.equal(review.column, 12);
    assert.equal(review.fix?.safety, 'review');
    assert.ok((review.fix?.title ?? '').length > 0);
  });

  test('exits 0 and prints [] when there are no findings', () => {
    const dir = workspace({ 'clean.py': CLEAN });
    const { status, value } = cliJson<JsonFinding[]>(['check', '--format', 'json', 'clean.py'], dir);
    assert.equal(status, 0);
    assert.deepEqual(value, []);
  });
});

describe('check: paths', () => {
  test('walks folders for *.py, skipping .git, virtualenvs, node_modules and site-packages', () => {
    const dir = workspace({
      'proj/app.py': ONE_FINDING,
      'proj/pkg/mod.py': ONE_FINDING,
      'proj/pkg/notes.txt': ONE_FINDING,
      'proj/pkg/script': ONE_FINDING,
      'proj/.git/hook.py': ONE_FINDING,
      'proj/venv/lib/a.py': ONE_FINDING,
      'proj/.venv/lib/a.py': ONE_FINDING,
      'proj/env311/pyvenv.cfg': 'home = /usr/bin\n',
      'proj/env311/lib/a.py': ONE_FINDING,
      'proj/node_modules/dep/a.py': ONE_FINDING,
      'proj/lib/python3.12/site-packages/dep/a.py': ONE_FINDING,
    });
    const { status, value } = cliJson<JsonFinding[]>(['check', 'proj', '--format', 'json'], dir);
    assert.equal(status, 1);
    const paths = [...new Set(value.map((f) => f.path))].sort();
    assert.deepEqual(paths, [path.join('proj', 'app.py'), path.join('proj', 'pkg', 'mod.py')]);
  });

  test('a given file path is reported as given; files found in a folder are the folder joined with their relative path', () => {
    const dir = workspace({ 'src/pkg/mod.py': ONE_FINDING, 'top.py': ONE_FINDING });
    const given = `.${path.sep}src${path.sep}pkg${path.sep}..${path.sep}pkg${path.sep}mod.py`;
    const asGiven = cliJson<JsonFinding[]>(['check', '--format', 'json', given], dir);
    assert.ok(asGiven.value.length > 0);
    for (const f of asGiven.value) assert.equal(f.path, given);

    const absolute = path.join(dir, 'src');
    const walked = cliJson<JsonFinding[]>(['check', '--format', 'json', absolute, 'top.py'], dir);
    const paths = [...new Set(walked.value.map((f) => f.path))];
    assert.deepEqual(paths, [path.join(absolute, 'pkg', 'mod.py'), 'top.py']);
  });

  test('a module without SQLAlchemy is still checked for syntax errors; modules beside it keep their findings', () => {
    const dir = workspace({
      'tools/plain.py': 'import json\n\ndef broken(:\n    return json.dumps({})\n',
      'tools/clean.py': 'import os\n\nprint(os.getcwd())\n',
      'app/models.py': ONE_FINDING,
    });
    const { status, value, stderr } = cliJson<JsonFinding[]>(['check', '--format', 'json', '.'], dir);
    assert.equal(status, 1);
    assert.deepEqual([...new Set(value.map((f) => f.path))], [path.join('app', 'models.py')]);
    assert.match(stderr, /tools[\\/]plain\.py: has syntax errors/);
    assert.doesNotMatch(stderr, /clean\.py/);
  });

  test('checks the current folder when no path is given', () => {
    const dir = workspace({ 'a.py': ONE_FINDING, 'sub/b.py': ONE_FINDING });
    const { status, value } = cliJson<JsonFinding[]>(['check', '--format', 'json'], dir);
    assert.equal(status, 1);
    assert.deepEqual([...new Set(value.map((f) => f.path))], ['a.py', path.join('sub', 'b.py')]);
  });
});

describe('check and fix: .gitignore', () => {
  // What a folder's .gitignore ignores, next to a file it does not.
  const ignoringTree = () =>
    workspace({
      '.gitignore': 'generated/\nbuild_*.py\n',
      'app.py': ONE_FINDING,
      'generated/x.py': ONE_FINDING,
      'build_a.py': ONE_FINDING,
    });
  const reportedPaths = (findings: JsonFinding[]) => [...new Set(findings.map((f) => f.path))].sort();

  test('check leaves out what .gitignore ignores', () => {
    const dir = ignoringTree();
    const { status, value } = cliJson<JsonFinding[]>(['check', '--format', 'json', '.'], dir);
    assert.equal(status, 1);
    assert.deepEqual(reportedPaths(value), ['app.py']);
    const current = cliJson<JsonFinding[]>(['check', '--format', 'json'], dir);
    assert.deepEqual(reportedPaths(current.value), ['app.py'], 'the current folder is walked the same way');
  });

  test('check of a folder inside a repository reads the .gitignore files above it', () => {
    const dir = workspace({
      '.gitignore': '/pkg/generated/\n*_pb2.py\n',
      'pkg/app.py': ONE_FINDING,
      'pkg/generated/x.py': ONE_FINDING,
      'pkg/models_pb2.py': ONE_FINDING,
    });
    const pkg = path.join(dir, 'pkg');
    // Not yet a repository: git would read no file above the folder.
    assert.deepEqual(reportedPaths(cliJson<JsonFinding[]>(['check', '--format', 'json'], pkg).value), ['app.py', path.join('generated', 'x.py'), 'models_pb2.py'].sort());
    fs.mkdirSync(path.join(dir, '.git'));
    assert.deepEqual(reportedPaths(cliJson<JsonFinding[]>(['check', '--format', 'json'], pkg).value), ['app.py']);
    assert.deepEqual(reportedPaths(cliJson<JsonFinding[]>(['check', '--format', 'json', 'pkg'], dir).value), [path.join('pkg', 'app.py')]);
    const all = cliJson<JsonFinding[]>(['check', '--format', 'json', '--no-respect-gitignore'], pkg);
    assert.equal(reportedPaths(all.value).length, 3);
  });

  test('check --no-respect-gitignore reports the ignored files too', () => {
    const dir = ignoringTree();
    const { status, value } = cliJson<JsonFinding[]>(['check', '--format', 'json', '--no-respect-gitignore', '.'], dir);
    assert.equal(status, 1);
    assert.deepEqual(reportedPaths(value), ['app.py', 'build_a.py', path.join('generated', 'x.py')].sort());
  });

  test('fix leaves an ignored file byte-identical and fixes the others', () => {
    const dir = ignoringTree();
    const result = cli(['fix', '.'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'app.py'), 'utf8'), CLEAN);
    assert.ok(fs.readFileSync(path.join(dir, 'generated', 'x.py')).equals(Buffer.from(ONE_FINDING)));
    assert.ok(fs.readFileSync(path.join(dir, 'build_a.py')).equals(Buffer.from(ONE_FINDING)));
    assert.match(result.stderr, /fixed 2 findings in 1 file; 0 left/); // both SQA301 findings of app.py

    const all = cli(['fix', '--no-respect-gitignore', '.'], dir);
    assert.equal(all.status, 0, all.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'generated', 'x.py'), 'utf8'), CLEAN);
    assert.equal(fs.readFileSync(path.join(dir, 'build_a.py'), 'utf8'), CLEAN);
  });

  test('a file named on the command line is checked even when ignored', () => {
    const dir = ignoringTree();
    const given = path.join('generated', 'x.py');
    const { status, value } = cliJson<JsonFinding[]>(['check', '--format', 'json', given, 'build_a.py'], dir);
    assert.equal(status, 1);
    assert.deepEqual(reportedPaths(value), ['build_a.py', given].sort());
  });
});

describe('check: usage errors exit 2', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown option', ['check', '--bogus', 'a.py'], /bogus/],
    ['an unknown format', ['check', '--format', 'xml', 'a.py'], /format/],
    ['an unknown rule code in --select', ['check', '--select', 'SQA999', 'a.py'], /SQA999/],
    ['an unknown rule code in --ignore', ['check', '--ignore', 'SQA401,NOPE1', 'a.py'], /NOPE1/],
    ['a missing path', ['check', 'missing.py'], /missing\.py/],
    ['an unknown command', ['inspect', 'a.py'], /inspect/],
  ];
  for (const [name, args, stderr] of cases) {
    test(name, () => {
      const dir = workspace({ 'a.py': ONE_FINDING });
      const result = cli(args, dir);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, stderr);
    });
  }
});

describe('check: --select and --ignore', () => {
  const codes = (args: string[]) => {
    const dir = workspace({ 'app.py': APP, 'old.py': ONE_FINDING });
    const { status, value } = cliJson<JsonFinding[]>(['check', '--format', 'json', 'app.py', 'old.py', ...args], dir);
    return { status, codes: [...new Set(value.map((f) => f.code))].sort() };
  };

  test('without filters every rule reports', () => {
    assert.deepEqual(codes([]).codes, ['SQA301', 'SQA401', 'SQA402']);
  });

  test('--select keeps only the listed codes (comma-separated, any case)', () => {
    assert.deepEqual(codes(['--select', 'SQA401']).codes, ['SQA401']);
    assert.deepEqual(codes(['--select', 'sqa301, SQA402']).codes, ['SQA301', 'SQA402']);
  });

  test('--ignore drops the listed codes', () => {
    assert.deepEqual(codes(['--ignore', 'SQA401']).codes, ['SQA301', 'SQA402']);
    assert.deepEqual(codes(['--ignore', 'SQA301,SQA401']).codes, ['SQA402']);
  });

  test('when filters leave nothing, the exit code is 0', () => {
    const result = codes(['--select', 'SQA301,SQA401,SQA402', '--ignore', 'SQA301,SQA401,SQA402']);
    assert.deepEqual(result.codes, []);
    assert.equal(result.status, 0);
  });
});

describe('check --format text', () => {
  test('prints path:line:column: CODE lines and a summary', () => {
    const dir = workspace({ 'app.py': APP });
    const result = cli(['check', 'app.py'], dir);
    assert.equal(result.status, 1);
    const lines = result.stdout.split('\n');
    assert.match(lines[0], /^app\.py:14:12: SQA401 /);
    assert.match(lines[1], /^app\.py:18:24: SQA401 /);
    assert.match(lines[2], /^app\.py:22:12: SQA402 /);
    assert.match(result.stdout, /Found 3 findings/);
  });

  test('says so when there is nothing to report', () => {
    const dir = workspace({ 'clean.py': CLEAN });
    const result = cli(['check', 'clean.py'], dir);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /No SQLAlchemy 2\.0 migration findings/);
  });
});

describe('check --format sarif', () => {
  interface Sarif {
    version: string;
    $schema?: string;
    runs: Array<{
      tool: { driver: { name: string; version?: string; rules: Array<{ id: string; helpUri?: string }> } };
      results: Array<{
        ruleId: string;
        ruleIndex?: number;
        level: string;
        message: { text: string };
        locations: Array<{
          physicalLocation: {
            artifactLocation: { uri: string };
            region: { startLine: number; startColumn: number; endLine?: number; endColumn?: number };
          };
        }>;
      }>;
    }>;
  }

  test('is a SARIF 2.1.0 log with the tool, its rules and one result per finding', () => {
    const dir = workspace({ 'app.py': APP });
    const { status, value: sarif } = cliJson<Sarif>(['check', 'app.py', '--format', 'sarif'], dir);
    assert.equal(status, 1);
    assert.equal(sarif.version, '2.1.0');
    assert.match(sarif.$schema ?? '', /sarif-2\.1\.0/);
    assert.equal(sarif.runs.length, 1);
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'sqla-upgrade');
    const ruleIds = run.tool.driver.rules.map((r) => r.id);
    assert.ok(ruleIds.includes('SQA401'));
    assert.ok(ruleIds.includes('SQA402'));
    assert.equal(new Set(ruleIds).size, ruleIds.length, 'rule ids are unique');
    for (const rule of run.tool.driver.rules) assert.match(rule.id, /^SQA\d{3}$/);

    assert.equal(run.results.length, 3);
    for (const result of run.results) {
      assert.ok(ruleIds.includes(result.ruleId), result.ruleId);
      if (result.ruleIndex !== undefined) assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
      assert.ok(['none', 'note', 'warning', 'error'].includes(result.level), result.level);
      assert.equal(typeof result.message.text, 'string');
      assert.ok(result.message.text.length > 0);
      assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'app.py');
    }
    const first = run.results[0];
    assert.equal(first.ruleId, 'SQA401');
    assert.equal(first.level, 'note'); // legacy tier: severity info
    assert.deepEqual(first.locations[0].physicalLocation.region, { startLine: 14, startColumn: 12, endLine: 14, endColumn: 38 });
    // SARIF's default columnKind is utf16CodeUnits, like the JSON output.
    assert.equal(run.results[1].locations[0].physicalLocation.region.startColumn, 24);
  });

  test('artifact locations are URI references: a space is percent-encoded, an absolute path is a file: URI', () => {
    const dir = workspace({ 'my src/old mod.py': ONE_FINDING });
    const relative = cliJson<Sarif>(['check', '--format', 'sarif', 'my src'], dir).value;
    assert.equal(relative.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri, 'my%20src/old%20mod.py');
    const absolute = cliJson<Sarif>(['check', '--format', 'sarif', path.join(dir, 'my src')], dir).value;
    const uri = absolute.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    assert.match(uri, /^file:\/\//);
    assert.ok(uri.endsWith('/my%20src/old%20mod.py'), uri);
    assert.equal(new URL(uri).protocol, 'file:');
  });
});

describe('fix', () => {
  test('applies safe fixes in place and leaves review-only fixes (SQA402) alone', () => {
    const dir = workspace({ 'app.py': APP });
    const result = cli(['fix', 'app.py'], dir);
    assert.equal(result.status, 1, result.stderr); // the SQA402 finding remains
    assert.equal(fs.readFileSync(path.join(dir, 'app.py'), 'utf8'), APP_SAFE_FIXED);
    assert.match(result.stderr, /fixed 2 findings in 1 file; 1 left/);
  });

  test('--unsafe also applies review fixes', () => {
    const dir = workspace({ 'app.py': APP });
    const result = cli(['fix', '--unsafe', 'app.py'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'app.py'), 'utf8'), APP_ALL_FIXED);
  });

  test('--select and --ignore limit which fixes are applied', () => {
    const dir = workspace({ 'app.py': APP, 'old.py': ONE_FINDING });
    cli(['fix', '--unsafe', '--ignore', 'SQA401', 'app.py', 'old.py'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'app.py'), 'utf8'), APP.replace('from sqlalchemy import Column, Integer, String', 'from sqlalchemy import Column, Integer, String, select').replace('return session.query(User).all()', 'return session.scalars(select(User)).all()'));
    assert.equal(fs.readFileSync(path.join(dir, 'old.py'), 'utf8'), CLEAN);
    const dir2 = workspace({ 'app.py': APP, 'old.py': ONE_FINDING });
    cli(['fix', '--select', 'SQA301', 'app.py', 'old.py'], dir2);
    assert.equal(fs.readFileSync(path.join(dir2, 'app.py'), 'utf8'), APP);
    assert.equal(fs.readFileSync(path.join(dir2, 'old.py'), 'utf8'), CLEAN);
  });

  test('--diff prints a unified diff and writes nothing (same bytes, same mtime)', () => {
    const dir = workspace({ 'app.py': APP });
    const file = path.join(dir, 'app.py');
    const past = new Date('2020-01-02T03:04:05Z');
    fs.utimesSync(file, past, past);
    const before = fs.statSync(file);
    const result = cli(['fix', '--diff', 'app.py'], dir);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^--- a\/app\.py/m);
    assert.match(result.stdout, /^\+\+\+ b\/app\.py/m);
    assert.match(result.stdout, /^@@ -\d+,\d+ \+\d+,\d+ @@/m);
    assert.match(result.stdout, /^-    return session\.query\(User\)\.get\(1\)$/m);
    assert.match(result.stdout, /^\+    return session\.get\(User, 1\)$/m);
    assert.doesNotMatch(result.stdout, /scalars/, 'review fixes are not in the diff without --unsafe');
    assert.equal(fs.readFileSync(file, 'utf8'), APP);
    const afterStat = fs.statSync(file);
    assert.equal(afterStat.mtimeMs, before.mtimeMs);
    assert.equal(afterStat.size, before.size);
    assert.deepEqual(fs.readdirSync(dir), ['app.py'], 'no temporary files are left behind');

    const unsafe = cli(['fix', '--diff', '--unsafe', 'app.py'], dir);
    assert.match(unsafe.stdout, /^\+    return session\.scalars\(select\(User\)\)\.all\(\)$/m);
    assert.equal(fs.readFileSync(file, 'utf8'), APP);
    assert.equal(fs.statSync(file).mtimeMs, before.mtimeMs);
  });

  test('a file with a syntax error is reported and left byte-identical; exit 2; other files are still fixed', () => {
    const broken = Buffer.from('def load(session:\n    return session.query(User).get(1)\n', 'utf8');
    const dir = workspace({ 'broken.py': broken, 'old.py': ONE_FINDING });
    const result = cli(['fix', '--unsafe', 'broken.py', 'old.py'], dir);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /broken\.py/);
    assert.ok(fs.readFileSync(path.join(dir, 'broken.py')).equals(broken));
    assert.equal(fs.readFileSync(path.join(dir, 'old.py'), 'utf8'), CLEAN);
  });

  test('a file that is not valid UTF-8 is reported and left byte-identical; exit 2', () => {
    const invalid = Buffer.concat([Buffer.from(ONE_FINDING, 'utf8'), Buffer.from([0x23, 0x20, 0xff, 0xfe, 0xc3, 0x0a])]);
    const dir = workspace({ 'latin.py': invalid });
    const result = cli(['fix', 'latin.py'], dir);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /latin\.py/);
    assert.match(result.stderr, /UTF-8/);
    assert.ok(fs.readFileSync(path.join(dir, 'latin.py')).equals(invalid));
  });

  test('check reports an unreadable file on stderr and exits 2', () => {
    const dir = workspace({ 'latin.py': Buffer.from([0x78, 0x20, 0x3d, 0x20, 0xff, 0x0a]) });
    const result = cli(['check', 'latin.py'], dir);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /latin\.py/);
  });

  test('a missing path exits 2', () => {
    const dir = workspace({});
    const result = cli(['fix', 'missing.py'], dir);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /missing\.py/);
  });

  test('keeps file permissions (0640)', { skip: process.platform === 'win32' && 'POSIX permissions' }, () => {
    const dir = workspace({ 'app.py': APP });
    const file = path.join(dir, 'app.py');
    fs.chmodSync(file, 0o640);
    const result = cli(['fix', 'app.py'], dir);
    assert.equal(result.status, 1, result.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), APP_SAFE_FIXED);
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
  });

  test('a symbolic link given on the command line stays a link; its target is fixed', { skip: process.platform === 'win32' && 'symlinks need privileges' }, () => {
    const dir = workspace({ 'real.py': ONE_FINDING });
    fs.symlinkSync('real.py', path.join(dir, 'link.py'));
    const result = cli(['fix', 'link.py'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(fs.lstatSync(path.join(dir, 'link.py')).isSymbolicLink());
    assert.equal(fs.readlinkSync(path.join(dir, 'link.py')), 'real.py');
    assert.equal(fs.readFileSync(path.join(dir, 'real.py'), 'utf8'), CLEAN);
  });

  const noSymlinks = process.platform === 'win32' && 'symlinks need privileges';

  test('a folder\'s walk does not follow links out of the folder: the targets stay untouched and are reported as skipped', { skip: noSymlinks }, () => {
    const outside = workspace({ 'shared.py': ONE_FINDING, 'lib/helpers.py': ONE_FINDING });
    const dir = workspace({ 'proj/app.py': ONE_FINDING });
    fs.symlinkSync(path.join(outside, 'shared.py'), path.join(dir, 'proj', 'shared.py'));
    fs.symlinkSync(path.join(outside, 'lib'), path.join(dir, 'proj', 'lib'));
    const result = cli(['fix', 'proj'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(outside, 'shared.py'), 'utf8'), ONE_FINDING, 'a linked file outside is not written');
    assert.equal(fs.readFileSync(path.join(outside, 'lib', 'helpers.py'), 'utf8'), ONE_FINDING, 'a linked folder outside is not walked');
    assert.equal(fs.readFileSync(path.join(dir, 'proj', 'app.py'), 'utf8'), CLEAN, 'the folder\'s own file is fixed');
    assert.match(result.stderr, /proj[\\/]shared\.py: skipped: symbolic link to .*outside/);
    assert.match(result.stderr, /proj[\\/]lib: skipped: symbolic link to .*outside/);
    assert.match(result.stderr, /fixed \d+ findings? in 1 file;/);
    assert.ok(fs.lstatSync(path.join(dir, 'proj', 'shared.py')).isSymbolicLink());

    const check = cliJson<JsonFinding[]>(['check', '--format', 'json', 'proj'], dir);
    assert.deepEqual(check.value, [], 'the linked files are not analyzed either');
    assert.match(check.stderr, /skipped: symbolic link/);
  });

  test('a link named on the command line whose target lies outside its folder is skipped, the target untouched', { skip: noSymlinks }, () => {
    const outside = workspace({ 'shared.py': ONE_FINDING });
    const dir = workspace({});
    fs.symlinkSync(path.join(outside, 'shared.py'), path.join(dir, 'link.py'));
    const result = cli(['fix', 'link.py'], dir);
    assert.equal(fs.readFileSync(path.join(outside, 'shared.py'), 'utf8'), ONE_FINDING);
    assert.match(result.stderr, /link\.py: skipped: symbolic link to .*outside/);
    assert.match(result.stderr, /fixed 0 findings in 0 files/);
  });

  test('a link inside the folder to a file inside it is not followed by the walk: the target is fixed once, the link stays', { skip: noSymlinks }, () => {
    const dir = workspace({ 'proj/real.py': ONE_FINDING });
    fs.symlinkSync('real.py', path.join(dir, 'proj', 'alias.py'));
    const result = cli(['fix', 'proj'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'proj', 'real.py'), 'utf8'), CLEAN);
    assert.equal(fs.readlinkSync(path.join(dir, 'proj', 'alias.py')), 'real.py');
    assert.match(result.stderr, /fixed \d+ findings? in 1 file;/);
    assert.doesNotMatch(result.stderr, /skipped/);
  });

  test('a file named twice, once through a link, is fixed once', { skip: noSymlinks }, () => {
    const dir = workspace({ 'real.py': ONE_FINDING });
    fs.symlinkSync('real.py', path.join(dir, 'alias.py'));
    const result = cli(['fix', 'real.py', 'alias.py'], dir);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /fixed \d+ findings? in 1 file;/);
    assert.equal(fs.readFileSync(path.join(dir, 'real.py'), 'utf8'), CLEAN);
  });

  test('keeps file permissions under a folder reached through a link', { skip: noSymlinks || (process.platform === 'win32' && 'POSIX permissions') }, () => {
    const dir = workspace({ 'real/app.py': APP, 'real/tool.py': ONE_FINDING });
    fs.symlinkSync('real', path.join(dir, 'proj'));
    fs.chmodSync(path.join(dir, 'real', 'app.py'), 0o640);
    fs.chmodSync(path.join(dir, 'real', 'tool.py'), 0o750);
    const result = cli(['fix', 'proj'], dir);
    assert.equal(result.status, 1, result.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'real', 'app.py'), 'utf8'), APP_SAFE_FIXED);
    assert.equal(fs.readFileSync(path.join(dir, 'real', 'tool.py'), 'utf8'), CLEAN);
    assert.equal(fs.statSync(path.join(dir, 'real', 'app.py')).mode & 0o777, 0o640);
    assert.equal(fs.statSync(path.join(dir, 'real', 'tool.py')).mode & 0o777, 0o750);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'real')).sort(), ['app.py', 'tool.py'], 'no temporary file left behind');
  });

  test('the write itself refuses a file whose real path left the folder after it was found', { skip: noSymlinks }, () => {
    // The walk's check cannot see a file swapped for a link later; the write checks again.
    const outside = workspace({ 'shared.py': ONE_FINDING });
    const dir = workspace({});
    fs.symlinkSync(path.join(outside, 'shared.py'), path.join(dir, 'app.py'));
    assert.throws(() => writeAtomically(path.join(dir, 'app.py'), CLEAN, fs.realpathSync(dir)), /outside/);
    assert.equal(fs.readFileSync(path.join(outside, 'shared.py'), 'utf8'), ONE_FINDING);
    assert.deepEqual(fs.readdirSync(outside), ['shared.py']);
    writeAtomically(path.join(outside, 'shared.py'), CLEAN, fs.realpathSync(outside));
    assert.equal(fs.readFileSync(path.join(outside, 'shared.py'), 'utf8'), CLEAN, 'inside its own folder the write goes through');
  });

  test('keeps a UTF-8 byte-order mark', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const dir = workspace({ 'app.py': Buffer.concat([bom, Buffer.from(APP, 'utf8')]) });
    const file = path.join(dir, 'app.py');
    const check = cliJson<JsonFinding[]>(['check', '--format', 'json', 'app.py'], dir);
    assert.equal(check.value[0].column, 12, 'the BOM does not shift columns');
    const result = cli(['fix', 'app.py'], dir);
    assert.equal(result.status, 1, result.stderr);
    const bytes = fs.readFileSync(file);
    assert.ok(bytes.subarray(0, 3).equals(bom), 'BOM kept');
    assert.equal(bytes.subarray(3).toString('utf8'), APP_SAFE_FIXED);
    assert.notEqual(bytes[3], 0xef, 'BOM not doubled');
  });

  test('keeps CRLF line endings, also on lines a fix adds', () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    // User comes from another module, so the `select` import is a new line.
    const source = crlf('from myapp.models import User\nfrom sqlalchemy.orm import Session\n\n\ndef everyone(session: Session):\n    return session.query(User).all()\n\n\ndef one(session: Session):\n    return session.query(User).get(1)\n');
    const dir = workspace({ 'app.py': source, 'model.py': crlf(APP) });
    const result = cli(['fix', '--unsafe', 'app.py', 'model.py'], dir);
    assert.equal(result.status, 0, result.stderr);
    const fixed = fs.readFileSync(path.join(dir, 'app.py'), 'utf8');
    assert.notEqual(fixed, source, 'the file was rewritten');
    assert.match(fixed, /session\.scalars\(select\(User\)\)\.all\(\)/);
    assert.match(fixed, /^from sqlalchemy import select\r$/m);
    assert.doesNotMatch(fixed, /(^|[^\r])\n/, 'every newline is preceded by CR');
    assert.equal(fs.readFileSync(path.join(dir, 'model.py'), 'utf8'), crlf(APP_ALL_FIXED));
  });

  for (const mode of [[], ['--unsafe']]) {
    test(`running fix${mode.map((m) => ' ' + m).join('')} twice equals running it once`, () => {
      const dir = workspace({ 'app.py': APP, 'old.py': ONE_FINDING });
      cli(['fix', ...mode, '.'], dir);
      const once = { app: fs.readFileSync(path.join(dir, 'app.py')), old: fs.readFileSync(path.join(dir, 'old.py')) };
      const second = cli(['fix', ...mode, '.'], dir);
      assert.match(second.stderr, /fixed 0 findings in 0 files/);
      assert.ok(fs.readFileSync(path.join(dir, 'app.py')).equals(once.app));
      assert.ok(fs.readFileSync(path.join(dir, 'old.py')).equals(once.old));
      const diff = cli(['fix', ...mode, '--diff', '.'], dir);
      assert.equal(diff.stdout, '', 'nothing left to change');
    });
  }
});

describe('rules and explain', () => {
  interface RuleEntry {
    code: string;
    id: string;
    tier: string;
    severity: string;
    fix: string;
    summary: string;
    url: string;
  }

  test('rules --format json lists every rule with its fields', () => {
    const dir = workspace({});
    const { status, value } = cliJson<RuleEntry[]>(['rules', '--format', 'json'], dir);
    assert.equal(status, 0);
    assert.ok(Array.isArray(value) && value.length > 0);
    for (const rule of value) {
      assert.deepEqual(Object.keys(rule).sort(), ['code', 'fix', 'id', 'severity', 'summary', 'tier', 'url']);
      assert.match(rule.code, /^SQA\d{3}$/);
      assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(['error', 'warning', 'info', 'hint'].includes(rule.severity), rule.severity);
      assert.ok(rule.summary.length > 0);
      assert.match(rule.url, /^https:\/\/docs\.sqlalchemy\.org\/.*migration_20/);
    }
    assert.equal(new Set(value.map((r) => r.code)).size, value.length, 'codes are unique');
    const get = value.find((r) => r.code === 'SQA401');
    assert.deepEqual({ id: get?.id, tier: get?.tier, fix: get?.fix }, { id: 'query-get', tier: 'legacy', fix: 'safe' });
    const select = value.find((r) => r.code === 'SQA402');
    assert.equal(select?.fix, 'review');
  });

  test('rules (text) prints one line per rule', () => {
    const dir = workspace({});
    const json = cliJson<RuleEntry[]>(['rules', '--format', 'json'], dir).value;
    const text = cli(['rules'], dir);
    assert.equal(text.status, 0);
    const lines = text.stdout.trimEnd().split('\n');
    assert.equal(lines.length, json.length);
    json.forEach((rule, i) => {
      assert.ok(lines[i].startsWith(rule.code), lines[i]);
      assert.ok(lines[i].includes(rule.id), lines[i]);
    });
  });

  test('explain SQA401 prints the rule documentation', () => {
    const dir = workspace({});
    const result = cli(['explain', 'SQA401'], dir);
    assert.equal(result.status, 0);
    for (const section of ['What it does', 'Why', 'Example', 'Use instead', 'Fix safety']) {
      assert.match(result.stdout, new RegExp(`^#+ ${section}$`, 'm'), section);
    }
    assert.match(result.stdout, /SQA401/);
    assert.match(result.stdout, /session\.query\(User\)\.get\(5\)/);
    assert.match(result.stdout, /session\.get\(User, 5\)/);
    assert.match(result.stdout, /https:\/\/docs\.sqlalchemy\.org\/en\/20\/changelog\/migration_20\.html#\S+/);
  });

  test('explain accepts a lower-case code and a rule id', () => {
    const dir = workspace({});
    const expected = cli(['explain', 'SQA401'], dir).stdout;
    assert.equal(cli(['explain', 'sqa401'], dir).stdout, expected);
    assert.equal(cli(['explain', 'query-get'], dir).stdout, expected);
  });

  test('explain SQA999 exits 2', () => {
    const dir = workspace({});
    const result = cli(['explain', 'SQA999'], dir);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /SQA999/);
    assert.equal(result.stdout, '');
  });

  test('explain without a code and rules with an unknown format exit 2', () => {
    const dir = workspace({});
    assert.equal(cli(['explain'], dir).status, 2);
    assert.equal(cli(['rules', '--format', 'yaml'], dir).status, 2);
  });
});
