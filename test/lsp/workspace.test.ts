import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient, waitFor } from './lspClient';
import type { ProgressReport, WorkspaceMigrationResult } from '../../server/src/protocol';
import { changedOnDisk, movedDocuments, sha256Hex } from '../../client/src/migrationCheck';
import { generateCorpus } from '../../scripts/benchCorpus';
import { createPythonParser, parseText } from '../../server/src/parse/parser';
import { analyze } from '../../server/src/engine/analyze';
import { summarize } from '../../server/src/engine/scanFile';
import type { FindingSummary } from '../../server/src/protocol';

const LEGACY_QUERY = 'from sqlalchemy.orm import Session\nfrom app.models import User\n\ndef find(session: Session):\n    return session.query(User).get(1)\n';
const LEGACY_CORE = 'from sqlalchemy import select\n\nstmt = select([users.c.id])\n';
const MODERN = 'from sqlalchemy import select\n\nstmt = select(users.c.id)\n';
const PLAIN = 'import json\n\nprint(json.dumps({}))\n';


describe('workspace scan, progress report and workspace migration over JSON-RPC', () => {
  let client: LspTestClient;
  let folder: string;
  const uriOf = (name: string) => pathToFileURL(path.join(folder, name)).toString();

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-ws-'));
    fs.mkdirSync(path.join(folder, 'app'));
    fs.mkdirSync(path.join(folder, 'migrations'));
    fs.mkdirSync(path.join(folder, '.venv'));
    fs.writeFileSync(path.join(folder, '.venv', 'pyvenv.cfg'), 'home = /usr\n');
    fs.writeFileSync(path.join(folder, '.venv', 'lib.py'), LEGACY_CORE);
    fs.writeFileSync(path.join(folder, 'app', 'queries.py'), LEGACY_QUERY);
    fs.writeFileSync(path.join(folder, 'app', 'core.py'), LEGACY_CORE);
    fs.writeFileSync(path.join(folder, 'app', 'modern.py'), MODERN);
    fs.writeFileSync(path.join(folder, 'app', 'plain.py'), PLAIN);
    fs.writeFileSync(path.join(folder, 'migrations', 'old.py'), LEGACY_CORE);
    client = new LspTestClient();
    client.configuration = { enable: true, rules: {}, exclude: ['migrations/**'] };
    await client.initialize({}, [{ uri: pathToFileURL(folder).toString(), name: 'ws' }]);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('scans the folder with work-done progress and reports files and findings', async () => {
    const report = await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return !r.scan.running && r.scan.total > 0 ? r : undefined;
    });
    assert.equal(report.scan.total, 4, 'the virtualenv and the excluded folder are skipped');
    assert.equal(report.filesUsingSqlAlchemy, 3, 'plain.py does not use SQLAlchemy');
    assert.equal(report.filesMigrated, 1, 'modern.py has nothing left');
    assert.equal(report.findingsLeft, 2);
    const codes = report.files.flatMap((f) => f.findings.map((x) => `${path.basename(new URL(f.uri).pathname)}:${x.code}:${x.step}:${x.line}`)).sort();
    assert.deepEqual(codes, ['core.py:SQA201:removed-apis:2', 'queries.py:SQA401:legacy-query:4']);
    const kinds = client.progress.map((p) => p.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds[kinds.length - 1], 'end');
    await waitFor(() => (client.progressChanged.length > 0 ? true : undefined));
  });

  it('reflects an open document\'s unsaved text, and the disk again once closed', async () => {
    const uri = uriOf('app/modern.py');
    await client.open(uri, MODERN + 'more = select([users.c.name])\n');
    await client.diagnosticsFor(uri, 1);
    const withEdit = await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return r.findingsLeft === 3 ? r : undefined;
    });
    assert.equal(withEdit.filesMigrated, 0);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await waitFor(async () => ((await client.request<ProgressReport>('sqlaUpgrade/progress', null)).findingsLeft === 2 ? true : undefined));
  });

  it('builds one workspace edit over the affected files, versioned for open documents', async () => {
    const openUri = uriOf('app/core.py');
    await client.open(openUri, LEGACY_CORE, 7);
    await client.diagnosticsFor(openUri, 7);
    const result = await client.request<WorkspaceMigrationResult>('sqlaUpgrade/workspaceMigration', { includeReview: true });
    assert.equal(result.files, 2);
    assert.equal(result.fixes, 2);
    const changes = result.edit.documentChanges as Array<{ textDocument: { uri: string; version: number | null }; edits: Array<{ range: never; newText: string; annotationId: string }> }>;
    const byUri = new Map(changes.map((c) => [c.textDocument.uri, c]));
    assert.equal(byUri.get(openUri)!.textDocument.version, 7);
    assert.equal(byUri.get(uriOf('app/queries.py'))!.textDocument.version, null);
    const annotations = result.edit.changeAnnotations as Record<string, { needsConfirmation: boolean }>;
    assert.ok(Object.values(annotations).every((a) => a.needsConfirmation), 'shown in the refactor preview');
    const queries = byUri.get(uriOf('app/queries.py'))!;
    const fixed = TextDocument.applyEdits(TextDocument.create('x', 'python', 1, LEGACY_QUERY), queries.edits);
    assert.ok(fixed.includes('return session.get(User, 1)'));
    const onlyCore = await client.request<WorkspaceMigrationResult>('sqlaUpgrade/workspaceMigration', { includeReview: false, codes: ['SQA201'] });
    assert.equal(onlyCore.files, 1);
  });

  it('exports the report as Markdown, JSON and SARIF with workspace-relative paths', async () => {
    const markdown = await client.request<string>('sqlaUpgrade/report', { format: 'markdown' });
    assert.match(markdown, /# SQLAlchemy 2\.0 migration report/);
    assert.match(markdown, /## app\/queries\.py/);
    const json = JSON.parse(await client.request<string>('sqlaUpgrade/report', { format: 'json' })) as Array<{ path: string; code: string; line: number }>;
    assert.ok(json.some((f) => f.path === 'app/queries.py' && f.code === 'SQA401' && f.line === 5));
    const sarif = JSON.parse(await client.request<string>('sqlaUpgrade/report', { format: 'sarif' }));
    assert.equal(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0].results.length >= 2);
  });

  it('publishes nothing for an open document the exclude globs leave out', async () => {
    const uri = uriOf('migrations/old.py');
    await client.open(uri, LEGACY_CORE);
    const { diagnostics } = await client.diagnosticsFor(uri, 1);
    assert.deepEqual(diagnostics, []);
  });

  it('applies pyproject.toml [tool.sqla-upgrade] and follows its changes', async () => {
    fs.writeFileSync(path.join(folder, 'pyproject.toml'), '[tool.sqla-upgrade]\nignore = ["SQA201"]\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('pyproject.toml'), type: 1 }] });
    await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return !r.scan.running && !r.files.some((f) => f.findings.some((x) => x.code === 'SQA201')) ? true : undefined;
    });
    fs.rmSync(path.join(folder, 'pyproject.toml'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('pyproject.toml'), type: 3 }] });
    await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return r.files.some((f) => f.findings.some((x) => x.code === 'SQA201')) ? true : undefined;
    });
  });

  it('picks up a file created on disk through watched-file events', async () => {
    fs.writeFileSync(path.join(folder, 'app', 'new.py'), LEGACY_CORE);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('app/new.py'), type: 1 }] });
    await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return r.files.some((f) => f.uri === uriOf('app/new.py') && f.findings.length === 1) ? true : undefined;
    });
    fs.rmSync(path.join(folder, 'app', 'new.py'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('app/new.py'), type: 3 }] });
    await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return r.files.some((f) => f.uri === uriOf('app/new.py')) ? undefined : true;
    });
  });

  it('a file on disk that answers none of an open document\'s questions leaves its analysis incremental', async () => {
    const uri = uriOf('app/views.py');
    // Whether Order is mapped depends on the Base of app/models.py.
    const text = [
      'from sqlalchemy import Column, ForeignKey, Integer',
      'from sqlalchemy.orm import relationship',
      'from app.models import Base',
      'class Order(Base):',
      '    __tablename__ = "orders"',
      '    id = Column(Integer, primary_key=True)',
      '    user = relationship("User", backref="orders")',
      'def unrelated():',
      '    return 1',
      '',
    ].join('\n');
    await client.setTrace('messages');
    await client.open(uri, text, 1);
    await client.diagnosticsFor(uri, 1);
    const analyzed = (version: number) => waitFor(() => {
      const prefix = `analyzed ${uri} version ${version} (`;
      const trace = client.traces.find((t) => t.startsWith(prefix));
      return trace && /\((\d+)\/(\d+) statements\)/.exec(trace)!.slice(1).map(Number);
    });
    const created = async (name: string, content: string) => {
      fs.writeFileSync(path.join(folder, name), content);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(name), type: 1 }] });
      await waitFor(async () => ((await client.request<ProgressReport>('sqlaUpgrade/progress', null)).files.some((f) => f.uri === uriOf(name)) ? true : undefined));
    };
    const edit = async (version: number) => {
      await client.change(uri, version, [{ range: { start: { line: 8, character: 11 }, end: { line: 8, character: 12 } }, text: String(version) }]);
      await client.diagnosticsFor(uri, version);
      return analyzed(version);
    };
    await created('app/invoices.py', 'from sqlalchemy.orm import declarative_base\nOther = declarative_base()\nclass Invoice(Other):\n    __tablename__ = "invoices"\n');
    const [checked, total] = await edit(2);
    assert.ok(checked < total, `re-checked ${checked} of ${total} statements`);
    // The module it imports Base from now exists: everything is looked at again.
    await created('app/models.py', 'from sqlalchemy.orm import declarative_base\nBase = declarative_base()\nclass User(Base):\n    __tablename__ = "users"\n');
    const [checkedAfter, totalAfter] = await edit(3);
    assert.equal(checkedAfter, totalAfter);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    for (const name of ['app/invoices.py', 'app/models.py']) {
      fs.rmSync(path.join(folder, name));
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(name), type: 3 }] });
    }
  });
});

