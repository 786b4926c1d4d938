import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ruleByCode } from '../rules/index';
import { defaultSeverity, guideUrl, type Finding, type TextEdit } from '../rules/types';
import type { Settings } from './settings';

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

/** Undefined when the user turned the rule off. */
export function toDiagnostic(document: TextDocument, finding: Finding, settings: Settings): Diagnostic | undefined {
  const level = settings.rules[finding.code] ?? defaultSeverity(finding.tier);
  if (level === 'off') return undefined;
  const rule = ruleByCode(finding.code);
  return {
    range: rangeOf(document, finding.start, finding.end),
    severity: SEVERITY[level],
    code: finding.code,
    codeDescription: rule ? { href: guideUrl(rule.guide) } : undefined,
    source: SOURCE,
    message: finding.message,
    data: { id: finding.id, fix: finding.fix ? finding.fix.safety : null },
  };
}
