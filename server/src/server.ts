import './jitTier';
import {
  CodeActionKind, DiagnosticRefreshRequest, DidChangeConfigurationNotification, DocumentDiagnosticReportKind, ErrorCodes, FileChangeType,
  ProposedFeatures, ResponseError, TextDocumentSyncKind, createConnection, type DocumentDiagnosticReport,
} from 'vscode-languageserver/node';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { AnalysisEngine } from './engine/engine';
import { DocumentStore } from './lsp/documents';
import { FIX_ALL_KIND, LanguageService, MIGRATE_FILE_COMMAND, type MigrateFileArgs } from './lsp/service';
import { SettingsCache, type Settings } from './lsp/settings';
import { DocumentWatch, nextTurn, throwIfCancelled, untilCancelled } from './lsp/cancellation';
import { WorkspaceDiagnostics } from './lsp/workspaceDiagnostics';
import { ReportMemory } from './lsp/reportMemory';
import { SCAN_NICENESS, WorkspaceIndex, relativePath } from './lsp/workspace';
import { lowerHelperThreads } from './engine/threadPriority';
import { workspaceMigration } from './lsp/workspaceMigration';
import { ImportRuntimeWarningsRequest, ProgressRequest, ReportRequest, RescanRequest, RuleDocumentationRequest, WorkspaceMigrationRequest } from './protocol';
import { RuntimeWarnings, RuntimeWarningsError } from './cli/runtimeWarnings';
import { formatMarkdown, formatSarif, summaryToReported } from './cli/formats';
import { ruleByCode } from './rules/index';
import { ruleMarkdown } from './rules/docs';
import { VERSION } from './version';
import { clearProjectConfigCache } from './config/projectConfig';
import { ProjectModels } from './semantics/projectModels';

// The editor's requests run on the main thread; the runtime's helper threads (their work is largely
// the scan workers' garbage) run at the scan workers' priority.
lowerHelperThreads(SCAN_NICENESS);
const connection = createConnection(ProposedFeatures.all);
// A failed background send (a client that does not answer some request) must not end the server.
process.on('unhandledRejection', (reason) => connection.console.error(`sqla-upgrade: ${(reason as Error)?.stack ?? String(reason)}`));
const settings = new SettingsCache(connection);
let folderUris: string[] = [];
/** The client pulls diagnostics (`textDocument/diagnostic`); otherwise they are pushed. */
let pullDiagnostics = false;
/** The client can be asked to pull again (`workspace/diagnostic/refresh`). */
let refreshSupport = false;
const watch = new DocumentWatch();
/** `didClose` handling still under way, per URI: a pull for a closed file waits for the disk's findings. */
const closing = new Map<string, Promise<void>>();
const ready = AnalysisEngine.create().then((engine) => {
  const store = new DocumentStore(engine.parser);
  const service = new LanguageService(connection, engine.parser, store, settings);
  const models = new ProjectModels(engine.parser);
  service.models = models;
  // Shown with `sqlaUpgrade.trace.server` set (the client sends `$/setTrace`): which versions were analyzed.
  service.trace = (message) => connection.tracer.log(message);
  const index = new WorkspaceIndex(connection, engine, settings, (uri) => !!store.get(uri), models);
  service.isExcluded = (uri, current) => index.isExcluded(uri, current);
  const workspaceDiagnostics = new WorkspaceDiagnostics({
    uris: () => index.uris,
    findings: (uri) => index.entry(uri)?.findings,
    isOpen: (uri) => !!store.get(uri),
    settings: (uri) => settings.get(folderOf(uri) ?? uri),
    scanRunning: () => index.report().scan.running,
  });
  return { engine, store, service, index, workspaceDiagnostics };
});

/** The workspace folder holding a file: the scan reads settings per folder, and so do closed files' reports. */
function folderOf(uri: string): string | undefined {
  const file = URI.parse(uri);
  if (file.scheme !== 'file') return undefined;
  // Spelled as the scan spells it, so that both share the settings cache.
  const folder = folderUris.map((f) => URI.parse(f)).find((f) => f.scheme === 'file' && file.fsPath.startsWith(f.fsPath + path.sep));
  return folder && URI.file(folder.fsPath).toString();
}

/** Pending diagnostics per URI (cancels them): several quick edits publish once, for the newest version. */
const scheduled = new Map<string, () => void>();

/**
 * The progress view's summary of an open document is made once typing pauses this long, not for
 * every keystroke: an edit's own answer is its diagnostics (pushed, or pulled when the client asks).
 */
