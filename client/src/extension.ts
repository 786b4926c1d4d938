import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

const MIGRATE_FILE_SERVER_COMMAND = 'sqlaUpgrade.server.migrateFile';
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { scheme: 'vscode-notebook-cell', language: 'python' },
    ],
    synchronize: { configurationSection: 'sqlaUpgrade' },
  };
  client = new LanguageClient('sqlaUpgrade', 'SQLAlchemy Upgrade', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('sqlaUpgrade.migrateFile', () => migrateActiveFile()),
    vscode.commands.registerCommand('sqlaUpgrade.restartServer', () => client?.restart()),
  );
  await client.start();
}

async function migrateActiveFile(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor || editor.document.languageId !== 'python') {
    void vscode.window.showInformationMessage('Open a Python file to migrate it.');
    return;
  }
  const document = editor.document;
  const includeReview = vscode.workspace.getConfiguration('sqlaUpgrade', document.uri).get<boolean>('fix.includeReview', false);
  const result = await client.sendRequest<{ applied: boolean; fixes: number; reason?: string }>('workspace/executeCommand', {
    command: MIGRATE_FILE_SERVER_COMMAND,
    arguments: [{ uri: document.uri.toString(), version: document.version, includeReview }],
  });
  const message = result.applied ? `SQLAlchemy Upgrade: applied ${result.fixes} fix${result.fixes === 1 ? '' : 'es'}.` : `SQLAlchemy Upgrade: nothing applied (${result.reason ?? 'no fixes'}).`;
  void vscode.window.showInformationMessage(message);
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
