import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
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

/** Undefined when the user turned the rule off. */
export function toDiagnostic(document: TextDocument, finding: Finding, settings: Settings): Diagnostic | undefined {
  const level = settings.rules[finding.code] ?? defaultSeverity(finding.tier);
  if (level === 'off') return undefined;
  return {
    range: rangeOf(document, finding.start, finding.end),
    severity: SEVERITY[level],
    code: finding.code,
    codeDescription: descriptionOf(finding.code),
    source: SOURCE,
    message: finding.message,
    data: { id: finding.id, fix: finding.fix ? finding.fix.safety : null },
  };
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
