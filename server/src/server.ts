import {
  CodeActionKind, DidChangeConfigurationNotification, ErrorCodes, FileChangeType, ProposedFeatures, ResponseError, TextDocumentSyncKind,
  createConnection,
} from 'vscode-languageserver/node';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { AnalysisEngine } from './engine/engine';
import { DocumentStore } from './lsp/documents';
import { FIX_ALL_KIND, LanguageService, MIGRATE_FILE_COMMAND, type MigrateFileArgs } from './lsp/service';
import { SettingsCache } from './lsp/settings';
import { WorkspaceIndex, relativePath } from './lsp/workspace';
import { workspaceMigration } from './lsp/workspaceMigration';
import { ImportRuntimeWarningsRequest, ProgressRequest, ReportRequest, RescanRequest, RuleDocumentationRequest, WorkspaceMigrationRequest } from './protocol';
import { RuntimeWarnings, RuntimeWarningsError } from './cli/runtimeWarnings';
import { formatMarkdown, formatSarif, summaryToReported } from './cli/formats';
import { ruleByCode } from './rules/index';
import { ruleMarkdown } from './rules/docs';
import { VERSION } from './version';
import { clearProjectConfigCache } from './config/projectConfig';
import { ProjectModels } from './semantics/projectModels';

const connection = createConnection(ProposedFeatures.all);
// A failed background send (a client that does not answer some request) must not end the server.
process.on('unhandledRejection', (reason) => connection.console.error(`sqla-upgrade: ${(reason as Error)?.stack ?? String(reason)}`));
const settings = new SettingsCache(connection);
let folderUris: string[] = [];
const ready = AnalysisEngine.create().then((engine) => {
  const store = new DocumentStore(engine.parser);
  const service = new LanguageService(connection, engine.parser, store, settings);
  const models = new ProjectModels(engine.parser);
  service.models = models;
  const index = new WorkspaceIndex(connection, engine, settings, (uri) => !!store.get(uri), models);
  service.isExcluded = (uri, current) => index.isExcluded(uri, current);
  return { engine, store, service, index };
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
  const { service, index } = await ready;
  try {
    const result = await service.diagnostics(uri);
    if (!result) return;
    await connection.sendDiagnostics({ uri, version: result.version, diagnostics: result.diagnostics });
    index.updateOpen(uri, result.summary, result.usesSqlAlchemy);
  } catch (error) {
    connection.console.error(`sqla-upgrade: analysis of ${uri} failed: ${(error as Error).stack ?? error}`);
  }
}

connection.onInitialize((params) => {
  const capabilities = params.capabilities;
  settings.supportsConfiguration = !!capabilities.workspace?.configuration;
  folderUris = (params.workspaceFolders ?? []).map((f) => f.uri);
  if (folderUris.length === 0 && params.rootUri) folderUris = [params.rootUri];
  void ready.then(({ service, index }) => {
    service.resolveSupport = !!capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit');
    index.setFolders(folderUris);
  });
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
      executeCommandProvider: { commands: [MIGRATE_FILE_COMMAND] },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'sqla-upgrade', version: VERSION },
  };
});

connection.onInitialized(async () => {
  if (settings.supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'sqlaUpgrade' });
  const { index } = await ready;
  try {
    connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
      const removed = new Set(event.removed.map((f) => f.uri));
      folderUris = [...folderUris.filter((u) => !removed.has(u)), ...event.added.map((f) => f.uri)];
      index.setFolders(folderUris);
      await index.scan();
    });
  } catch {
    // The client does not send folder changes.
  }
  await index.scan();
});

connection.onDidChangeConfiguration(async () => {
  settings.clear();
  const { store, index } = await ready;
  for (const entry of store.all()) scheduleDiagnostics(entry.document.uri);
  await index.scan();
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
  const { store, service, index } = await ready;
  store.close(textDocument.uri);
  service.forget(textDocument.uri);
  settings.forget(textDocument.uri);
  const pending = scheduled.get(textDocument.uri);
  if (pending) clearImmediate(pending);
  scheduled.delete(textDocument.uri);
  void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  await index.closed(textDocument.uri);
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  const { index, store, service } = await ready;
  // A pyproject.toml change can change what every file reports.
  if (changes.some((c) => c.uri.endsWith('/pyproject.toml'))) {
    clearProjectConfigCache();
    for (const entry of store.all()) {
      service.forget(entry.document.uri);
      scheduleDiagnostics(entry.document.uri);
    }
    await index.scan();
    return;
  }
  for (const change of changes) {
    if (change.type === FileChangeType.Deleted) index.fileDeleted(change.uri);
    else await index.fileChanged(change.uri);
  }
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

connection.onRequest(ProgressRequest.type, async () => (await ready).index.report());
connection.onRequest(RescanRequest.type, async () => {
  settings.clear();
  await (await ready).index.scan();
});
connection.onRequest(WorkspaceMigrationRequest.type, async (params) => {
  const { engine, store, index } = await ready;
  return workspaceMigration(engine.parser, store, index, params);
});
connection.onRequest(RuleDocumentationRequest.type, ({ code }) => {
  const rule = ruleByCode(code);
  return rule ? ruleMarkdown(rule, 1) : null;
});
connection.onRequest(ImportRuntimeWarningsRequest.type, async ({ file }) => {
  const { store, service } = await ready;
  // Reads the recorded file and nothing else: no workspace code runs.
  let target = file.startsWith('file:') ? URI.parse(file).fsPath : file;
  if (!path.isAbsolute(target) && folderUris.length > 0) target = path.join(URI.parse(folderUris[0]).fsPath, target);
  let warnings: RuntimeWarnings;
  try {
    warnings = RuntimeWarnings.read(target);
  } catch (error) {
    if (error instanceof RuntimeWarningsError) throw new ResponseError(ErrorCodes.InvalidParams, error.message);
    throw error;
  }
  service.runtimeWarnings = warnings;
  for (const entry of store.all()) scheduleDiagnostics(entry.document.uri);
  return { warnings: warnings.records.length, files: warnings.fileCount };
});
connection.onRequest(ReportRequest.type, async ({ format }) => {
  const { index } = await ready;
  const report = index.report();
  const folders = folderUris.map((u) => URI.parse(u).fsPath);
  const findings = report.files.flatMap((file) => file.findings.map((f) => summaryToReported(relativePath(file.uri, folders), f)));
  if (format === 'json') return JSON.stringify(findings, null, 2) + '\n';
  if (format === 'sarif') return formatSarif(findings, VERSION);
  return formatMarkdown(findings, report);
});

connection.listen();