const PROGRESS_SUMMARY_DELAY_MS = 100;

/**
 * The scan workers wait while an edit is served (from the change to its diagnostics, pushed or
 * pulled) and go on between keystrokes: typing never waits on the scan, and the scan moves while
 * the user types.
 */
let editorPause = 0;

function editorBusy(index: WorkspaceIndex): void {
  editorPause = index.editorBusy();
}

/** After the answer is written (waking a worker takes a system call): unless another edit came meanwhile. */
function editorServed(index: WorkspaceIndex): void {
  const pause = editorPause;
  setImmediate(() => index.editorServed(pause));
}

/** The newest scheduling per URI; an older one that has not started analyzing gives way to it. */
const latestTicket = new Map<string, number>();
let tickets = 0;

/** After an edit: pushes its diagnostics (a client that pulls asks for them itself) and updates the progress view once typing pauses. */
function scheduleDiagnostics(uri: string): void {
  if (pullDiagnostics) {
    scheduleSummary(uri);
    return;
  }
  scheduled.get(uri)?.();
  const ticket = ++tickets;
  latestTicket.set(uri, ticket);
  const immediate = setImmediate(() => {
    scheduled.delete(uri);
    void publishDiagnostics(uri, ticket);
  });
  scheduled.set(uri, () => clearImmediate(immediate));
}

/**
 * Analyzes an open document and pushes its diagnostics. A version that a newer edit superseded
 * before its analysis started is never analyzed: the newer scheduling does it.
 */
async function publishDiagnostics(uri: string, ticket: number): Promise<void> {
  const { service, index } = await ready;
  try {
    const fetched = await settings.get(uri);
    if (latestTicket.get(uri) !== ticket) return;
    const result = service.diagnosticsWith(uri, fetched, false);
    if (!result) return;
    await connection.sendDiagnostics({ uri, version: result.version, diagnostics: result.diagnostics });
    scheduleSummary(uri);
  } catch (error) {
    connection.console.error(`sqla-upgrade: analysis of ${uri} failed: ${(error as Error).stack ?? error}`);
  } finally {
    // Unless a newer scheduling is waiting for its own diagnostics.
    if (ticket === tickets) editorServed(index);
  }
}

/** Progress-view summaries due, per open document. */
const summaryTimers = new Map<string, NodeJS.Timeout>();

function scheduleSummary(uri: string): void {
  cancelSummary(uri);
  summaryTimers.set(uri, setTimeout(() => void summarizeOpen(uri), PROGRESS_SUMMARY_DELAY_MS));
}

function cancelSummary(uri: string): void {
  clearTimeout(summaryTimers.get(uri));
  summaryTimers.delete(uri);
}

/**
 * The progress view's findings of an open document (analyzed here if no diagnostics were asked
 * for since the edit); other open documents whose findings this one's models changed are pulled
 * again.
 */
async function summarizeOpen(uri: string): Promise<void> {
  summaryTimers.delete(uri);
  const { service, index } = await ready;
  try {
    const fetched = await settings.get(uri);
    // A newer edit's summary is due.
    if (summaryTimers.has(uri)) return;
    const result = service.summaryWith(uri, fetched);
    if (result) index.updateOpen(uri, result.summary, result.usesSqlAlchemy);
    refreshIfStale();
    // A document the client pulls no diagnostics for (one not shown) lets the scan go on here.
    editorServed(index);
  } catch (error) {
    connection.console.error(`sqla-upgrade: analysis of ${uri} failed: ${(error as Error).stack ?? error}`);
  }
}

/** What each open document's last pull report depended on besides its text and settings. */
const pulled = new Map<string, string>();
/** Each open document's last full pull report: an equal one is answered `unchanged`. */
const lastReports = new ReportMemory();
let refreshTimer: NodeJS.Timeout | undefined;
let refreshForced = false;

/**
 * Asks the client to pull again when settings or other files changed (`force`), or when an open
 * document's report depends on other files' models that changed since. Coalesced: a scan or a
 * burst of file events asks once.
 */
function refreshIfStale(force = false): void {
  if (!pullDiagnostics) return;
  if (force) refreshForced = true;
  if (!refreshSupport || refreshTimer) return;
  refreshTimer = setTimeout(async () => {
    refreshTimer = undefined;
    const { service } = await ready;
    const stale = refreshForced || [...pulled].some(([uri, key]) => service.dependencyKey(uri) !== key);
    refreshForced = false;
    if (stale) connection.sendRequest(DiagnosticRefreshRequest.type).catch(() => undefined);
  }, 100);
}

