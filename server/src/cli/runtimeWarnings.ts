/**
 * Deprecation warnings recorded while a program ran (by `python/sqla_upgrade_warnings`), matched
 * against the static findings: a finding whose lines (or statement) hold a recorded warning is
 * confirmed at run time, and a warning no finding explains is reported on its own (code SQA000). Shared by the
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
      throw new RuntimeWarningsError(`${where}: not valid JSON (${(error as Error).message}); expected one warning record per line`);
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
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new RuntimeWarningsError(`cannot read runtime warnings ${file}: ${reason}`);
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
  private readonly keys = new Map<string, string>();

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
    if (this.byFile.size === 0) return [];
    let key = this.keys.get(file);
    if (key === undefined) {
      key = pathKey(file);
      this.keys.set(file, key);
    }
    return this.byFile.get(key) ?? [];
  }

  /**
   * Which findings of `file` a recorded warning confirms, and the warnings of the file that no
   * finding explains. A warning confirms a finding on whose lines it lies; given the file's text,
   * also one in the same statement: Python reports a call that spans lines at its first line, while
   * a finding may flag an argument further down. A warning past the end of the file (recorded on
   * an older version of it) is dropped.
   */
  match(file: string, ranges: LineRange[], lines?: LineIndex): { confirmed: boolean[]; unmatched: RuntimeWarning[] } {
    const warnings = this.forFile(file).filter((w) => !lines || w.line <= lines.lineCount);
    if (warnings.length === 0) return { confirmed: ranges.map(() => false), unmatched: [] };
    const statements = lines && statementSpans(lines);
    const explains = (r: LineRange, w: RuntimeWarning) => {
      if (r.line <= w.line && w.line <= r.endLine) return true;
      if (!statements) return false;
      return statements.first[w.line - 1] + 1 <= r.endLine && r.line <= statements.last[w.line - 1] + 1;
    };
    const confirmed = ranges.map((r) => warnings.some((w) => explains(r, w)));
    const unmatched = warnings.filter((w) => !ranges.some((r) => explains(r, w)));
    return { confirmed, unmatched };
  }
}

/** For each 0-based line, the first and last lines of the statement (logical line) it belongs to. */
export interface StatementSpans {
  first: Int32Array;
  last: Int32Array;
}

const spansCache = new WeakMap<LineIndex, StatementSpans>();

/**
 * Python's logical lines: a statement continues past a line break inside brackets, inside a
 * triple-quoted string or after a backslash. Strings and comments are skipped so that their
 * brackets do not count. A line in no statement (blank, comment) is its own span.
 */
export function statementSpans(lines: LineIndex): StatementSpans {
  const cached = spansCache.get(lines);
  if (cached) return cached;
  const text = lines.text;
  const first = new Int32Array(lines.lineCount);
  const last = new Int32Array(lines.lineCount);
  let line = 0;
  let start = 0;
  let depth = 0;
  let quote = '';
  const close = () => {
    for (let l = start; l <= line && l < first.length; l++) {
      first[l] = start;
      last[l] = line;
    }
    start = line + 1;
  };
  // The length of the line break at i (\n, \r\n or a lone \r), 0 when there is none.
  const breakAt = (i: number) => (text[i] === '\n' ? 1 : text[i] === '\r' ? (text[i + 1] === '\n' ? 2 : 1) : 0);
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const lineBreak = breakAt(i);
    if (quote) {
      if (ch === '\\') {
        const escaped = breakAt(i + 1);
        if (escaped) line++;
        i += 1 + (escaped || 1);
      } else if (text.startsWith(quote, i)) {
        i += quote.length;
        quote = '';
      } else if (lineBreak && quote.length === 3) {
        line++;
        i += lineBreak;
      } else if (lineBreak) {
        quote = ''; // An unterminated one-line string ends with its line.
      } else {
        i++;
      }
      continue;
    }
    if (lineBreak) {
      if (depth === 0) close();
      line++;
      i += lineBreak;
    } else if (ch === '#') {
      while (i < text.length && !breakAt(i)) i++;
    } else if (ch === '"' || ch === "'") {
      quote = text.startsWith(ch.repeat(3), i) ? ch.repeat(3) : ch;
      i += quote.length;
    } else if (ch === '\\' && breakAt(i + 1)) {
      line++;
      i += 1 + breakAt(i + 1);
    } else {
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
      i++;
    }
  }
  close();
  const spans = { first, last };
  spansCache.set(lines, spans);
  return spans;
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
  private readonly lines = new Map<string, LineIndex>();

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
    if (this.warnings.forFile(file).length > 0) this.lines.set(file, lines);
    const { unmatched } = this.warnings.match(file, findingRanges(findings, lines), lines);
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

  /**
   * Marks each reported finding confirmed or not and inserts the SQA000 entries, in line order
   * within each file; `reported` is changed in place. Returns a one-line account for standard error.
   */
  merge(reported: ReportedFinding[]): string {
    const byPath = new Map<string, ReportedFinding[]>();
    for (const finding of reported) {
      finding.confirmedAtRuntime = this.warnings.match(finding.path, [finding], this.lines.get(finding.path)).confirmed[0];
      const list = byPath.get(finding.path) ?? [];
      list.push(finding);
      byPath.set(finding.path, list);
    }
    const confirmed = reported.filter((f) => f.confirmedAtRuntime).length;
    let unexplained = 0;
    reported.length = 0;
    for (const file of this.files) {
      const extras = this.extras.get(file) ?? [];
      unexplained += extras.length;
      const merged = [...(byPath.get(file) ?? []), ...extras];
      byPath.delete(file);
      merged.sort((a, b) => a.line - b.line || a.column - b.column);
      for (const finding of merged) reported.push(finding);
    }
    for (const rest of byPath.values()) for (const finding of rest) reported.push(finding);
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    return `sqla-upgrade: ${plural(confirmed, 'finding')} confirmed at runtime; ${plural(unexplained, 'runtime warning')} that no finding explains (${RUNTIME_WARNING_CODE}).`;
  }
}
