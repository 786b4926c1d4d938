/**
 * Deprecation warnings recorded while a program ran (by `python/sqla_upgrade_warnings`), matched
 * against the static findings: a finding whose lines hold a recorded warning is confirmed at run
 * time, and a warning no finding explains is reported on its own (code SQA000). Shared by the
 * CLI (`check --runtime-warnings`) and the language server (`sqlaUpgrade/importRuntimeWarnings`).
 * Only reads the file; nothing is ever run.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { LineIndex } from '../engine/lines';
import { FILE_SUPPRESSION_PATTERN, suppressedCodes } from '../engine/suppression';
import type { Finding } from '../rules/types';
import type { ReportedFinding } from './formats';

/** One line of the recorded file. `line` is 1-based; `file` is absolute. */
export interface RuntimeWarning {
  category: string;
  message: string;
  file: string;
  line: number;
}

export const RUNTIME_WARNING_CODE = 'SQA000';
export const RUNTIME_WARNING_ID = 'runtime-warning';
export const CONFIRMED_SUFFIX = ' (confirmed at runtime)';

/** The file cannot be read, or one of its lines is not a warning record. */
export class RuntimeWarningsError extends Error {}

/**
 * The records of a JSON-lines text, each distinct one once. Blank lines are skipped; a relative
 * `file` is taken relative to `baseDir`. Throws RuntimeWarningsError naming the first bad line.
 */
