// Migration Progress view and the workspace commands, through the model behind the view
// (`sqlaUpgrade.getProgressModel`) and the commands a user runs.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { activate, revertAndCloseAll, waitFor, workspaceUri } from './helpers';

interface ProgressModel {
  summary: string;
  description: string;
  groups: Array<{ label: string; count: number; rules: Array<{ label: string; count: number; files: number }> }>;
}

const FILES = ['app/models.py', 'app/reports.py'];

/** Saves the fixture files the workspace edit touched (it edits closed files in memory). */
async function saveFixtureFiles(): Promise<void> {
  for (const file of FILES) {
    const document = await vscode.workspace.openTextDocument(workspaceUri(file));
    if (document.isDirty) assert.ok(await document.save(), `${file} saved`);
  }
}

async function model(): Promise<ProgressModel> {
  return (await vscode.commands.executeCommand<ProgressModel>('sqlaUpgrade.getProgressModel'))!;
}

function rule(m: ProgressModel, label: string): { label: string; count: number; files: number } | undefined {
  return m.groups.flatMap((g) => g.rules).find((r) => r.label === label);
}

suite('Migration Progress view', () => {
  const originals = new Map<string, string>();

  suiteSetup(async () => {
    await activate();
    for (const file of FILES) originals.set(file, fs.readFileSync(workspaceUri(file).fsPath, 'utf8'));
  });
  // The workspace commands change the fixture: put it back through the editor, so that open
  // documents and the files on disk agree for the suites that follow.
  suiteTeardown(async () => {
    for (const [file, text] of originals) {
      const document = await vscode.workspace.openTextDocument(workspaceUri(file));
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), text);
      await vscode.workspace.applyEdit(edit);
      await document.save();
    }
    await revertAndCloseAll();
  });

  test('lists the guide steps, rules and files with their counts', async () => {
    const m = await waitFor('the workspace scan', async () => {
      const current = await model();
      return current && rule(current, 'SQA401 query-get')?.count === 2 && current;
    }, 45000);
    assert.match(m.summary, /^0\/2 files migrated \(0%\)$/);
    const removed = m.groups.find((g) => g.label.startsWith('Removed APIs'));
    const query = m.groups.find((g) => g.label === 'Legacy Query API');
    assert.ok(removed && query, `groups: ${m.groups.map((g) => g.label).join(', ')}`);
    assert.deepStrictEqual(rule(m, 'SQA301 declarative-import'), { label: 'SQA301 declarative-import', count: 4, files: 2 });
    assert.deepStrictEqual(rule(m, 'SQA201 select-list-argument'), { label: 'SQA201 select-list-argument', count: 1, files: 1 });
    assert.deepStrictEqual(rule(m, 'SQA401 query-get'), { label: 'SQA401 query-get', count: 2, files: 2 });
    const total = m.groups.reduce((n, g) => n + g.count, 0);
    assert.match(m.description, new RegExp(`^${total} findings left`));
    assert.strictEqual(removed.count, removed.rules.reduce((n, r) => n + r.count, 0));
  });

  test('Show Rule Documentation returns the rule docs', async () => {
    const markdown = await vscode.commands.executeCommand<string>('sqlaUpgrade.showRuleDocumentation', 'SQA401');
    assert.ok(markdown?.includes('# SQA401 query-get'));
    assert.ok(markdown?.includes('Use instead'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Export Migration Report writes Markdown, JSON and SARIF', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqla-report-'));
    const markdown = await vscode.commands.executeCommand<string>('sqlaUpgrade.exportReport', { format: 'markdown', target: vscode.Uri.file(path.join(dir, 'r.md')) });
    assert.match(markdown!, /## app\/reports\.py/);
    assert.strictEqual(fs.readFileSync(path.join(dir, 'r.md'), 'utf8'), markdown);
    const json = JSON.parse((await vscode.commands.executeCommand<string>('sqlaUpgrade.exportReport', { format: 'json', target: vscode.Uri.file(path.join(dir, 'r.json')) }))!);
    assert.ok(json.some((f: { path: string; code: string }) => f.path === 'app/models.py' && f.code === 'SQA401'));
    const sarif = JSON.parse((await vscode.commands.executeCommand<string>('sqlaUpgrade.exportReport', { format: 'sarif', target: vscode.Uri.file(path.join(dir, 'r.sarif')) }))!);
    assert.strictEqual(sarif.version, '2.1.0');
  });

  test('Fix All of This Rule removes that rule across the workspace', async () => {
    const result = await vscode.commands.executeCommand<{ applied: boolean; files: number }>('sqlaUpgrade.fixAllOfRule', 'SQA201', { skipPreview: true });
    assert.deepStrictEqual(result && { applied: result.applied, files: result.files }, { applied: true, files: 1 });
    await saveFixtureFiles();
    await waitFor('SQA201 to leave the view', async () => !rule(await model(), 'SQA201 select-list-argument'), 20000);
    assert.match(fs.readFileSync(workspaceUri('app/reports.py').fsPath, 'utf8'), /select\(User\.name\)/);
  });

  test('Migrate Workspace applies every safe fix in one edit, closed files included', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const result = await vscode.commands.executeCommand<{ applied: boolean; files: number; fixes: number }>('sqlaUpgrade.migrateWorkspace', { skipPreview: true });
    assert.ok(result?.applied);
    assert.strictEqual(result.files, 2);
    await saveFixtureFiles();
    const m = await waitFor('the safe findings to leave the view', async () => {
      const current = await model();
      return !rule(current, 'SQA401 query-get') && !rule(current, 'SQA301 declarative-import') && current;
    }, 20000);
    assert.match(m.summary, /files migrated/);
    assert.match(fs.readFileSync(workspaceUri('app/models.py').fsPath, 'utf8'), /return session\.get\(User, user_id\)/);
  });
});

