import type { SyntaxTree } from '../parse/chunkedTree';
import { ModuleModel } from '../semantics/model';
import { RULES } from '../rules/index';
import type { Finding, Fix, Rule } from '../rules/types';
import type { ProjectModels } from '../semantics/projectModels';
import { performance } from 'perf_hooks';
import { LineIndex } from './lines';
import { DEFAULT_TIME_BUDGET_MS } from './limits';
import { collectSuppressions } from './suppression';

export interface AnalyzeOptions {
  /** Codes to run; all when absent. */
  select?: ReadonlySet<string>;
  ignore?: ReadonlySet<string>;
  /** `1.4-compatible` (default): only fixes that run on 1.4 and 2.0; `2.0`: also 2.0-only forms. */
  targetVersion?: '1.4-compatible' | '2.0';
  /** Models of the whole project, for rules that follow classes across files; the file's own index when absent. */
  models?: ProjectModels;
  /** The analyzed file's path, to resolve its imports through `models`. */
  filePath?: string;
  /** Milliseconds one analysis may take; the rules left when it runs out do not run. */
  timeBudgetMs?: number;
  /** Called before each rule: a scan worker waits there while the editor is served. */
  yieldPoint?: () => void;
}

export interface Analysis {
  findings: Finding[];
  model: ModuleModel;
  lines: LineIndex;
  /** Set when the time budget ran out: the code of the first rule that did not run. */
  stoppedBefore?: string;
}

export function enabledRules(options: AnalyzeOptions): Rule[] {
  return RULES.filter((rule) => (!options.select || options.select.has(rule.code)) && !options.ignore?.has(rule.code));
}

/** Runs every enabled rule over one parsed module; never reports inside or across parse errors. */
export function analyze(text: string, tree: SyntaxTree, options: AnalyzeOptions = {}): Analysis {
  return analyzeModel(ModuleModel.ofModule(text, tree), options);
}

/**
 * The same over a model built by the caller. A model with a focus gets the findings of the
 * statements it checks only (what the rules find elsewhere is dropped).
 */
export function analyzeModel(model: ModuleModel, options: AnalyzeOptions = {}, lines = new LineIndex(model.text), skip?: ReadonlySet<string>): Analysis {
  const findings: Finding[] = [];
  const suppressions = collectSuppressions(model, lines);
  let errorRanges: Array<[number, number]> | undefined;
  const errors = () => (errorRanges ??= model.syntaxErrors());
  if (suppressions.wholeFile) return { findings, model, lines };
  const targetVersion = options.targetVersion ?? '1.4-compatible';
  let deadline = performance.now() + (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS);
  let stoppedBefore: string | undefined;
  const rules = enabledRules(options);
  // One look for the words of every rule's text prefilter.
  const spelled = model.wordsSpelled([...new Set(rules.flatMap((rule) => rule.textWords ?? []))]);
  for (const rule of rules) {
    if (options.yieldPoint) {
      // Time spent waiting for the editor is not the file's.
      const before = performance.now();
      options.yieldPoint();
      deadline += performance.now() - before;
    }
    // A pathological file must not hold up the editor or CI: stop between rules when time is up.
    if (performance.now() > deadline) {
      stoppedBefore = rule.code;
      break;
    }
    if (rule.onlyForTarget && rule.onlyForTarget !== targetVersion) continue;
    if (skip?.has(rule.code)) continue;
    // Every SQLAlchemy name resolves through an import of it: a module without one has nothing to find.
    if (!model.usesSqlAlchemy && rule.needsSqlAlchemy !== false) continue;
    if (rule.textWords && !rule.textWords.some((word) => spelled.has(word))) continue;
    rule.check({
      model,
      targetVersion,
      models: options.models,
      filePath: options.filePath,
      report(node, message, fix?: Fix) {
        const start = 'startIndex' in node ? node.startIndex : node.start;
        const end = 'endIndex' in node ? node.endIndex : node.end;
        if (!rule.wholeModule && !model.isChecked(start)) return;
        if ('startIndex' in node && model.isInError(node)) return;
        if (suppressions.suppresses(lines.lineOf(start), rule.code)) return;
        // A fix may reach beyond its node (an import, a whole statement): never into broken code.
        const safeFix = fix && fix.edits.some((edit) => touchesError(errors(), edit)) ? undefined : fix;
        findings.push({ code: rule.code, id: rule.id, tier: rule.tier, message, start, end, fix: safeFix });
      },
    });
  }
  findings.sort((a, b) => a.start - b.start || a.end - b.end || a.code.localeCompare(b.code));
  return { findings, model, lines, stoppedBefore };
}

/** An edit touches an error when it overlaps it, or inserts strictly inside it. */
function touchesError(ranges: Array<[number, number]>, edit: { start: number; end: number }): boolean {
  return ranges.some(([s, e]) => (edit.start === edit.end ? edit.start > s && edit.start < e : edit.start < e && s < edit.end) || (s === e && edit.start <= s && s <= edit.end && edit.start !== edit.end));
}
