import type { FindingSummary } from '../protocol';
import { RULES, ruleByCode } from '../rules/index';
import { defaultSeverity, guideUrl, type Finding } from '../rules/types';
import type { LineIndex } from '../engine/lines';
import * as nodePath from 'path';
import { pathToFileURL } from 'url';
import { CONFIRMED_SUFFIX, RUNTIME_WARNING_CODE, RUNTIME_WARNING_ID } from './runtimeWarnings';

/** One finding as the CLI reports it; `line`/`column` are 1-based, columns in UTF-16 code units. */
export interface ReportedFinding {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  id: string;
  tier: string;
  severity: string;
  message: string;
  fix: { safety: 'safe' | 'review'; title: string } | null;
  /** Present only when runtime warnings were given: a recorded warning lies on the finding's lines. */
  confirmedAtRuntime?: boolean;
}

export function toReported(path: string, finding: Finding, lines: LineIndex): ReportedFinding {
  const start = lines.position(finding.start);
  const end = lines.position(finding.end);
  return {
    path,
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    code: finding.code,
    id: finding.id,
    tier: finding.tier,
    severity: defaultSeverity(finding.tier),
    message: finding.message,
    fix: finding.fix ? { safety: finding.fix.safety, title: finding.fix.title } : null,
  };
}

/** The same shape from a progress-view summary (0-based positions), for the editor's exported reports. */
export function summaryToReported(path: string, f: FindingSummary): ReportedFinding {
  const tier = ruleByCode(f.code)?.tier ?? 'removed';
  return {
    path,
    line: f.line + 1,
    column: f.character + 1,
    endLine: f.endLine + 1,
    endColumn: f.endCharacter + 1,
    code: f.code,
    id: f.id,
    tier,
    severity: defaultSeverity(tier),
    message: f.message,
    fix: f.fix ? { safety: f.fix, title: f.fixTitle ?? '' } : null,
  };
}

export function formatText(findings: ReportedFinding[]): string {
  const lines = findings.map((f) => {
    const mark = f.fix ? (f.fix.safety === 'safe' ? ' [*]' : ' [review]') : '';
    const confirmed = f.confirmedAtRuntime && f.code !== RUNTIME_WARNING_CODE ? CONFIRMED_SUFFIX : '';
    return `${f.path}:${f.line}:${f.column}: ${f.code}${mark} ${f.message}${confirmed}`;
  });
  const safe = findings.filter((f) => f.fix?.safety === 'safe').length;
  const review = findings.filter((f) => f.fix?.safety === 'review').length;
  if (findings.length === 0) lines.push('No SQLAlchemy 2.0 migration findings.');
  else {
    lines.push(`Found ${findings.length} finding${findings.length === 1 ? '' : 's'}.`);
    if (safe + review > 0) lines.push(`[*] ${safe} fixable with \`sqla-upgrade fix\`; ${review} more with \`sqla-upgrade fix --unsafe\` (review them).`);
  }
  return lines.join('\n') + '\n';
}

/**
 * A SARIF `artifactLocation.uri` must be a URI reference: an absolute path becomes a `file:` URI,
 * a relative one keeps its form with each segment percent-encoded (spaces, `%`, `#`, `:` ...).
 */
export function sarifUri(file: string): string {
  if (nodePath.isAbsolute(file)) return pathToFileURL(file).href;
  const segments = nodePath.sep === '\\' ? file.split(/[\\/]/) : file.split('/');
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

const SARIF_LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SQA000 is no rule: it stands for a recorded warning that no finding explains. */
const RUNTIME_WARNING_DESCRIPTOR = {
  id: RUNTIME_WARNING_CODE,
  name: RUNTIME_WARNING_ID,
  shortDescription: { text: 'a SQLAlchemy deprecation warning recorded at run time that no rule explains' },
  fullDescription: { text: 'SQLAlchemy raised this deprecation warning while the program ran, on a line where the static analysis found nothing.' },
  helpUri: 'https://docs.sqlalchemy.org/en/20/changelog/migration_20.html',
  defaultConfiguration: { level: 'warning' },
  properties: { tier: 'removed', fix: 'none' },
};

export function formatSarif(findings: ReportedFinding[], version: string): string {
  const codes = [...new Set(RULES.map((r) => r.code))];
  const withRuntime = findings.some((f) => f.code === RUNTIME_WARNING_CODE);
  if (withRuntime) codes.push(RUNTIME_WARNING_CODE);
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sqla-upgrade',
            version,
            informationUri: 'https://docs.sqlalchemy.org/en/20/changelog/migration_20.html',
            rules: codes.map((code) => {
              if (code === RUNTIME_WARNING_CODE) return RUNTIME_WARNING_DESCRIPTOR;
              const rule = ruleByCode(code)!;
              return {
                id: rule.code,
                name: rule.id,
                shortDescription: { text: rule.docs.summary },
                fullDescription: { text: rule.docs.what },
                helpUri: guideUrl(rule.guide),
                defaultConfiguration: { level: SARIF_LEVEL[defaultSeverity(rule.tier)] },
                properties: { tier: rule.tier, fix: rule.fixable },
              };
            }),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: codes.indexOf(f.code),
          level: SARIF_LEVEL[f.severity] ?? 'warning',
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: sarifUri(f.path) },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
          ...(f.confirmedAtRuntime === undefined ? {} : { properties: { confirmedAtRuntime: f.confirmedAtRuntime } }),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/** A Markdown migration report: totals, then findings grouped by file. */
export function formatMarkdown(findings: ReportedFinding[], summary: { filesUsingSqlAlchemy: number; filesMigrated: number }): string {
  const lines = [
    '# SQLAlchemy 2.0 migration report',
    '',
    `- Files using SQLAlchemy: ${summary.filesUsingSqlAlchemy}`,
    `- Files migrated (no findings left): ${summary.filesMigrated}`,
    `- Findings left: ${findings.length} (${findings.filter((f) => f.fix?.safety === 'safe').length} with a safe fix, ${findings.filter((f) => f.fix?.safety === 'review').length} with a fix to review)`,
    '',
  ];
  const byCode = new Map<string, number>();
  for (const f of findings) byCode.set(f.code, (byCode.get(f.code) ?? 0) + 1);
  if (byCode.size > 0) {
    lines.push('| rule | findings |', '|---|---|');
    for (const [code, count] of [...byCode].sort()) lines.push(`| ${code} ${ruleByCode(code)?.id ?? ''} | ${count} |`);
    lines.push('');
  }
  let currentPath = '';
  for (const f of findings) {
    if (f.path !== currentPath) {
      currentPath = f.path;
      lines.push(`## ${f.path}`, '');
    }
    const fix = f.fix ? ` (fix: ${f.fix.safety})` : '';
    lines.push(`- line ${f.line}, column ${f.column}: **${f.code}** ${f.message}${fix}`);
  }
  return lines.join('\n') + '\n';
}
