import { createHash } from 'crypto';
import type {
  CancellationToken, Diagnostic, ResultProgressReporter, WorkspaceDiagnosticParams, WorkspaceDiagnosticReport,
  WorkspaceDiagnosticReportPartialResult, WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import type { FindingSummary } from '../protocol';
import { summaryToDiagnostic } from './convert';
import type { Settings } from './settings';
import { nextTurn, requestCancelled, throwIfCancelled } from './cancellation';

/** What the reports are made from: the workspace scan's summaries of closed files. */
export interface ClosedFiles {
  uris(): string[];
  findings(uri: string): FindingSummary[] | undefined;
  isOpen(uri: string): boolean;
  /** The settings the scan used for the file (its folder's). */
  settings(uri: string): Promise<Settings>;
  scanRunning(): boolean;
}

/** Reports per partial result: small enough that the editor shows the first files early. */
export const BATCH_SIZE = 50;
/** While a scan runs, an open request looks for new results this often. */
const SCAN_POLL_MS = 1000;

/**
 * `workspace/diagnostic` for closed files, from the workspace scan's summaries (nothing is analyzed
 * here). With a partial result token the request stays open (long poll): results are streamed as
 * `$/progress` batches, and later changes are sent on the same request until the client cancels
 * it, so that a client that re-requests after every answer does not poll an idle workspace.
 * Without one it is answered at once.
 */
export class WorkspaceDiagnostics {
  private changes = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly files: ClosedFiles) {}

  /** Closed files' findings or their settings may have changed: open requests look again. */
  changed(): void {
    this.changes++;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** A closed file's diagnostics; none while `sqlaUpgrade.diagnostics.workspace` is off for it. */
  async fileReport(uri: string): Promise<{ resultId: string; items: Diagnostic[] }> {
    const settings = await this.files.settings(uri);
    const findings = settings.enable && settings.diagnostics.workspace ? this.files.findings(uri) ?? [] : [];
    const items = findings.map((f) => summaryToDiagnostic(f, settings)).filter((d): d is Diagnostic => !!d);
    // The id is a digest of the report itself: equal ids mean equal diagnostics, whatever happened in between.
    return { resultId: createHash('sha1').update(JSON.stringify(items)).digest('hex').slice(0, 16), items };
  }

  async handle(params: WorkspaceDiagnosticParams, token: CancellationToken, progress: ResultProgressReporter<WorkspaceDiagnosticReportPartialResult> | undefined): Promise<WorkspaceDiagnosticReport> {
    // What the client holds, per file; kept current with what this request sends.
    const held = new Map((params.previousResultIds ?? []).map((p) => [p.uri, p.value]));
    if (!progress) return { items: await this.collect(held, true, token) };
    let first = true;
    for (;;) {
      const seen = this.changes;
      const items = await this.collect(held, first, token);
      first = false;
      for (let i = 0; i < items.length; i += BATCH_SIZE) {
        throwIfCancelled(token);
        progress.report({ items: items.slice(i, i + BATCH_SIZE) });
        // Edits and document pulls go between batches.
        await nextTurn();
      }
      await this.nextChange(seen, token);
    }
  }

  /** Reports that differ from what the client holds (and, when asked, `unchanged` for those that do not). */
  private async collect(held: Map<string, string>, withUnchanged: boolean, token: CancellationToken): Promise<WorkspaceDocumentDiagnosticReport[]> {
    const reports: WorkspaceDocumentDiagnosticReport[] = [];
    const uris = [...new Set([...this.files.uris(), ...held.keys()])].sort();
    for (const uri of uris) {
      throwIfCancelled(token);
      // Open documents are the document pull's; the client prefers those anyway.
      if (this.files.isOpen(uri)) continue;
      const { resultId, items } = await this.fileReport(uri);
      const previous = held.get(uri);
      if (previous === resultId) {
        if (withUnchanged) reports.push({ kind: 'unchanged', uri, version: null, resultId });
        continue;
      }
      // Nothing to show and nothing to clear.
      if (previous === undefined && items.length === 0) continue;
      reports.push({ kind: 'full', uri, version: null, resultId, items });
      held.set(uri, resultId);
    }
    return reports;
  }

  /** Resolves after a change since `seen` (or a while into a running scan); rejects when the request is cancelled. */
  private nextChange(seen: number, token: CancellationToken): Promise<void> {
    if (token.isCancellationRequested) return Promise.reject(requestCancelled());
    if (this.changes !== seen) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const cleanUp = () => {
        if (timer) clearTimeout(timer);
        cancel.dispose();
        this.waiters = this.waiters.filter((w) => w !== wake);
      };
      const wake = () => (cleanUp(), resolve());
      const timer = this.files.scanRunning() ? setTimeout(wake, SCAN_POLL_MS) : undefined;
      const cancel = token.onCancellationRequested(() => (cleanUp(), reject(requestCancelled())));
      this.waiters.push(wake);
    });
  }
}
