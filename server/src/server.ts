import {
  CodeActionKind, DidChangeConfigurationNotification, ProposedFeatures, TextDocumentSyncKind, createConnection,
} from 'vscode-languageserver/node';
import { createPythonParser } from './parse/parser';
import { DocumentStore } from './lsp/documents';
import { FIX_ALL_KIND, LanguageService, MIGRATE_FILE_COMMAND, type MigrateFileArgs } from './lsp/service';
import { SettingsCache } from './lsp/settings';

const connection = createConnection(ProposedFeatures.all);
const settings = new SettingsCache(connection);
const ready = createPythonParser().then((parser) => {
  const store = new DocumentStore(parser);
  return { store, service: new LanguageService(connection, parser, store, settings) };
});

/** Pending diagnostics per URI: several quick edits publish once, for the newest version. */
const scheduled = new Map<string, NodeJS.Immediate>();

function scheduleDiagnostics(uri: string): void {
  const pending = scheduled.get(uri);
  if (pending) clearImmediate(pending);
  scheduled.set(uri, setImmediate(() => {
    scheduled.delete(uri);
    void publishDiagnostics(uri);
  }));
}

async function publishDiagnostics(uri: string): Promise<void> {
  const { service } = await ready;
  try {
    const result = await service.diagnostics(uri);
    if (result) await connection.sendDiagnostics({ uri, version: result.version, diagnostics: result.diagnostics });
  } catch (error) {
    connection.console.error(`sqla-upgrade: analysis of ${uri} failed: ${(error as Error).stack ?? error}`);
  }
}

connection.onInitialize((params) => {
  const capabilities = params.capabilities;
  settings.supportsConfiguration = !!capabilities.workspace?.configuration;
  void ready.then(({ service }) => {
    service.resolveSupport = !!capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit');
  });
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
      executeCommandProvider: { commands: [MIGRATE_FILE_COMMAND] },
    },
    serverInfo: { name: 'sqla-upgrade', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  if (settings.supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'sqlaUpgrade' });
});

connection.onDidChangeConfiguration(async () => {
  settings.clear();
  const { store } = await ready;
  for (const entry of store.all()) scheduleDiagnostics(entry.document.uri);
});

connection.onDidOpenTextDocument(async ({ textDocument }) => {
  const { store } = await ready;
  store.open(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
  scheduleDiagnostics(textDocument.uri);
});

connection.onDidChangeTextDocument(async ({ textDocument, contentChanges }) => {
  const { store } = await ready;
  store.change(textDocument.uri, textDocument.version, contentChanges);
  scheduleDiagnostics(textDocument.uri);
});

connection.onDidCloseTextDocument(async ({ textDocument }) => {
  const { store, service } = await ready;
  store.close(textDocument.uri);
  service.forget(textDocument.uri);
  settings.forget(textDocument.uri);
  const pending = scheduled.get(textDocument.uri);
  if (pending) clearImmediate(pending);
  scheduled.delete(textDocument.uri);
  void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
});

connection.onHover(async (params) => (await ready).service.hover(params) ?? null);
connection.onCodeAction(async (params) => (await ready).service.codeActions(params));
connection.onCodeActionResolve(async (action) => (await ready).service.resolveCodeAction(action));

connection.onExecuteCommand(async (params) => {
  const { service } = await ready;
  if (params.command !== MIGRATE_FILE_COMMAND) return null;
  const args = params.arguments?.[0] as MigrateFileArgs | undefined;
  if (!args?.uri) return { applied: false, fixes: 0, reason: 'missing document URI' };
  return service.migrateFile(args);
});

connection.listen();