type LspEdit = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
type DocumentChange = { textDocument: { uri: string; version: number | null }; edits: LspEdit[] };

/**
 * Applies a migration the way the extension does: the checks of client/src/migrationCheck first,
 * then every file or none. Closed files are edited on disk from their current text, as an editor
 * would load them.
 */
async function applyAsTheExtension(result: WorkspaceMigrationResult, openVersions: Map<string, number>): Promise<{ applied: boolean; changed: string[] }> {
  const changed = [
    ...(await changedOnDisk(result.diskBases, async (uri) => fs.readFileSync(fileURLToPath(uri)))),
    ...movedDocuments(result.edit.documentChanges, (uri) => openVersions.get(uri)),
  ];
  if (changed.length > 0) return { applied: false, changed };
  for (const change of result.edit.documentChanges as DocumentChange[]) {
    if (change.textDocument.version !== null) continue;
    const file = fileURLToPath(change.textDocument.uri);
    const current = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, TextDocument.applyEdits(TextDocument.create(change.textDocument.uri, 'python', 0, current), change.edits));
  }
  return { applied: true, changed: [] };
}

describe('Migrate Workspace never writes an edit computed from text that has changed since', () => {
  let client: LspTestClient;
  let folder: string;
  const fileOf = (name: string) => path.join(folder, 'app', name);
  const uriOf = (name: string) => pathToFileURL(fileOf(name)).toString();
  const BOM_CRLF_QUERY = '\uFEFF' + LEGACY_QUERY.replace(/\n/g, '\r\n');
  const ORIGINAL: Record<string, string> = { 'queries.py': LEGACY_QUERY, 'core.py': LEGACY_CORE, 'bom.py': BOM_CRLF_QUERY, 'editor.py': LEGACY_CORE };

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-stale-'));
    fs.mkdirSync(path.join(folder, 'app'));
    for (const [name, text] of Object.entries(ORIGINAL)) fs.writeFileSync(fileOf(name), text);
    client = new LspTestClient();
    await client.initialize({}, [{ uri: pathToFileURL(folder).toString(), name: 'ws' }]);
    await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return !r.scan.running && r.findingsLeft === 4 ? true : undefined;
    });
    // One file is open in the editor, at version 3.
    await client.open(uriOf('editor.py'), LEGACY_CORE, 3);
    await client.diagnosticsFor(uriOf('editor.py'), 3);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  });
  // Each test starts from the original files on disk.
  const restore = () => {
    for (const [name, text] of Object.entries(ORIGINAL)) if (name !== 'editor.py') fs.writeFileSync(fileOf(name), text);
  };

  it('gives each closed file the SHA-256 of the bytes its edit was computed from; unchanged, the whole edit applies', async () => {
    restore();
    const result = await client.request<WorkspaceMigrationResult>('sqlaUpgrade/workspaceMigration', { includeReview: true });
    const closed = ['bom.py', 'core.py', 'queries.py'];
    assert.deepEqual(result.diskBases.map((b) => b.uri).sort(), closed.map(uriOf).sort(), 'closed files only: the open one is versioned');
    for (const base of result.diskBases) assert.equal(base.sha256, sha256Hex(fs.readFileSync(fileURLToPath(base.uri))), 'a digest of the bytes, BOM and CR included');
    const outcome = await applyAsTheExtension(result, new Map([[uriOf('editor.py'), 3]]));
    assert.deepEqual(outcome, { applied: true, changed: [] });
    assert.match(fs.readFileSync(fileOf('queries.py'), 'utf8'), /return session\.get\(User, 1\)/);
    assert.equal(fs.readFileSync(fileOf('core.py'), 'utf8'), MODERN);
    assert.equal(fs.readFileSync(fileOf('bom.py'), 'utf8'), BOM_CRLF_QUERY.replace('session.query(User).get(1)', 'session.get(User, 1)'));
  });

  it('a closed file changed on disk between computing and applying: nothing is applied, the change is kept', async () => {
    restore();
    const result = await client.request<WorkspaceMigrationResult>('sqlaUpgrade/workspaceMigration', { includeReview: true });
    assert.equal(result.files, 4);
    // Someone saves queries.py after the edit was computed: a new first line shifts every line.
    const changedText = '# edited meanwhile\n' + LEGACY_QUERY;
    fs.writeFileSync(fileOf('queries.py'), changedText);
    const outcome = await applyAsTheExtension(result, new Map([[uriOf('editor.py'), 3]]));
    assert.deepEqual(outcome, { applied: false, changed: [uriOf('queries.py')] });
    assert.equal(fs.readFileSync(fileOf('queries.py'), 'utf8'), changedText, 'the change on disk is kept');
    for (const name of ['core.py', 'bom.py']) assert.equal(fs.readFileSync(fileOf(name), 'utf8'), ORIGINAL[name], `${name} untouched: nothing applied in part`);
  });

  it('an open document edited between computing and applying: nothing is applied', async () => {
    restore();
    const result = await client.request<WorkspaceMigrationResult>('sqlaUpgrade/workspaceMigration', { includeReview: true });
    const editor = (result.edit.documentChanges as DocumentChange[]).find((c) => c.textDocument.uri === uriOf('editor.py'));
    assert.equal(editor?.textDocument.version, 3);
    await client.change(uriOf('editor.py'), 4, [{ text: '# typed meanwhile\n' + LEGACY_CORE }]);
    const outcome = await applyAsTheExtension(result, new Map([[uriOf('editor.py'), 4]]));
    assert.deepEqual(outcome, { applied: false, changed: [uriOf('editor.py')] });
    for (const name of ['queries.py', 'core.py', 'bom.py']) assert.equal(fs.readFileSync(fileOf(name), 'utf8'), ORIGINAL[name], `${name} untouched`);
  });
});

