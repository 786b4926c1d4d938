import { DiagnosticSeverity, type Diagnostic, type Position, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ruleByCode } from '../rules/index';
import { defaultSeverity, guideUrl, type Finding, type TextEdit } from '../rules/types';
import type { Settings } from './settings';
import type { LineIndex } from '../engine/lines';
import type { FindingSummary } from '../protocol';
import { CONFIRMED_SUFFIX, RUNTIME_WARNING_CODE, RUNTIME_WARNING_ID, lineSpan, runtimeWarningMessage, type RuntimeWarning } from '../cli/runtimeWarnings';

export const SOURCE = 'sqla-upgrade';

const SEVERITY: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function rangeOf(document: TextDocument, start: number, end: number): Range {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}

export function toLspEdit(document: TextDocument, edit: TextEdit) {
  return { range: rangeOf(document, edit.start, edit.end), newText: edit.newText };
}

/** Each rule's link to its guide section, made once (every edit converts hundreds of findings). */
const descriptions = new Map<string, { href: string } | undefined>();

function descriptionOf(code: string): { href: string } | undefined {
  if (!descriptions.has(code)) {
    const rule = ruleByCode(code);
    descriptions.set(code, rule ? { href: guideUrl(rule.guide) } : undefined);
  }
  return descriptions.get(code);
}

/**
 * Each finding's last diagnostic. Every edit converts all of a document's findings again (1,155
 * on a 20,000-line file), and a finding the edit did not move is the same object as before: its
 * diagnostic is reused when its range still lies where the finding's offsets do now.
 */
const lastDiagnostics = new WeakMap<Finding, Diagnostic>();

/** Undefined when the user turned the rule off. */
export function toDiagnostic(document: TextDocument, finding: Finding, settings: Settings): Diagnostic | undefined {
  const level = settings.rules[finding.code] ?? defaultSeverity(finding.tier);
  if (level === 'off') return undefined;
  const severity = SEVERITY[level];
  const last = lastDiagnostics.get(finding);
  if (last && last.severity === severity && isPositionOf(document, last.range.start, finding.start) && isPositionOf(document, last.range.end, finding.end)) return last;
  const diagnostic: Diagnostic = {
    range: rangeOf(document, finding.start, finding.end),
    severity,
    code: finding.code,
    codeDescription: descriptionOf(finding.code),
    source: SOURCE,
    message: finding.message,
  };
  lastDiagnostics.set(finding, diagnostic);
  return diagnostic;
}

/**
 * Whether `position` is where `offset` lies in the document's text now, as `positionAt` would
 * say, in constant time: an edit that keeps the length (a letter replaced by a line break) moves
 * no offset but can move positions.
 */
export function isPositionOf(document: TextDocument, position: Position, offset: number): boolean {
  if (position.line >= document.lineCount) return false;
  const lineStart = document.offsetAt({ line: position.line, character: 0 });
  if (lineStart + position.character !== offset) return false;
  // Inside a line break `positionAt` answers the position before it.
  const before = document.getText().charCodeAt(offset - 1);
  if (offset > lineStart && (before === 13 || before === 10)) return false;
  return position.line + 1 === document.lineCount || offset < document.offsetAt({ line: position.line + 1, character: 0 });
}

/** A closed file's finding, kept as a summary by the workspace scan; undefined when the user turned the rule off. */
export function summaryToDiagnostic(summary: FindingSummary, settings: Settings): Diagnostic | undefined {
  const rule = ruleByCode(summary.code);
  const level = settings.rules[summary.code] ?? (rule ? defaultSeverity(rule.tier) : 'warning');
  if (level === 'off') return undefined;
  return {
    range: { start: { line: summary.line, character: summary.character }, end: { line: summary.endLine, character: summary.endCharacter } },
    severity: SEVERITY[level],
    code: summary.code,
    codeDescription: rule ? { href: guideUrl(rule.guide) } : undefined,
    source: SOURCE,
    message: summary.message,
    data: { id: summary.id, fix: summary.fix },
  };
}

/** A finding's diagnostic once a recorded runtime warning lies on its lines. */
export function confirmedAtRuntime(diagnostic: Diagnostic): Diagnostic {
  return { ...diagnostic, message: diagnostic.message + CONFIRMED_SUFFIX, data: { ...(diagnostic.data as object), confirmedAtRuntime: true } };
}

/** An SQA000 diagnostic over the code of a 1-based line: a recorded warning that no finding explains. */
export function runtimeWarningDiagnostic(document: TextDocument, lines: LineIndex, warning: RuntimeWarning, settings: Settings): Diagnostic | undefined {
  const level = settings.rules[RUNTIME_WARNING_CODE] ?? 'warning';
  if (level === 'off') return undefined;
  const span = lineSpan(lines, warning.line - 1);
  return {
    range: rangeOf(document, span.start, span.end),
    severity: SEVERITY[level],
    code: RUNTIME_WARNING_CODE,
    codeDescription: { href: 'https://docs.sqlalchemy.org/en/20/changelog/migration_20.html' },
    source: SOURCE,
    message: runtimeWarningMessage(warning),
    data: { id: RUNTIME_WARNING_ID, fix: null, confirmedAtRuntime: true, category: warning.category },
  };
}