/** Closed files' findings (the scan's), their settings or the set of open files changed: open workspace pulls look again. */
function workspaceChanged(): void {
  if (pullDiagnostics) void ready.then(({ workspaceDiagnostics }) => workspaceDiagnostics.changed());
}

/** After something that changed closed files' findings and maybe the models open documents depend on. */
function filesChanged(): void {
  workspaceChanged();
  refreshIfStale();
}

connection.onInitialize((params) => {
  const capabilities = params.capabilities;
  settings.supportsConfiguration = !!capabilities.workspace?.configuration;
  pullDiagnostics = !!capabilities.textDocument?.diagnostic;
  refreshSupport = !!capabilities.workspace?.diagnostics?.refreshSupport;
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
      // Declared only to clients that pull; the others keep getting publishDiagnostics. Workspace
      // diagnostics are always declared, the setting decides what the (long-polled) request reports.
      ...(pullDiagnostics ? { diagnosticProvider: { identifier: 'sqla-upgrade', interFileDependencies: true, workspaceDiagnostics: true } } : {}),
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'sqla-upgrade', version: VERSION },
  };
});

connection.onInitialized(async () => {
  if (settings.supportsConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: ['sqlaUpgrade', 'files.exclude'] });
  const { index, service } = await ready;
  try {
    connection.workspace.onDidChangeWorkspaceFolders(async (event) => {
      const removed = new Set(event.removed.map((f) => f.uri));
      folderUris = [...folderUris.filter((u) => !removed.has(u)), ...event.added.map((f) => f.uri)];
      index.setFolders(folderUris);
      // Exclusions are relative to the folders.
      service.generation++;
      refreshIfStale(true);
      await index.scan();
      filesChanged();
    });
  } catch {
    // The client does not send folder changes.
  }
  await index.scan();
  filesChanged();
});

connection.onDidChangeConfiguration(async () => {
  settings.clear();
  const { store, index } = await ready;
  for (const entry of store.all()) scheduleDiagnostics(entry.document.uri);
  refreshIfStale(true);
  // Closed files' reports depend on the settings too, before the scan and after it.
  workspaceChanged();
  await index.scan();
  filesChanged();
});

connection.onDidOpenTextDocument(async ({ textDocument }) => {
  const { store, index } = await ready;
  editorBusy(index);
  store.open(textDocument.uri, textDocument.languageId, textDocument.version, textDocument.text);
  watch.moved(textDocument.uri);
  scheduleDiagnostics(textDocument.uri);
});

connection.onDidChangeTextDocument(async ({ textDocument, contentChanges }) => {
  const { store, index } = await ready;
  // The scan waits while this edit's diagnostics are made (publishDiagnostics lets it go on).
  editorBusy(index);
  store.change(textDocument.uri, textDocument.version, contentChanges);
  // Pulls waiting for the previous version give up (ServerCancelled, retriggered).
  watch.moved(textDocument.uri);
  scheduleDiagnostics(textDocument.uri);
});

connection.onDidCloseTextDocument(async ({ textDocument }) => {
  const { store, service, index } = await ready;
  const uri = textDocument.uri;
  store.close(uri);
  watch.moved(uri, true);
  service.forget(uri);
  settings.forget(uri);
  scheduled.get(uri)?.();
  scheduled.delete(uri);
  latestTicket.delete(uri);
  cancelSummary(uri);
  pulled.delete(uri);
  lastReports.forget(uri);
  if (!pullDiagnostics) void connection.sendDiagnostics({ uri, diagnostics: [] });
  const done = index.closed(uri);
  closing.set(uri, done);
  try {
    await done;
  } finally {
    if (closing.get(uri) === done) closing.delete(uri);
  }
  // The disk's text is back in the models and in the workspace report.
  filesChanged();
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  const { index, store, service } = await ready;
  // A pyproject.toml change can change what every file reports.
  if (changes.some((c) => c.uri.endsWith('/pyproject.toml'))) {
    clearProjectConfigCache();
    service.generation++;
    for (const entry of store.all()) {
      service.forget(entry.document.uri);
      scheduleDiagnostics(entry.document.uri);
    }
    refreshIfStale(true);
    await index.scan();
    filesChanged();
    return;
  }
  // A .gitignore change can add files to the scan or take some out of it.
  if (changes.some((c) => c.uri.endsWith('/.gitignore'))) {
    await index.scan();
    filesChanged();
    return;
  }
  for (const change of changes) {
    if (change.type === FileChangeType.Deleted) index.fileDeleted(change.uri);
    else await index.fileChanged(change.uri);
  }
  filesChanged();
});

