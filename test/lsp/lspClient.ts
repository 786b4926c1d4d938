import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import {
  CancellationTokenSource, createMessageConnection, IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter,
  type MessageConnection, type ResponseError,
} from 'vscode-jsonrpc/node';

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Array<{
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    severity?: number;
    code?: string;
    codeDescription?: { href: string };
    source?: string;
    message: string;
  }>;
}

export type DocumentDiagnosticReport =
  | { kind: 'full'; resultId?: string; items: PublishedDiagnostics['diagnostics'] }
  | { kind: 'unchanged'; resultId: string };

export interface CancellableRequest<T> {
  result: Promise<{ value?: T; error?: ResponseError<unknown> }>;
  cancel: () => void;
}

/** How a client reaches the server: stdio (as most editors start a server) or Node's IPC channel (as VS Code's client starts this one). */
export type ServerTransport = 'stdio' | 'ipc';

type Waiter = { match: (p: PublishedDiagnostics) => boolean; resolve: (p: PublishedDiagnostics) => void };

/** The built language server in a child process, spoken to over stdio JSON-RPC as an editor would. */
export class LspTestClient {
  readonly connection: MessageConnection;
  private readonly process: ChildProcess;
  readonly published: PublishedDiagnostics[] = [];
  private waiters: Waiter[] = [];
  /** Edits the server asked the client to apply (`workspace/applyEdit`). */
  readonly appliedEdits: unknown[] = [];
  applyEditResponse = { applied: true };
  configuration: unknown = { enable: true, fix: { includeReview: false }, rules: {} };
  /** The answer for the `files.exclude` section. */
  filesExclude: Record<string, unknown> = {};
  /** `$/progress` values (begin, report, end) the server sent. */
  readonly progress: Array<{ kind: string; message?: string; percentage?: number }> = [];
  readonly progressChanged: unknown[] = [];
  /** `window/showMessage` texts. */
  readonly messages: string[] = [];
  /** `$/logTrace` messages (sent once `setTrace` turned tracing on). */
  readonly traces: string[] = [];
  /** How often the server asked to pull diagnostics again (`workspace/diagnostic/refresh`). */
  refreshRequests = 0;
  /** While set, answers to `workspace/configuration` wait for it: the server is kept waiting for settings. */
  configurationGate: Promise<void> | undefined;
  /** Partial results (`$/progress` values) per partial result token of `requestWithPartials`. */
  readonly partialResults = new Map<string, unknown[]>();
  private partialTokens = 0;