describe('a long workspace scan runs in the scan workers', () => {
  let client: LspTestClient;
  let folder: string;
  const expected = new Map<string, { usesSqlAlchemy: boolean; findings: FindingSummary[] }>();

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-long-scan-'));
    for (const file of generateCorpus('workspace scan in workers', 120000)) {
      const target = path.join(folder, file.relativePath);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.text);
    }
    // What the single-thread analysis finds in each file: the report must say the same.
    const parser = await createPythonParser();
    for (const name of fs.readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.py'))) {
      const file = path.join(folder, name);
      const text = fs.readFileSync(file, 'utf8');
      const tree = parseText(parser, text);
      const analysis = analyze(text, tree, { filePath: file });
      // As JSON carries it: no properties set to undefined.
      const findings = JSON.parse(JSON.stringify(summarize(analysis.findings, analysis.lines, { rules: {} }))) as FindingSummary[];
      expected.set(pathToFileURL(file).toString(), { usesSqlAlchemy: analysis.model.usesSqlAlchemy, findings });
      tree.delete();
    }
    parser.delete();
    client = new LspTestClient();
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('an open document gets its diagnostics, edit after edit, while the scan runs', async () => {
    await client.initialize({}, [{ uri: pathToFileURL(folder).toString(), name: 'ws' }]);
    await waitFor(async () => ((await client.request<ProgressReport>('sqlaUpgrade/progress', null)).scan.running ? true : undefined));
    const uri = pathToFileURL(path.join(os.tmpdir(), 'sqla-long-scan-editor.py')).toString();
    await client.open(uri, LEGACY_CORE);
    assert.equal((await client.diagnosticsFor(uri, 1)).diagnostics.length, 1);
    for (let version = 2; version <= 6; version++) {
      const text = version % 2 === 0 ? MODERN : LEGACY_CORE;
      await client.change(uri, version, [{ text }]);
      assert.equal((await client.diagnosticsFor(uri, version)).diagnostics.length, version % 2 === 0 ? 0 : 1);
    }
    const { scan } = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
    assert.ok(scan.running && scan.done < scan.total, `the scan was still running (${scan.done}/${scan.total})`);
  });

  it('the finished scan reports, file by file, what the single-thread analysis finds', async () => {
    const report = await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return !r.scan.running ? r : undefined;
    }, 120000);
    assert.equal(report.scan.total, expected.size);
    assert.equal(report.scan.done, expected.size);
    const want = [...expected].filter(([, e]) => e.usesSqlAlchemy || e.findings.length > 0).sort(([a], [b]) => (a < b ? -1 : 1));
    // The editor's document is in the report too: compare the scanned files.
    const got = report.files.filter((f) => expected.has(f.uri));
    assert.deepEqual(got.map((f) => f.uri), want.map(([uri]) => uri));
    for (const file of got) assert.deepEqual({ usesSqlAlchemy: file.usesSqlAlchemy, findings: file.findings }, expected.get(file.uri), file.uri);
    assert.equal(report.findingsLeft - (report.files.find((f) => !expected.has(f.uri))?.findings.length ?? 0), want.reduce((n, [, e]) => n + e.findings.length, 0));
    const kinds = client.progress.map((p) => p.kind);
    assert.equal(kinds[kinds.length - 1], 'end');
    assert.ok(kinds.filter((k) => k === 'report').length > 1, 'the progress was reported as files arrived');
  });
});