/**
 * `textDocument/diagnostic`. An open document's report is for its newest version: the request
 * first lets edits already received go ahead, and when a new version arrives while it waits it
 * ends with `ServerCancelled` (`retriggerRequest: true`) rather than answer for old text. A closed
 * file's report comes from the workspace scan, like `workspace/diagnostic`'s.
 */
connection.languages.diagnostics.on(async (params, token): Promise<DocumentDiagnosticReport> => {
  const { store, service, index, workspaceDiagnostics } = await untilCancelled(ready, token);
  const uri = params.textDocument.uri;
  if (!store.get(uri)) {
    await untilCancelled(closing.get(uri) ?? Promise.resolve(), token);
    const report = await untilCancelled(workspaceDiagnostics.fileReport(uri), token);
    if (params.previousResultId === report.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: report.resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId: report.resultId, items: report.items };
  }
  await watch.wait(uri, nextTurn(), token);
  const fetched: Settings = await watch.wait(uri, settings.get(uri), token);
  // From here on nothing waits: the version checked is the version analyzed and answered for.
  throwIfCancelled(token);
  try {
    const resultId = service.resultId(uri, fetched);
    if (!resultId) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    pulled.set(uri, service.dependencyKey(uri));
    if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    const result = service.diagnosticsWith(uri, fetched, false);
    if (!result) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    // (The progress view gets this version's summary once typing pauses: scheduleSummary.)
    // This document's models may have changed other open documents' findings.
    refreshIfStale();
    const unchangedId = lastReports.unchangedId(uri, params.previousResultId, result.diagnostics);
    if (unchangedId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: unchangedId };
    lastReports.remember(uri, resultId, result.diagnostics);
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items: result.diagnostics };
  } finally {
    // This version is served: the scan goes on until the next edit.
    editorServed(index);
  }
});

connection.languages.diagnostics.onWorkspace(async (params, token, _workDone, resultProgress) => {
  const { workspaceDiagnostics } = await untilCancelled(ready, token);
  return workspaceDiagnostics.handle(params, token, resultProgress);
});

connection.onHover(async (params, token) => {
  const { service } = await untilCancelled(ready, token);
  throwIfCancelled(token);
  return service.hover(params) ?? null;
});
connection.onCodeAction(async (params, token) => (await untilCancelled(ready, token)).service.codeActions(params, token));
connection.onCodeActionResolve(async (action, token) => {
  const { service } = await untilCancelled(ready, token);
  throwIfCancelled(token);
  return service.resolveCodeAction(action);
});

connection.onExecuteCommand(async (params, token) => {
  const { service } = await untilCancelled(ready, token);
  if (params.command !== MIGRATE_FILE_COMMAND) return null;
  const args = params.arguments?.[0] as MigrateFileArgs | undefined;
  if (!args?.uri) return { applied: false, fixes: 0, reason: 'missing document URI' };
  return service.migrateFile(args, token);
});

connection.onRequest(ProgressRequest.type, async () => (await ready).index.report());
connection.onRequest(RescanRequest.type, async (token) => {
  settings.clear();
  const { index } = await untilCancelled(ready, token);
  refreshIfStale(true);
  workspaceChanged();
  // The scan is shared: a cancelled request stops waiting for it, the scan goes on.
  const scan = index.scan().then(filesChanged);
  await untilCancelled(scan, token);
});
connection.onRequest(WorkspaceMigrationRequest.type, async (params, token) => {
  const { engine, store, index } = await untilCancelled(ready, token);
  throwIfCancelled(token);
  return workspaceMigration(engine.parser, store, index, params, token);
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
  refreshIfStale(true);
  return { warnings: warnings.records.length, files: warnings.fileCount };
});
connection.onRequest(ReportRequest.type, async ({ format }, token) => {
  const { index } = await untilCancelled(ready, token);
  throwIfCancelled(token);
  const report = index.report();
  const folders = folderUris.map((u) => URI.parse(u).fsPath);
  const findings = report.files.flatMap((file) => file.findings.map((f) => summaryToReported(relativePath(file.uri, folders), f)));
  if (format === 'json') return JSON.stringify(findings, null, 2) + '\n';
  if (format === 'sarif') return formatSarif(findings, VERSION);
  return formatMarkdown(findings, report);
});

// Scan workers end with the server.
connection.onShutdown(async () => (await ready).index.dispose());

connection.listen();
