import type { Node } from '../parse/parser';
import type { ModuleModel } from '../semantics/model';
import type { LineIndex } from './lines';

/** `# sqla-upgrade: ignore` or `# sqla-upgrade: ignore[SQA401, SQA402]` (not `ignore-file`). */
export const SUPPRESSION_PATTERN = /sqla-upgrade:\s*ignore(?!-)(?:\[([^\]]*)\])?/;
/** `# sqla-upgrade: ignore-file`: nothing in the file is reported. */
export const FILE_SUPPRESSION_PATTERN = /sqla-upgrade:\s*ignore-file\b/;

export interface Suppressions {
  /** Line number -> codes ignored there ('*' for all). */
  byLine: Map<number, Set<string>>;
  wholeFile: boolean;
}

export function suppressedCodes(commentText: string): string[] | undefined {
  const match = SUPPRESSION_PATTERN.exec(commentText);
  if (!match) return undefined;
  return match[1] === undefined ? ['*'] : match[1].split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
}

export function collectSuppressions(model: ModuleModel, lines: LineIndex): Suppressions {
  const byLine = new Map<number, Set<string>>();
  let wholeFile = false;
  // Only comments that spell the tool's name can suppress anything: find the name in the text,
  // then the comment there, without looking at any statement's nodes.
  const comments = new Map<number, Node>();
  for (let at = model.text.indexOf('sqla-upgrade'); at !== -1; at = model.text.indexOf('sqla-upgrade', at + 1)) {
    const node = model.root.descendantForIndex(at);
    if (node?.type === 'comment') comments.set(node.startIndex, node);
  }
  for (const comment of comments.values()) {
    if (FILE_SUPPRESSION_PATTERN.test(comment.text)) wholeFile = true;
    const codes = suppressedCodes(comment.text);
    if (!codes) continue;
    const line = lines.lineOf(comment.startIndex);
    const set = byLine.get(line) ?? new Set<string>();
    for (const code of codes) set.add(code);
    byLine.set(line, set);
  }
  return { byLine, wholeFile };
}

export function isSuppressed(byLine: Map<number, Set<string>>, line: number, code: string): boolean {
  const codes = byLine.get(line);
  return !!codes && (codes.has('*') || codes.has(code));
}