describe('workspace migration of a large workspace over JSON-RPC', () => {
  let client: LspTestClient;
  let folder: string;
  const FILES = 150;

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-ws-migrate-'));
    fs.mkdirSync(path.join(folder, 'app'));
    for (let i = 0; i < FILES; i++) {
      const body = Array.from({ length: 20 }, (_, k) => `\n\ndef find_${k}(session: Session):\n    return session.query(User).get(${k})\n`).join('');
      fs.writeFileSync(path.join(folder, 'app', `service_${i}.py`), `from sqlalchemy.orm import Session\nfrom app.models import User\n${body}`);
    }
    client = new LspTestClient();
    client.configuration = { enable: true, rules: {} };
    await client.initialize({}, [{ uri: pathToFileURL(folder).toString(), name: 'ws' }]);
    await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return !r.scan.running && r.scan.done === FILES ? true : undefined;
    }, 120000);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('stops at the next file when the request is cancelled, and answers the editor meanwhile', async () => {
    const migration = client.cancellableRequest<WorkspaceMigrationResult>('sqlaUpgrade/workspaceMigration', { includeReview: true });
    // Served while the migration runs: the server takes turns with it.
    const progress = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
    assert.equal(progress.scan.done, FILES);
    migration.cancel();
    const outcome = await migration.result;
    assert.ok('error' in outcome, 'the cancelled migration returned no edit');
    assert.equal((outcome.error as { code: number }).code, -32800, 'RequestCancelled');
  });

  it('without a cancel, builds the edit over every file', async () => {
    const result = await client.request<WorkspaceMigrationResult>('sqlaUpgrade/workspaceMigration', { includeReview: true });
    assert.equal(result.files, FILES);
    assert.equal(result.fixes, FILES * 20);
  });
});

