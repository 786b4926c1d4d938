import type { Tree } from '../parse/parser';
import { ModuleModel } from '../semantics/model';
import { RULES } from '../rules/index';
import type { Finding, Fix, Rule } from '../rules/types';
import { LineIndex } from './lines';
import { collectSuppressions, isSuppressed } from './suppression';

export interface AnalyzeOptions {
  /** Codes to run; all when absent. */
  select?: ReadonlySet<string>;
  ignore?: ReadonlySet<string>;
  /** `1.4-compatible` (default): only fixes that run on 1.4 and 2.0; `2.0`: also 2.0-only forms. */
  targetVersion?: '1.4-compatible' | '2.0';
}

export interface Analysis {
  findings: Finding[];
  model: ModuleModel;
  lines: LineIndex;
}

export function enabledRules(options: AnalyzeOptions): Rule[] {
  return RULES.filter((rule) => (!options.select || options.select.has(rule.code)) && !options.ignore?.has(rule.code));
}

/** Runs every enabled rule over one parsed module; never reports inside or across parse errors. */
export function analyze(text: string, tree: Tree, options: AnalyzeOptions = {}): Analysis {
  const model = new ModuleModel(text, tree);
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  const suppressions = collectSuppressions(model, lines);
  if (suppressions.wholeFile) return { findings, model, lines };
  for (const rule of enabledRules(options)) {
    rule.check({
      model,
      targetVersion: options.targetVersion ?? '1.4-compatible',
      report(node, message, fix?: Fix) {
        const start = 'startIndex' in node ? node.startIndex : node.start;
        const end = 'endIndex' in node ? node.endIndex : node.end;
        if ('startIndex' in node && model.isInError(node)) return;
        if (isSuppressed(suppressions.byLine, lines.lineOf(start), rule.code)) return;
        findings.push({ code: rule.code, id: rule.id, tier: rule.tier, message, start, end, fix });
      },
    });
  }
  findings.sort((a, b) => a.start - b.start || a.end - b.end || a.code.localeCompare(b.code));
  return { findings, model, lines };
}