interface ExtensionApi {
  progress: {
    report: { findingsLeft: number; filesUsingSqlAlchemy: number } | undefined;
    update(report: unknown): void;
    getChildren(node?: unknown): Array<{ kind: string; code?: string; uri?: string }>;
    getTreeItem(node: unknown): vscode.TreeItem;
  };
  badge: () => vscode.ViewBadge | undefined;
  statusText: () => string;
  refresh: () => Promise<void>;
}

suite('Migration Progress view items', () => {
  let api: ExtensionApi;

  suiteSetup(async () => {
    api = (await activate()).exports as ExtensionApi;
    await waitFor('the workspace scan', async () => (await model())?.groups.length > 0 && true, 45000);
  });
  teardown(revertAndCloseAll);

  test('the badge and the language status item show the findings left', async () => {
    await api.refresh();
    const left = api.progress.report!.findingsLeft;
    assert.ok(left > 0);
    assert.strictEqual(api.badge()?.value, left);
    assert.strictEqual(api.statusText(), `SQLAlchemy 2.0: ${left} left`);
  });

  test('a finding opens its file with the finding selected', async () => {
    const rule = api.progress.getChildren().flatMap((step) => api.progress.getChildren(step)).find((r) => r.kind === 'rule' && r.code === 'SQA401')!;
    const file = api.progress.getChildren(rule).find((f) => f.uri?.endsWith('app/models.py'))!;
    const [finding] = api.progress.getChildren(file);
    const item = api.progress.getTreeItem(finding);
    assert.ok(item.command);
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const editor = await waitFor('the editor', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('app/models.py') && vscode.window.activeTextEditor);
    assert.strictEqual(editor.document.getText(editor.selection), 'session.query(User).get(user_id)');
  });

  test('the inline Migrate File of a file item migrates that file', async () => {
    const rule = api.progress.getChildren().flatMap((step) => api.progress.getChildren(step)).find((r) => r.kind === 'rule' && r.code === 'SQA401')!;
    const file = api.progress.getChildren(rule).find((f) => f.uri?.endsWith('app/models.py'))!;
    const result = await vscode.commands.executeCommand<{ applied: boolean; fixes: number }>('sqlaUpgrade.migrateFileFromView', file);
    assert.ok(result?.applied);
    const document = await vscode.workspace.openTextDocument(workspaceUri('app/models.py'));
    assert.ok(document.getText().includes('session.get(User, user_id)'));
  });

  test('with no SQLAlchemy code the view has no items, so its welcome content shows', async () => {
    api.progress.update({ files: [], filesUsingSqlAlchemy: 0, filesMigrated: 0, findingsLeft: 0, scan: { running: false, done: 0, total: 0 } });
    assert.deepStrictEqual(api.progress.getChildren(), []);
    await api.refresh();
    assert.ok(api.progress.getChildren().length > 0);
  });
});