  /** `execArgv` go to node before the server script (say, `--require` of a preload); `env` replaces the environment; stdio unless `transport` says otherwise. */
  constructor(
    serverPath = path.resolve(__dirname, '../../../dist/server.js'),
    options: { execArgv?: string[]; env?: NodeJS.ProcessEnv; transport?: ServerTransport } = {},
  ) {
    const env = options.env ?? process.env;
    const args = [...(options.execArgv ?? []), serverPath];
    if (options.transport === 'ipc') {
      this.process = spawn(process.execPath, [...args, '--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env });
      this.connection = createMessageConnection(new IPCMessageReader(this.process), new IPCMessageWriter(this.process));
    } else {
      this.process = spawn(process.execPath, [...args, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env });
      this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    }
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishedDiagnostics) => {
      this.published.push(params);
      const ready = this.waiters.filter((w) => w.match(params));
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(params);
    });
    this.connection.onRequest('workspace/applyEdit', (params: unknown) => {
      this.appliedEdits.push(params);
      return this.applyEditResponse;
    });
    this.connection.onRequest('workspace/configuration', async (params: { items: Array<{ section?: string }> }) => {
      await this.configurationGate;
      return params.items.map((item) => (item.section === 'files.exclude' ? this.filesExclude : this.configuration));
    });
    this.connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshRequests++;
      return null;
    });
    this.connection.onNotification('$/logTrace', (params: { message: string }) => this.traces.push(params.message));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('$/progress', (params: { token: unknown; value: { kind: string; message?: string; percentage?: number } }) => {
      const partial = typeof params.token === 'string' ? this.partialResults.get(params.token) : undefined;
      if (partial) partial.push(params.value);
      else this.progress.push(params.value);
    });
    this.connection.onNotification('sqlaUpgrade/progressChanged', (params: unknown) => this.progressChanged.push(params));
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onNotification('window/showMessage', (params: { message: string }) => this.messages.push(params.message));
    this.connection.listen();
  }

  /** `pullDiagnostics` declares `textDocument.diagnostic` and `workspace.diagnostics.refreshSupport`, as VS Code does. */
  async initialize(
    capabilities: Record<string, unknown> = {},
    workspaceFolders: Array<{ uri: string; name: string }> | null = null,
    options: { pullDiagnostics?: boolean } = {},
  ): Promise<{ capabilities: Record<string, unknown> }> {
    const pull = options.pullDiagnostics;
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders,
      capabilities: {
        workspace: { configuration: true, applyEdit: true, workspaceEdit: { documentChanges: true }, ...(pull ? { diagnostics: { refreshSupport: true } } : {}) },
        textDocument: { codeAction: { resolveSupport: { properties: ['edit'] } }, ...(pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}) },
        window: { workDoneProgress: true },
        ...capabilities,
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with the first diagnostics published for `uri` (and `version`, if given). */
  diagnosticsFor(uri: string, version?: number, timeoutMs = 10000): Promise<PublishedDiagnostics> {
    const match = (p: PublishedDiagnostics) => p.uri === uri && (version === undefined || p.version === version);
    const already = this.published.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ match, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version, text } });
  }

  change(uri: string, version: number, contentChanges: unknown[]): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest<T>(method, params);
  }

  /** A request the test can cancel (`$/cancelRequest`); `result` settles with the value or the server's error. */
  cancellableRequest<T>(method: string, params: unknown): CancellableRequest<T> {
    const source = new CancellationTokenSource();
    const result = this.connection.sendRequest<T>(method, params, source.token).then(
      (value) => ({ value }),
      (error: ResponseError<unknown>) => ({ error }),
    );
    return { result, cancel: () => source.cancel() };
  }

  /** A request with a partial result token: its `$/progress` values collect in the returned array. */
  requestWithPartials<T>(method: string, params: Record<string, unknown>): CancellableRequest<T> & { partials: unknown[] } {
    const token = `partial-${++this.partialTokens}`;
    const partials: unknown[] = [];
    this.partialResults.set(token, partials);
    return { partials, ...this.cancellableRequest<T>(method, { ...params, partialResultToken: token }) };
  }

  /** `textDocument/diagnostic` for one document. */
  pull(uri: string, previousResultId?: string): Promise<DocumentDiagnosticReport> {
    return this.connection.sendRequest<DocumentDiagnosticReport>('textDocument/diagnostic', { textDocument: { uri }, previousResultId });
  }

  /** Turns `$/logTrace` on, as an editor does for `sqlaUpgrade.trace.server`. */
  setTrace(value: 'off' | 'messages' | 'verbose'): Promise<void> {
    return this.connection.sendNotification('$/setTrace', { value });
  }

  /** The server's process id. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  async shutdown(): Promise<void> {
    // A server that is gone (or stuck) must not keep the test process alive: wait briefly, then kill.
    const polite = (async () => {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    })().catch(() => undefined);
    await Promise.race([polite, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    // A server told to exit gets a moment to do so (and to write what node was asked to on exit).
    if (this.process.exitCode === null) await Promise.race([new Promise((resolve) => this.process.once('exit', resolve)), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    this.connection.dispose();
    this.process.stdin?.destroy();
    this.process.stdout?.destroy();
    this.process.kill('SIGKILL');
  }
}

/** Polls `probe` until it returns something other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10000, pollMs = 25): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
