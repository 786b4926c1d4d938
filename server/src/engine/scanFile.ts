/**
 * One file of a workspace scan, from its path to plain data: what a scan worker sends back and
 * what the main thread runs when a worker cannot. No tree, model or LineIndex leaves this module.
 */
import * as path from 'path';
import type { Parser } from 'web-tree-sitter';
import { URI } from 'vscode-uri';
import { analyze } from './analyze';
import { skipReason } from './limits';
import { cannotUseSqlAlchemy } from './standalone';
import type { LineIndex } from './lines';
import { parseText } from '../parse/parser';
import { readSource } from '../cli/files';
import { projectOptions } from '../lsp/projectOptions';
import { moduleIndexOf, textDigest, type ProjectModels } from '../semantics/projectModels';
import type { ModuleIndex } from '../semantics/modelIndex';
import { ruleByCode } from '../rules/index';
import { guideStep, type Finding } from '../rules/types';
import type { FindingSummary } from '../protocol';

/** The part of a folder's settings a scanned file needs. */
export interface ScanSettings {
  rules: Record<string, string>;
  targetVersion: '1.4-compatible' | '2.0' | string;
  maxFileSizeMB: number;
  /**
   * The first names of the project's module names (projectModuleRoots): with them, a module whose
   * text shows it cannot use SQLAlchemy is not parsed. Without them, every module is.
   */
  projectRoots?: ReadonlySet<string>;
}

export type FileResult =
  /** `index` is absent for a module that cannot use SQLAlchemy: it is indexed where and when a question needs it. */
  | { file: string; status: 'analyzed'; usesSqlAlchemy: boolean; findings: FindingSummary[]; index?: ModuleIndex; digest: string; answers?: QuestionAnswers }
  /** Unreadable, too large, generated, or excluded by its pyproject.toml: not in the report. */
  | { file: string; status: 'skipped'; reason: string };

/**
 * The questions an analysis asked of the other files' models, each with how many files answered
 * it (see ProjectModels.answersOutsideOf): a file analyzed before one it depends on has an answer
 * counted short.
 */
export type QuestionAnswers = Array<[question: string, files: number]>;

/** Findings kept in the summary form the progress view needs; never trees. */
export function summarize(findings: Finding[], lines: LineIndex, settings: Pick<ScanSettings, 'rules'>): FindingSummary[] {
  const result: FindingSummary[] = [];
  for (const finding of findings) {
    if (settings.rules[finding.code] === 'off') continue;
    const start = lines.position(finding.start);
    const end = lines.position(finding.end);
    const rule = ruleByCode(finding.code);
    result.push({
      code: finding.code,
      id: finding.id,
      step: rule ? guideStep(rule) : 'removed-apis',
      message: finding.message,
      line: start.line,
      character: start.character,
      endLine: end.line,
      endCharacter: end.character,
      fix: finding.fix ? finding.fix.safety : null,
      fixTitle: finding.fix?.title,
    });
  }
  return result;
}

/**
 * Reads, parses and analyzes one file the way the workspace scan does. `models` answers the
 * cross-file questions; the file's own index is returned, not stored, so that the caller decides
 * where it goes. The tree is freed before returning. `yieldPoint` is called between the steps
 * (a scan worker waits there while the editor is served).
 */
export function scanFile(parser: Parser, file: string, settings: ScanSettings, models: ProjectModels, yieldPoint?: () => void): FileResult {
  const source = readSource(file);
  const text = source.text;
  if (text === undefined) return { file, status: 'skipped', reason: source.error ?? 'unreadable' };
  const tooBig = skipReason(text, settings.maxFileSizeMB);
  if (tooBig) return { file, status: 'skipped', reason: tooBig };
  const options = projectOptions(URI.file(file).toString());
  if (!options) return { file, status: 'skipped', reason: 'excluded by its pyproject.toml' };
  if (settings.projectRoots && cannotUseSqlAlchemy(text, settings.projectRoots)) {
    return { file, status: 'analyzed', usesSqlAlchemy: false, findings: [], digest: textDigest(text) };
  }
  const tree = parseText(parser, text, undefined, yieldPoint);
  try {
    const targetVersion = settings.targetVersion === '2.0' ? '2.0' : options.targetVersion;
    const { result: analysis, questions } = models.recordQueries(() => analyze(text, tree, { ...options, targetVersion, filePath: file, models, yieldPoint }));
    const answers: QuestionAnswers = [];
    for (const question of questions) answers.push([question, models.answersOutsideOf(question, file)]);
    return {
      file,
      status: 'analyzed',
      usesSqlAlchemy: analysis.model.usesSqlAlchemy,
      findings: summarize(analysis.findings, analysis.lines, settings),
      // Keyed like ProjectModels keys files, so that the index the rules made is reused.
      index: moduleIndexOf(analysis.model, path.resolve(file)),
      digest: textDigest(text),
      answers,
    };
  } finally {
    tree.delete();
  }
}
