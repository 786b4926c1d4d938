// The analysis only reads files. The built CLI and language server run here with a preload
// (test/guards/deny-network.js) that records and blocks every network call, name lookup,
// subprocess and worker; each run must record none. A workspace of Python files that leave a
// marker file when Python runs them checks that no workspace code is ever executed.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient, waitFor } from './lspClient';
import type { ProgressReport, WorkspaceMigrationResult } from '../../server/src/protocol';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const GUARD = path.join(ROOT, 'test', 'guards', 'deny-network.js');
const SCAN_WORKER = path.join(ROOT, 'dist', 'scanWorker.js');

interface GuardRecord {
  pid: number;
  threadId?: number;
  kind: 'loaded' | 'attempt' | 'worker';
  script?: string;
  api?: string;
  args?: string;
}

function readGuardLog(log: string): GuardRecord[] {
  if (!fs.existsSync(log)) return [];
  return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as GuardRecord);
}

function runNode(args: string[], cwd: string, guardLog?: string) {
  const execArgv = guardLog ? ['--require', GUARD] : [];
  const env = guardLog ? { ...process.env, SQLA_GUARD_LOG: guardLog } : process.env;
  const result = spawnSync(process.execPath, [...execArgv, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return result;
}

/** The attempts a guarded process recorded; fails unless the guard was loaded in it at all. */
function attemptsOf(log: string, pid: number | undefined): GuardRecord[] {
  const records = readGuardLog(log).filter((r) => r.pid === pid);
  assert.ok(records.some((r) => r.kind === 'loaded'), `the guard was not loaded in process ${pid}`);
  return records.filter((r) => r.kind === 'attempt');
}

const MODELS = [
  'from sqlalchemy import Column, Integer, String',
  'from sqlalchemy.ext.declarative import declarative_base',
  '',
  'Base = declarative_base()',
  '',
  '',
  'class User(Base):',
  '    __tablename__ = "users"',
  '    id = Column(Integer, primary_key=True)',
  '    name = Column(String)',
  '',
  '',
  'def load(session):',
  '    return session.query(User).get(1)',
  '',
].join('\n');

/**
 * A project whose every Python file appends its name to `marker` when Python runs or imports it:
 * the files Python and pytest run by themselves (sitecustomize, usercustomize, conftest, setup,
 * package and `__main__` modules) and a module with findings.
 */
function tripwireProject(dir: string, marker: string): string[] {
  const tripwire = (name: string) => `with open(${JSON.stringify(marker)}, "a") as f:\n    f.write(${JSON.stringify(name + '\n')})\n`;
  const files: Record<string, string> = {
    'sitecustomize.py': tripwire('sitecustomize.py'),
    'usercustomize.py': tripwire('usercustomize.py'),
    'conftest.py': tripwire('conftest.py'),
    'setup.py': tripwire('setup.py'),
    'app/__init__.py': tripwire('app/__init__.py'),
    'app/__main__.py': tripwire('app/__main__.py'),
    'app/models.py': tripwire('app/models.py') + MODELS,
    'tests/conftest.py': tripwire('tests/conftest.py'),
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[project]\nname = "tripwire"\n\n[tool.pytest.ini_options]\naddopts = "-p app"\n');
  return Object.keys(files);
}


/** Everything an editor session does that reaches the disk: the scan, diagnostics, fixes, migration, report. */
async function exerciseServer(client: LspTestClient, folders: string[], documentPath: string): Promise<void> {
  await client.initialize({}, folders.map((f, i) => ({ uri: pathToFileURL(f).toString(), name: `folder${i}` })));
  const report = await waitFor(async () => {
    const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
    return !r.scan.running && r.scan.total > 0 ? r : undefined;
  }, 20000, 50);
  assert.ok(report.findingsLeft > 0, 'the scan found the legacy code');
  const uri = pathToFileURL(documentPath).toString();
  await client.open(uri, fs.readFileSync(documentPath, 'utf8'));
  const { diagnostics } = await client.diagnosticsFor(uri, 1);
  assert.ok(diagnostics.length > 0);
  const first = diagnostics[0];
  await client.request('textDocument/hover', { textDocument: { uri }, position: first.range.start });
  await client.request('textDocument/codeAction', { textDocument: { uri }, range: first.range, context: { diagnostics } });
  await client.request('workspace/executeCommand', { command: 'sqlaUpgrade.server.migrateFile', arguments: [{ uri, version: 1, includeReview: true }] });
  const migration = await client.request<WorkspaceMigrationResult>('sqlaUpgrade/workspaceMigration', { includeReview: true });
  assert.ok(migration.files > 0);
  await client.request('sqlaUpgrade/report', { format: 'sarif' });
  await client.request('sqlaUpgrade/rescan', null);
}

let temp: string;

before(() => {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-security-'));
});

after(() => {
  if (temp) fs.rmSync(temp, { recursive: true, force: true });
});

describe('the guard itself (positive controls)', () => {
  it('records and blocks a connection, a name lookup, an HTTP request, a subprocess and a worker', () => {
    const log = path.join(temp, 'control.jsonl');
    // A worker script of its own, and the scan worker's name reached through a link: neither is the project's worker.
    const foreign = path.join(temp, 'foreign-worker.js');
    fs.writeFileSync(foreign, "require('net').connect(9, '127.0.0.1');\n");
    const linkDir = path.join(temp, 'dist-link');
    fs.mkdirSync(linkDir, { recursive: true });
    const lookalike = path.join(linkDir, 'scanWorker.js');
    if (!fs.existsSync(lookalike)) fs.symlinkSync(foreign, lookalike);
    const script = [
      "const tryIt = (f) => { try { f(); } catch { /* blocked */ } };",
      "tryIt(() => require('net').connect(9, '127.0.0.1'));",
      "tryIt(() => new (require('net').Socket)().connect(9, '127.0.0.1'));",
      "tryIt(() => require('dns').lookup('example.invalid', () => {}));",
      "tryIt(() => require('https').get('https://example.invalid/'));",
      "tryIt(() => require('child_process').spawnSync('python3', ['-c', 'pass']));",
      "tryIt(() => new (require('worker_threads').Worker)('0', { eval: true }));",
      `tryIt(() => new (require('worker_threads').Worker)(${JSON.stringify(foreign)}));`,
      `tryIt(() => new (require('worker_threads').Worker)(${JSON.stringify(lookalike)}));`,
      `tryIt(() => new (require('worker_threads').Worker)(${JSON.stringify(SCAN_WORKER)}, { eval: true }));`,
      "tryIt(() => require('dgram').createSocket('udp4'));",
    ].join('\n');
    const result = runNode(['-e', script], temp, log);
    assert.equal(result.status, 0, result.stderr);
    const records = readGuardLog(log);
    assert.deepEqual(records.filter((r) => r.kind === 'attempt').map((r) => r.api), [
      'net.connect', 'net.Socket.prototype.connect', 'dns.lookup', 'https.get', 'child_process.spawnSync',
      'worker_threads.Worker', 'worker_threads.Worker', 'worker_threads.Worker', 'worker_threads.Worker', 'dgram.createSocket',
    ]);
    assert.equal(records.filter((r) => r.kind === 'worker').length, 0, 'no worker started');
  });

  it('lets the project\'s scan worker start, and guards it inside too', () => {
    const log = path.join(temp, 'control-worker.jsonl');
    // The scan worker starts: the start is recorded as allowed, and the guard runs inside the worker too.
    const script = [
      "const { Worker } = require('worker_threads');",
      `const worker = new Worker(${JSON.stringify(SCAN_WORKER)}, { workerData: { seed: [], niceness: 0 } });`,
      "worker.on('message', (m) => { if (m.type === 'ready') worker.terminate(); });",
      "worker.on('error', (e) => { console.error(e); process.exitCode = 1; });",
    ].join('\n');
    const result = runNode(['-e', script], temp, log);
    assert.equal(result.status, 0, result.stderr);
    const records = readGuardLog(log).filter((r) => r.pid === result.pid);
    assert.deepEqual(records.filter((r) => r.kind === 'worker').map((r) => r.script), [fs.realpathSync(SCAN_WORKER)]);
    assert.ok(records.some((r) => r.kind === 'loaded' && (r.threadId ?? 0) > 0), 'the guard was loaded inside the worker');
    assert.deepEqual(records.filter((r) => r.kind === 'attempt'), []);
  });

  it('the tripwire files leave their marker when Python runs them', { skip: !hasPython() && 'no python3' }, () => {
    const dir = path.join(temp, 'tripwire-control');
    const marker = path.join(temp, 'tripwire-control.marker');
    const files = tripwireProject(dir, marker);
    // models.py then fails to import SQLAlchemy where it is not installed; its marker line comes first.
    for (const file of files) spawnSync('python3', [path.join(dir, file)], { cwd: dir });
    assert.deepEqual(fs.readFileSync(marker, 'utf8').split('\n').filter(Boolean), files);
  });
});

function hasPython(): boolean {
  const result = spawnSync('python3', ['--version']);
  return !result.error && result.status === 0;
}

describe('the built CLI reads files and nothing else', () => {
  let fixtures: string;
  let legacyApp: string;
  let tripwire: string;
  let marker: string;

  before(() => {
    fixtures = path.join(temp, 'cli', 'fixtures');
    legacyApp = path.join(temp, 'cli', 'legacy_app');
    tripwire = path.join(temp, 'cli', 'tripwire');
    marker = path.join(temp, 'cli-tripwire.marker');
    fs.cpSync(path.join(ROOT, 'test', 'fixtures'), fixtures, { recursive: true });
    fs.cpSync(path.join(ROOT, 'sample', 'legacy_app'), legacyApp, { recursive: true });
    tripwireProject(tripwire, marker);
  });

  const runs: Array<[string, (dirs: { fixtures: string; legacyApp: string; tripwire: string }) => string[], number[]]> = [
    ['check --format json on the fixtures', (d) => ['check', '--format', 'json', d.fixtures], [1, 2]],
    ['check --format sarif on sample/legacy_app', (d) => ['check', '--format', 'sarif', d.legacyApp], [1]],
    ['fix --diff on sample/legacy_app', (d) => ['fix', '--diff', d.legacyApp], [1]],
    ['fix --unsafe on the fixtures', (d) => ['fix', '--unsafe', d.fixtures], [0, 1, 2]],
    ['fix --unsafe on sample/legacy_app', (d) => ['fix', '--unsafe', d.legacyApp], [0, 1]],
    ['check on a project that would run code if imported', (d) => ['check', d.tripwire], [1]],
    ['fix --unsafe on a project that would run code if imported', (d) => ['fix', '--unsafe', d.tripwire], [0, 1]],
    ['rules and explain', () => ['explain', 'SQA401'], [0]],
  ];
  for (const [name, args, statuses] of runs) {
    it(`${name}: no network, lookup, subprocess or worker`, () => {
      const log = path.join(temp, `cli-${name.replace(/\W+/g, '-')}.jsonl`);
      const result = runNode([CLI, ...args({ fixtures, legacyApp, tripwire })], temp, log);
      assert.ok(statuses.includes(result.status!), `exit ${result.status}: ${result.stderr.slice(0, 2000)}`);
      assert.ok(result.stdout.length + result.stderr.length > 0, 'the command did its work');
      assert.deepEqual(attemptsOf(log, result.pid), []);
    });
  }

  it('the fixes were written, and no Python file of the project ran', () => {
    assert.match(fs.readFileSync(path.join(tripwire, 'app', 'models.py'), 'utf8'), /session\.get\(User, 1\)/);
    assert.match(fs.readFileSync(path.join(legacyApp, 'db.py'), 'utf8'), /from sqlalchemy\.orm import/);
    assert.equal(fs.existsSync(marker), false, `workspace code ran: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`);
  });
});

describe('the built language server reads files and nothing else', () => {
  it('scan, diagnostics, hover, quick fixes and migrations under the guard: nothing recorded', async () => {
    const legacyApp = path.join(temp, 'server', 'legacy_app');
    const tripwire = path.join(temp, 'server', 'tripwire');
    const marker = path.join(temp, 'server-tripwire.marker');
    fs.cpSync(path.join(ROOT, 'sample', 'legacy_app'), legacyApp, { recursive: true });
    tripwireProject(tripwire, marker);
    const log = path.join(temp, 'server.jsonl');
    const client = new LspTestClient(undefined, { execArgv: ['--require', GUARD], env: { ...process.env, SQLA_GUARD_LOG: log } });
    try {
      await exerciseServer(client, [legacyApp, tripwire], path.join(legacyApp, 'db.py'));
    } finally {
      await client.shutdown();
    }
    assert.deepEqual(attemptsOf(log, client.pid), []);
    // The scan ran in the project's worker, with the guard loaded inside it.
    const records = readGuardLog(log).filter((r) => r.pid === client.pid);
    assert.ok(records.some((r) => r.kind === 'worker' && r.script === fs.realpathSync(SCAN_WORKER)), 'the scan started its worker');
    assert.ok(records.some((r) => r.kind === 'loaded' && (r.threadId ?? 0) > 0), 'the guard was loaded inside the worker');
    assert.equal(fs.existsSync(marker), false, 'no Python file of the workspace ran');
  });

  it('without the guard, a workspace that would run code if imported is scanned, fixed and migrated without running it', async () => {
    const tripwire = path.join(temp, 'server-unguarded', 'tripwire');
    const marker = path.join(temp, 'server-unguarded.marker');
    tripwireProject(tripwire, marker);
    const client = new LspTestClient();
    try {
      await exerciseServer(client, [tripwire], path.join(tripwire, 'app', 'models.py'));
    } finally {
      await client.shutdown();
    }
    const cli = runNode([CLI, 'fix', '--unsafe', tripwire], temp);
    assert.ok([0, 1].includes(cli.status!), cli.stderr);
    assert.match(fs.readFileSync(path.join(tripwire, 'app', 'models.py'), 'utf8'), /session\.get\(User, 1\)/, 'the fix was written');
    assert.equal(fs.existsSync(marker), false, `workspace code ran: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`);
  });
});
