import type { Diagnostic } from 'vscode-languageserver';

/**
 * The last full pull report of each open document. Most edits leave every diagnostic where it
 * was, line and column: typing inside a statement changes that statement's findings at most.
 * A pull whose diagnostics equal the last report's, asked with that report's result id, is
 * answered `unchanged` with it, so neither side serializes hundreds of unchanged items.
 */
export class ReportMemory {
  private readonly reports = new Map<string, { resultId: string; items: Diagnostic[] }>();

  /** The result id to answer `unchanged` with, when the client holds a report equal to `items`. */
  unchangedId(uri: string, previousResultId: string | undefined, items: Diagnostic[]): string | undefined {
    const last = this.reports.get(uri);
    if (!last || previousResultId === undefined || last.resultId !== previousResultId) return undefined;
    return sameDiagnostics(last.items, items) ? last.resultId : undefined;
  }

  remember(uri: string, resultId: string, items: Diagnostic[]): void {
    this.reports.set(uri, { resultId, items });
  }

  forget(uri: string): void {
    this.reports.delete(uri);
  }
}

function sameDiagnostics(a: Diagnostic[], b: Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameDiagnostic(a[i], b[i])) return false;
  return true;
}

/**
 * Field by field over what `toDiagnostic` and the runtime-warning diagnostics set (the range
 * first: an edit moves ranges, the rest rarely changes), the data structurally.
 */
function sameDiagnostic(a: Diagnostic, b: Diagnostic): boolean {
  const x = a.range;
  const y = b.range;
  if (x.start.line !== y.start.line || x.start.character !== y.start.character || x.end.line !== y.end.line || x.end.character !== y.end.character) return false;
  return (
    a.message === b.message && a.code === b.code && a.severity === b.severity && a.source === b.source &&
    a.codeDescription?.href === b.codeDescription?.href && (a.codeDescription === undefined) === (b.codeDescription === undefined) &&
    sameJson(a.data, b.data) && sameJson(a.tags, b.tags) && sameJson(a.relatedInformation, b.relatedInformation)
  );
}

/** Structural equality of JSON values (what the client would receive), without copying keys: it runs on every pull. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // Keys whose value is undefined are not sent.
  let sent = 0;
  for (const key in left) {
    if (left[key] === undefined) continue;
    sent++;
    if (!sameJson(left[key], right[key])) return false;
  }
  for (const key in right) if (right[key] !== undefined) sent--;
  return sent === 0;
}
