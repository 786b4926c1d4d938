import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ImportRuntimeWarningsRequest, ReportRequest, RescanRequest, RuleDocumentationRequest, WorkspaceMigrationRequest, type ImportRuntimeWarningsResult,
  type ReportFormat, type WorkspaceMigrationResult,
} from '../../server/src/protocol';
import type { ProgressNode, ProgressTreeProvider } from './progressView';
import { changedOnDisk, movedDocuments } from './migrationCheck';

const MIGRATE_FILE_SERVER_COMMAND = 'sqlaUpgrade.server.migrateFile';

export interface CommandContext {
  client: () => LanguageClient | undefined;
  progress: ProgressTreeProvider;
  refreshView: () => Promise<void>;
}

interface MigrationOptions {
  /** Apply without the refactor preview (used by tests and scripted runs). */
  skipPreview?: boolean;
  includeReview?: boolean;
}

function includeReviewSetting(uri?: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('sqlaUpgrade', uri).get<boolean>('fix.includeReview', false);
}

function runningClient(context: CommandContext): LanguageClient | undefined {
  const client = context.client();
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage('SQLAlchemy Upgrade: the language server is not running. Try "SQLAlchemy Upgrade: Restart Language Server".');
    return undefined;
  }
  return client;
}

async function migrateDocument(context: CommandContext, document: vscode.TextDocument): Promise<{ applied: boolean; fixes: number; reason?: string } | undefined> {
  const client = runningClient(context);
  if (!client) return undefined;
  const result = await client.sendRequest<{ applied: boolean; fixes: number; reason?: string }>('workspace/executeCommand', {
    command: MIGRATE_FILE_SERVER_COMMAND,
    arguments: [{ uri: document.uri.toString(), version: document.version, includeReview: includeReviewSetting(document.uri) }],
  });
  const message = result.applied
    ? `SQLAlchemy Upgrade: applied ${result.fixes} fix${result.fixes === 1 ? '' : 'es'} to ${vscode.workspace.asRelativePath(document.uri)}.`
    : `SQLAlchemy Upgrade: nothing applied (${result.reason ?? 'no fixes'}).`;
  void vscode.window.showInformationMessage(message);
  return result;
}

/**
 * The files the migration was computed for that have changed since: closed files whose bytes on
 * disk differ, open documents at another version. Closed files are loaded as documents first:
 * VS Code then keeps them in step with the disk and applies the edit only to the versions it knows
 * at that moment, so a change while the refactor preview is open refuses the edit as well.
 */
async function staleFiles(result: WorkspaceMigrationResult): Promise<string[]> {
  const unreadable: string[] = [];
  for (const base of result.diskBases) {
    await vscode.workspace.openTextDocument(vscode.Uri.parse(base.uri)).then(undefined, () => unreadable.push(base.uri));
  }
  const onDisk = await changedOnDisk(result.diskBases, async (uri) => vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
  const versionOf = (uri: string) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.version;
  return [...new Set([...unreadable, ...onDisk, ...movedDocuments(result.edit.documentChanges, versionOf)])];
}

/**
 * Asks the server for one WorkspaceEdit and applies it, through the refactor preview unless told
 * not to. It applies whole or not at all: if a file changed after the edit was computed, nothing.
 */
async function migrateWorkspace(context: CommandContext, params: { codes?: string[]; includeReview: boolean }, options: MigrationOptions): Promise<{ applied: boolean; files: number; fixes: number; changed?: string[] } | undefined> {
  const client = runningClient(context);
  if (!client) return undefined;
  let cancelled = false;
  let result: WorkspaceMigrationResult;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'SQLAlchemy Upgrade: preparing the migration', cancellable: true },
      (_progress, token) => {
        token.onCancellationRequested(() => (cancelled = true));
        return client.sendRequest(WorkspaceMigrationRequest.type, params, token);
      },
    );
  } catch (error) {
    // Cancelled from the notification: nothing was changed, nothing to report.
    if (cancelled) return undefined;
    throw error;
  }
  if (cancelled) return undefined;
  if (result.files === 0) {
    void vscode.window.showInformationMessage('SQLAlchemy Upgrade: nothing to migrate.');
    return { applied: false, files: 0, fixes: 0 };
  }
  const changed = await staleFiles(result);
  if (changed.length > 0) {
    const names = changed.map((uri) => vscode.workspace.asRelativePath(vscode.Uri.parse(uri))).join(', ');
    void vscode.window.showWarningMessage(`SQLAlchemy Upgrade: nothing was migrated: ${names} changed after the migration was prepared. Run the migration again.`);
    await context.refreshView();
    return { applied: false, files: result.files, fixes: result.fixes, changed };
  }
  const lspEdit = options.skipPreview ? { documentChanges: result.edit.documentChanges } : result.edit;
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(lspEdit as Parameters<typeof client.protocol2CodeConverter.asWorkspaceEdit>[0]);
  const applied = await vscode.workspace.applyEdit(edit!, { isRefactoring: true });
  const skipped = result.skipped.length > 0 ? ` ${result.skipped.length} file(s) skipped: ${result.skipped.map((s) => `${vscode.workspace.asRelativePath(vscode.Uri.parse(s.uri))} (${s.reason})`).join(', ')}.` : '';
  void vscode.window.showInformationMessage(applied ? `SQLAlchemy Upgrade: migrated ${result.fixes} finding(s) in ${result.files} file(s).${skipped}` : `SQLAlchemy Upgrade: the migration was not applied.${skipped}`);
  await context.refreshView();
  return { applied, files: result.files, fixes: result.fixes };
}

