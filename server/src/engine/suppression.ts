import type { ModuleModel } from '../semantics/model';
import type { LineIndex } from './lines';

export const SUPPRESSION_PATTERN = /sqla-upgrade:\s*ignore(?!-)(?:\[([^\]]*)\])?/;

/** Line number -> codes ignored there ('*' for all), from `# sqla-upgrade: ignore[SQA401]` comments. */
export function collectSuppressions(model: ModuleModel, lines: LineIndex): Map<number, Set<string>> {
  const byLine = new Map<number, Set<string>>();
  for (const comment of model.nodes('comment')) {
    const match = SUPPRESSION_PATTERN.exec(comment.text);
    if (!match) continue;
    const codes = match[1] === undefined ? ['*'] : match[1].split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
    const line = lines.lineOf(comment.startIndex);
    const set = byLine.get(line) ?? new Set<string>();
    for (const code of codes) set.add(code);
    byLine.set(line, set);
  }
  return byLine;
}

export function isSuppressed(suppressions: Map<number, Set<string>>, line: number, code: string): boolean {
  const codes = suppressions.get(line);
  return !!codes && (codes.has('*') || codes.has(code));
}