export function parseRuntimeWarnings(text: string, source: string, baseDir = process.cwd()): RuntimeWarning[] {
  const records: RuntimeWarning[] = [];
  const seen = new Set<string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new RuntimeWarningsError(`${where}: not a JSON object (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RuntimeWarningsError(`${where}: not a JSON object`);
    const record = value as Record<string, unknown>;
    for (const key of ['category', 'message', 'file'] as const) {
      if (typeof record[key] !== 'string' || (key !== 'message' && record[key] === '')) {
        throw new RuntimeWarningsError(`${where}: "${key}" must be a${key === 'message' ? '' : ' non-empty'} string`);
      }
    }
    const lineNumber = record.line;
    if (typeof lineNumber !== 'number' || !Number.isInteger(lineNumber) || lineNumber < 1) throw new RuntimeWarningsError(`${where}: "line" must be a positive integer`);
    const warning: RuntimeWarning = {
      category: record.category as string,
      message: record.message as string,
      file: path.resolve(baseDir, record.file as string),
      line: lineNumber,
    };
    const key = JSON.stringify([warning.file, warning.line, warning.category, warning.message]);
    if (seen.has(key)) return;
    seen.add(key);
    records.push(warning);
  });
  return records;
}

export function readRuntimeWarnings(file: string): RuntimeWarning[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new RuntimeWarningsError(`cannot read runtime warnings ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseRuntimeWarnings(text, file, path.dirname(path.resolve(file)));
}

/** One spelling per file: symbolic links resolved, and case folded where the file system ignores it. */
export function pathKey(file: string): string {
  let resolved = path.resolve(file);
  try {
    resolved = fs.realpathSync.native(resolved);
  } catch {
    // A file that is gone keeps the spelling it was recorded with.
  }
  return process.platform === 'win32' || process.platform === 'darwin' ? resolved.toLowerCase() : resolved;
}

/** 1-based, inclusive line range of a finding. */
export interface LineRange {
  line: number;
  endLine: number;
}

/** The records of one import, by file. */
export class RuntimeWarnings {
  private readonly byFile = new Map<string, RuntimeWarning[]>();

  constructor(readonly records: RuntimeWarning[]) {
    for (const record of records) {
      const key = pathKey(record.file);
      const list = this.byFile.get(key) ?? [];
      list.push(record);
      this.byFile.set(key, list);
    }
    for (const list of this.byFile.values()) list.sort((a, b) => a.line - b.line);
  }

  static read(file: string): RuntimeWarnings {
    return new RuntimeWarnings(readRuntimeWarnings(file));
  }

  get fileCount(): number {
    return this.byFile.size;
  }

  forFile(file: string): RuntimeWarning[] {
    return this.byFile.get(pathKey(file)) ?? [];
  }

  /**
   * Which findings of `file` hold a recorded warning on one of their lines, and the warnings of
   * the file that no finding holds. A warning past the end of the file (recorded on an older
   * version of it) is dropped.
   */
  match(file: string, ranges: LineRange[], lineCount = Infinity): { confirmed: boolean[]; unmatched: RuntimeWarning[] } {
    const warnings = this.forFile(file).filter((w) => w.line <= lineCount);
    const confirmed = ranges.map((r) => warnings.some((w) => r.line <= w.line && w.line <= r.endLine));
    const unmatched = warnings.filter((w) => !ranges.some((r) => r.line <= w.line && w.line <= r.endLine));
    return { confirmed, unmatched };
  }
}

/** The message of an SQA000 entry: the warning's category and text. */
export function runtimeWarningMessage(warning: RuntimeWarning): string {
  return `${warning.category}: ${warning.message}`;
}

/** 1-based line ranges of findings. */
export function findingRanges(findings: Finding[], lines: LineIndex): LineRange[] {
  return findings.map((f) => ({ line: lines.lineOf(f.start) + 1, endLine: lines.lineOf(f.end) + 1 }));
}

/** Offsets of a line's code: from its first non-blank character to its end, without trailing blanks. */
export function lineSpan(lines: LineIndex, line: number): { start: number; end: number } {
  const lineStart = lines.lineStart(line);
  const content = lines.text.slice(lineStart, lines.lineEnd(line));
  const start = lineStart + (content.length - content.trimStart().length);
  const end = lineStart + content.trimEnd().length;
  return end > start ? { start, end } : { start: lineStart, end: lineStart + content.length };
}

/**
 * Whether SQA000 is silenced on a 0-based line: the file has `# sqla-upgrade: ignore-file`, or the
 * line a bare `# sqla-upgrade: ignore` or one naming SQA000.
 */
export function runtimeWarningSuppressed(lines: LineIndex, line: number): boolean {
  if (FILE_SUPPRESSION_PATTERN.test(lines.text)) return true;
  const content = lines.text.slice(lines.lineStart(line), lines.lineEnd(line));
  const hash = content.indexOf('#');
  if (hash < 0) return false;
  const codes = suppressedCodes(content.slice(hash));
  return !!codes && (codes.includes('*') || codes.includes(RUNTIME_WARNING_CODE));
}

/** The checks of one `sqla-upgrade check --runtime-warnings FILE` run. */
export class RuntimeWarningCheck {
  private readonly files: string[] = [];
  private readonly extras = new Map<string, ReportedFinding[]>();

  constructor(readonly warnings: RuntimeWarnings) {}

  /** Reads the recorded file; throws RuntimeWarningsError with a message fit for the user. */
  static load(file: string): RuntimeWarningCheck {
    return new RuntimeWarningCheck(RuntimeWarnings.read(file));
  }

  /**
   * One analyzed file, with all its findings (before a baseline drops any): the warnings none of
   * them explains become SQA000 entries.
   */
  addFile(file: string, lines: LineIndex, findings: Finding[]): void {
    this.files.push(file);
    const { unmatched } = this.warnings.match(file, findingRanges(findings, lines), lines.lineCount);
    const extras: ReportedFinding[] = [];
    for (const warning of unmatched) {
      const line = warning.line - 1;
      if (runtimeWarningSuppressed(lines, line)) continue;
      const span = lineSpan(lines, line);
      const start = lines.position(span.start);
      const end = lines.position(span.end);
      extras.push({
        path: file,
        line: warning.line,
        column: start.character + 1,
        endLine: end.line + 1,
        endColumn: end.character + 1,
        code: RUNTIME_WARNING_CODE,
        id: RUNTIME_WARNING_ID,
        tier: 'removed',
        severity: 'warning',
        message: runtimeWarningMessage(warning),
        fix: null,
        confirmedAtRuntime: true,
      });
    }
    this.extras.set(file, extras);
  }

  /** The reported findings marked confirmed or not, with the SQA000 entries in line order within each file. */
  finish(reported: ReportedFinding[]): ReportedFinding[] {
    const byPath = new Map<string, ReportedFinding[]>();
    for (const finding of reported) {
      const { confirmed } = this.warnings.match(finding.path, [finding]);
      const marked = { ...finding, confirmedAtRuntime: confirmed[0] };
      const list = byPath.get(finding.path) ?? [];
      list.push(marked);
      byPath.set(finding.path, list);
    }
    const result: ReportedFinding[] = [];
    for (const file of this.files) {
      const merged = [...(byPath.get(file) ?? []), ...(this.extras.get(file) ?? [])];
      byPath.delete(file);
      merged.sort((a, b) => a.line - b.line || a.column - b.column);
      result.push(...merged);
    }
    for (const rest of byPath.values()) result.push(...rest);
    return result;
  }

  /** A one-line account for standard error. */
  static summary(findings: ReportedFinding[]): string {
    const confirmed = findings.filter((f) => f.code !== RUNTIME_WARNING_CODE && f.confirmedAtRuntime).length;
    const unexplained = findings.filter((f) => f.code === RUNTIME_WARNING_CODE).length;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    return `${plural(confirmed, 'finding')} confirmed at runtime; ${plural(unexplained, 'runtime warning')} no rule explains (${RUNTIME_WARNING_CODE}).`;
  }
}