const FORMATS: Array<{ label: string; format: ReportFormat; extension: string }> = [
  { label: 'Markdown', format: 'markdown', extension: 'md' },
  { label: 'JSON', format: 'json', extension: 'json' },
  { label: 'SARIF', format: 'sarif', extension: 'sarif' },
];

/**
 * Sends a file of warnings recorded by `python/sqla_upgrade_warnings` to the server, which marks
 * the findings they confirm. The file is only read, never run, so this works in untrusted workspaces.
 */
async function importRuntimeWarnings(context: CommandContext, uri?: vscode.Uri): Promise<ImportRuntimeWarningsResult | undefined> {
  const client = runningClient(context);
  if (!client) return undefined;
  const target = uri ?? (await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Import',
    title: 'Runtime warnings recorded with SQLA_UPGRADE_WARNINGS',
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { 'JSON lines': ['jsonl', 'json'], 'All files': ['*'] },
  }))?.[0];
  if (!target) return undefined;
  if (target.scheme !== 'file') {
    void vscode.window.showWarningMessage('SQLAlchemy Upgrade: runtime warnings are read from a file on disk.');
    return undefined;
  }
  try {
    const result = await client.sendRequest(ImportRuntimeWarningsRequest.type, { file: target.fsPath });
    void vscode.window.showInformationMessage(`SQLAlchemy Upgrade: imported ${result.warnings} runtime warning${result.warnings === 1 ? '' : 's'} in ${result.files} file${result.files === 1 ? '' : 's'}.`);
    return result;
  } catch (error) {
    void vscode.window.showErrorMessage(`SQLAlchemy Upgrade: ${(error as Error).message}`);
    return undefined;
  }
}

/** Every command of the extension, by id; registered in one place. */
export function commandTable(context: CommandContext): Record<string, (...args: any[]) => unknown> {
  return {
    'sqlaUpgrade.migrateFile': async (uri?: vscode.Uri) => {
      const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
      if (!document || document.languageId !== 'python') {
        void vscode.window.showInformationMessage('SQLAlchemy Upgrade: open a Python file to migrate it.');
        return undefined;
      }
      return migrateDocument(context, document);
    },
    'sqlaUpgrade.migrateFileFromView': async (node?: ProgressNode) => {
      if (node?.kind !== 'file') return undefined;
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(node.uri));
      return migrateDocument(context, document);
    },
    'sqlaUpgrade.migrateWorkspace': (options: MigrationOptions = {}) =>
      migrateWorkspace(context, { includeReview: options.includeReview ?? includeReviewSetting() }, options),
    'sqlaUpgrade.fixAllOfRule': (node?: ProgressNode | string, options: MigrationOptions = {}) => {
      const code = typeof node === 'string' ? node : node?.kind === 'rule' ? node.code : undefined;
      if (!code) return undefined;
      return migrateWorkspace(context, { codes: [code], includeReview: options.includeReview ?? true }, options);
    },
    'sqlaUpgrade.refreshProgress': async () => {
      const client = runningClient(context);
      if (client) await client.sendRequest(RescanRequest.type);
      await context.refreshView();
      return context.progress.model();
    },
    'sqlaUpgrade.showRuleDocumentation': async (node?: ProgressNode | string) => {
      const client = runningClient(context);
      if (!client) return undefined;
      let code = typeof node === 'string' ? node : node?.kind === 'rule' || node?.kind === 'file' ? node.code : node?.kind === 'finding' ? node.finding.code : undefined;
      code ??= await vscode.window.showInputBox({ prompt: 'Rule code', placeHolder: 'SQA401', validateInput: (v) => (/^SQA\d{3}$/i.test(v) ? undefined : 'A code such as SQA401') });
      if (!code) return undefined;
      const markdown = await client.sendRequest(RuleDocumentationRequest.type, { code: code.toUpperCase() });
      if (!markdown) {
        void vscode.window.showWarningMessage(`SQLAlchemy Upgrade: no rule ${code}.`);
        return undefined;
      }
      const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
      await vscode.commands.executeCommand('markdown.showPreview', document.uri).then(undefined, () => vscode.window.showTextDocument(document));
      return markdown;
    },
    'sqlaUpgrade.exportReport': async (args?: { format?: ReportFormat; target?: vscode.Uri }) => {
      const client = runningClient(context);
      if (!client) return undefined;
      const choice = args?.format ? FORMATS.find((f) => f.format === args.format) : await vscode.window.showQuickPick(FORMATS, { placeHolder: 'Report format' });
      if (!choice) return undefined;
      const text = await client.sendRequest(ReportRequest.type, { format: choice.format });
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const target = args?.target ?? (await vscode.window.showSaveDialog({
        defaultUri: folder && vscode.Uri.joinPath(folder, `sqlalchemy-2.0-report.${choice.extension}`),
        filters: { [choice.label]: [choice.extension] },
      }));
      if (!target) return undefined;
      await vscode.workspace.fs.writeFile(target, Buffer.from(text, 'utf8'));
      if (!args?.target) void vscode.window.showInformationMessage(`SQLAlchemy Upgrade: report written to ${vscode.workspace.asRelativePath(target)}.`);
      return text;
    },
    'sqlaUpgrade.importRuntimeWarnings': (uri?: vscode.Uri) => importRuntimeWarnings(context, uri),
    'sqlaUpgrade.restartServer': async () => {
      await context.client()?.restart();
    },
    /** Not in the palette: the view's model, for tests and scripted checks. */
    'sqlaUpgrade.getProgressModel': () => context.progress.model(),
  };
}