describe('a scanned file that uses a class of a file scanned after it', () => {
  // a_user.py comes first in the scan's order; the Address class its relationship names, in
  // z_address.py, comes after it. The fixes of its findings need that class.
  const FILES: Record<string, string> = {
    'app/__init__.py': '',
    'app/z_db.py': 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n',
    'app/a_user.py': [
      'from sqlalchemy import Column, Integer',
      'from sqlalchemy.orm import relationship',
      '',
      'from app.z_db import Base',
      '',
      '',
      'class User(Base):',
      '    __tablename__ = "users"',
      '    id = Column(Integer, primary_key=True)',
      '    addresses = relationship("Address", backref="user")',
      '',
    ].join('\n'),
    'app/z_address.py': [
      'from sqlalchemy import Column, ForeignKey, Integer',
      '',
      'from app.z_db import Base',
      '',
      '',
      'class Address(Base):',
      '    __tablename__ = "addresses"',
      '    id = Column(Integer, primary_key=True)',
      '    user_id = Column(ForeignKey("users.id"))',
      '',
    ].join('\n'),
  };
  let client: LspTestClient;
  let folder: string;

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-scan-order-'));
    for (const [name, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
      fs.writeFileSync(path.join(folder, name), text);
    }
    client = new LspTestClient();
    client.configuration = { enable: true, rules: {}, targetVersion: '2.0' };
    await client.initialize({}, [{ uri: pathToFileURL(folder).toString(), name: 'ws' }]);
  });
  after(async () => {
    await client.shutdown();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('is analyzed again once every file is known: its findings have the fixes that need the later file', async () => {
    const report = await waitFor(async () => {
      const r = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
      return !r.scan.running && r.scan.total > 0 ? r : undefined;
    });
    const user = report.files.find((f) => f.uri.endsWith('/app/a_user.py'))!;
    const fixes = user.findings.map((f) => `${f.code}:${f.line}:${f.fixTitle ?? 'no fix'}`).sort();
    assert.deepEqual(fixes, [
      'SQA304:8:Annotate as Mapped[int] with mapped_column()',
      'SQA305:9:Annotate as Mapped[List["Address"]]',
      'SQA307:9:Declare Address.user with back_populates',
    ]);
    // a_user.py and z_address.py: both take their base from z_db.py, the last file of the scan.
    assert.ok(client.progress.some((p) => /4\/4 files; rechecking 2 that use files scanned after them/.test(p.message ?? '')), client.progress.map((p) => p.message).join(' | '));
    const address = report.files.find((f) => f.uri.endsWith('/app/z_address.py'))!;
    assert.deepEqual(address.findings.map((f) => `${f.code}:${f.line}`), ['SQA304:7', 'SQA304:8']);
  });

  const userFixes = async () => {
    const report = await client.request<ProgressReport>('sqlaUpgrade/progress', null);
    const user = report.files.find((f) => f.uri.endsWith('/app/a_user.py'))!;
    return user.findings.filter((f) => f.code !== 'SQA304').map((f) => `${f.code}:${f.fixTitle ?? 'no fix'}`).sort().join(', ');
  };
  const WITH_ADDRESS = 'SQA305:Annotate as Mapped[List["Address"]], SQA307:Declare Address.user with back_populates';
  const WITHOUT_ADDRESS = 'SQA305:no fix, SQA307:no fix';

  it('is analyzed again when a file it asked about changes on disk, and when an open document changes it', async () => {
    const addressFile = path.join(folder, 'app', 'z_address.py');
    const addressUri = pathToFileURL(addressFile).toString();
    // The class it names goes away: its fixes go with it.
    fs.writeFileSync(addressFile, FILES['app/z_address.py'].replace('class Address(', 'class EmailAddress('));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: addressUri, type: 2 }] });
    assert.equal(await waitFor(async () => ((await userFixes()) === WITHOUT_ADDRESS ? WITHOUT_ADDRESS : undefined)), WITHOUT_ADDRESS);
    // The editor brings it back, unsaved: the closed file's report follows the open document. The
    // backref's fix would edit the unsaved document, whose text the scan workers do not have.
    await client.open(addressUri, fs.readFileSync(addressFile, 'utf8'), 1);
    await client.change(addressUri, 2, [{ text: FILES['app/z_address.py'] }]);
    const typedOnly = 'SQA305:Annotate as Mapped[List["Address"]], SQA307:no fix';
    assert.equal(await waitFor(async () => ((await userFixes()) === typedOnly ? typedOnly : undefined)), typedOnly);
    // Saved and closed: the file on disk answers again, with its text.
    fs.writeFileSync(addressFile, FILES['app/z_address.py']);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: addressUri } });
    assert.equal(await waitFor(async () => ((await userFixes()) === WITH_ADDRESS ? WITH_ADDRESS : undefined)), WITH_ADDRESS);
    assert.equal(client.progress.filter((p) => p.message === '1 file uses changed files').length, 3, client.progress.map((p) => p.message).join(' | '));
  });
});
