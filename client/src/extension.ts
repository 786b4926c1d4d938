import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ProgressChangedNotification, ProgressRequest } from '../../server/src/protocol';
import { commandTable } from './commands';
import { ProgressTreeProvider } from './progressView';

let client: LanguageClient | undefined;

/** What the extension hands to other extensions and to its tests: the view's state, read-only. */
export interface ExtensionApi {
  progress: ProgressTreeProvider;
  badge: () => vscode.ViewBadge | undefined;
  statusText: () => string;
  refresh: () => Promise<void>;
}

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.py');
  const configWatcher = vscode.workspace.createFileSystemWatcher('**/pyproject.toml');
  const gitIgnoreWatcher = vscode.workspace.createFileSystemWatcher('**/.gitignore');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { scheme: 'vscode-notebook-cell', language: 'python' },
    ],
    synchronize: { configurationSection: ['sqlaUpgrade', 'files.exclude'], fileEvents: [watcher, configWatcher, gitIgnoreWatcher] },
    // The server offers pull diagnostics: pulled on open and on every change (the analysis is
    // incremental), not again on save, and only for documents the selector above matches (Python).
    diagnosticPullOptions: { onChange: true, onSave: false, onTabs: false },
  };
  client = new LanguageClient('sqlaUpgrade', 'SQLAlchemy Upgrade', serverOptions, clientOptions);

  const progress = new ProgressTreeProvider();
  const view = vscode.window.createTreeView('sqlaUpgrade.progress', { treeDataProvider: progress, showCollapseAll: true });
  const status = vscode.languages.createLanguageStatusItem('sqlaUpgrade.status', { language: 'python' });
  status.name = 'SQLAlchemy Upgrade';
  status.text = 'SQLAlchemy 2.0: scanning';
  status.command = { command: 'workbench.view.extension.sqlaUpgrade', title: 'Show migration progress' };

  const refreshView = async () => {
    if (!client?.isRunning()) return;
    const report = await client.sendRequest(ProgressRequest.type);
    progress.update(report);
    const left = report.findingsLeft;
    view.badge = left > 0 ? { value: left, tooltip: `${left} SQLAlchemy 2.0 finding${left === 1 ? '' : 's'} left` } : undefined;
    status.text = report.scan.running ? `SQLAlchemy 2.0: ${left} left (scanning)` : `SQLAlchemy 2.0: ${left} left`;
    status.severity = left > 0 ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    await vscode.commands.executeCommand('setContext', 'sqlaUpgrade.noSqlAlchemy', report.filesUsingSqlAlchemy === 0 && !report.scan.running);
  };

  const commands = commandTable({ client: () => client, progress, refreshView });
  context.subscriptions.push(
    watcher,
    configWatcher,
    gitIgnoreWatcher,
    view,
    status,
    progress,
    ...Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler)),
    client.onDidChangeState(() => void refreshView().catch(() => undefined)),
    { dispose: () => void client?.stop() },
  );
  await client.start();
  context.subscriptions.push(client.onNotification(ProgressChangedNotification.type, () => void refreshView().catch(() => undefined)));
  await refreshView();
  return { progress, badge: () => view.badge, statusText: () => status.text, refresh: refreshView };
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
