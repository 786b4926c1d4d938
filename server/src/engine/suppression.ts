import type { Node } from '../parse/parser';
import type { ModuleModel } from '../semantics/model';
import type { LineIndex } from './lines';

/** `# sqla-upgrade: ignore` or `# sqla-upgrade: ignore[SQA401, SQA402]` (not `ignore-file`). */
export const SUPPRESSION_PATTERN = /sqla-upgrade:\s*ignore(?!-)(?:\[([^\]]*)\])?/;
/** `# sqla-upgrade: ignore-file`: nothing in the file is reported. */
export const FILE_SUPPRESSION_PATTERN = /sqla-upgrade:\s*ignore-file\b/;

export interface Suppressions {
  /** Whether a comment on the line (0-based) ignores the code. */
  suppresses(line: number, code: string): boolean;
  wholeFile: boolean;
}

export function suppressedCodes(commentText: string): string[] | undefined {
  const match = SUPPRESSION_PATTERN.exec(commentText);
  if (!match) return undefined;
  return match[1] === undefined ? ['*'] : match[1].split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
}

/**
 * The module's suppression comments. Only comments that spell the tool's name can suppress
 * anything: the file-wide one is found by its text, the others line by line when a finding is
 * reported there (an edit re-checks a few statements; their lines are all that is looked at).
 */
export function collectSuppressions(model: ModuleModel, lines: LineIndex): Suppressions {
  let wholeFile = false;
  // Every comment lies in a top-level statement; those spelling `ignore` are all worth a look.
  const spans = model.unitsSpellingAny(['ignore'])?.map((i) => model.unitSpan(i)) ?? [{ start: 0, end: model.text.length }];
  for (const { start, end } of spans) {
    const unitText = model.text.slice(start, end);
    for (let at = unitText.indexOf('ignore-file'); at !== -1 && !wholeFile; at = unitText.indexOf('ignore-file', at + 1)) {
      const comment = commentAt(model, start + at);
      if (comment && FILE_SUPPRESSION_PATTERN.test(comment.text)) wholeFile = true;
    }
  }
  const byLine = new Map<number, Set<string>>();
  const codesOn = (line: number): Set<string> => {
    let codes = byLine.get(line);
    if (codes) return codes;
    codes = new Set();
    const start = lines.lineStart(line);
    const lineText = model.text.slice(start, lines.lineEnd(line));
    for (let at = lineText.indexOf('sqla-upgrade'); at !== -1; at = lineText.indexOf('sqla-upgrade', at + 1)) {
      const comment = commentAt(model, start + at);
      for (const code of (comment && suppressedCodes(comment.text)) ?? []) codes.add(code);
    }
    byLine.set(line, codes);
    return codes;
  };
  return {
    wholeFile,
    suppresses(line, code) {
      const codes = codesOn(line);
      return codes.has('*') || codes.has(code);
    },
  };
}

function commentAt(model: ModuleModel, offset: number): Node | undefined {
  const node = model.descendantForIndex(offset);
  return node?.type === 'comment' ? node : undefined;
}
