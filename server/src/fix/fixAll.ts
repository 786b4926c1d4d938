import type { Parser } from 'web-tree-sitter';
import { parseText, type Tree } from '../parse/parser';
import { ChunkedTree, rootsOf, type SyntaxTree } from '../parse/chunkedTree';
import { analyze, type AnalyzeOptions } from '../engine/analyze';
import type { Finding, Fix } from '../rules/types';
import { applyEdits, selectCompatible } from './apply';

export interface FixAllOptions extends AnalyzeOptions {
  /** Also apply fixes marked needs-review. */
  includeReview?: boolean;
  /** Only fixes of these codes. */
  codes?: ReadonlySet<string>;
  maxPasses?: number;
  /**
   * Asked before a fix that also edits other files is applied, with the external edits of the fixes
   * accepted so far: false drops the fix (say, the other file changed). Absent, every such fix is taken.
   */
  acceptExternal?: (edits: ExternalEdits, accepted: readonly ExternalFix[]) => boolean;
}

export type ExternalEdits = NonNullable<Fix['externalEdits']>;

/** A fix applied to this text whose edits to other files are the caller's to apply. */
export interface ExternalFix extends AppliedFix {
  externalEdits: ExternalEdits;
}

export interface AppliedFix {
  code: string;
  title: string;
}

export interface RejectedFix extends AppliedFix {
  reason: string;
}

export interface FixAllResult {
  text: string;
  applied: AppliedFix[];
  rejected: RejectedFix[];
  passes: number;
  /** Edits to other files made by the applied fixes, one entry per fix. */
  external: ExternalFix[];
}

/** ERROR and MISSING nodes: what a fix must never add. */
export function countSyntaxErrors(tree: SyntaxTree): number {
  let count = 0;
  for (const root of rootsOf(tree)) {
    if (!root.hasError) continue;
    const cursor = root.walk();
    let descending = true;
    for (;;) {
      if (descending) {
        const node = cursor.currentNode;
        if (node.isError || node.isMissing) count++;
        if (node.hasError && cursor.gotoFirstChild()) continue;
      }
      if (cursor.gotoNextSibling()) {
        descending = true;
        continue;
      }
      if (!cursor.gotoParent()) break;
      descending = false;
    }
    cursor.delete();
  }
  return count;
}

/**
 * The syntax errors a fix is measured against: those of the text parsed whole, as the fixed text
 * is (a document's chunks keep an error in its chunk, where one tree may spread it).
 */
function errorsOfWholeText(parser: Parser, text: string, tree: SyntaxTree): number {
  if (!(tree instanceof ChunkedTree)) return countSyntaxErrors(tree);
  if (!tree.hasError) return 0;
  // One parse per version: code actions ask for every finding under the cursor.
  let count = wholeTextErrors.get(tree);
  if (count === undefined) {
    const whole = parseText(parser, text);
    count = countSyntaxErrors(whole);
    whole.delete();
    wholeTextErrors.set(tree, count);
  }
  return count;
}

/** Per version of a chunked document (each edit makes a new tree object): its whole text's error count. */
const wholeTextErrors = new WeakMap<ChunkedTree, number>();

export function isFixWanted(finding: Finding, options: FixAllOptions): finding is Finding & { fix: Fix } {
  if (!finding.fix) return false;
  if (finding.fix.safety === 'review' && !options.includeReview) return false;
  return !options.codes || options.codes.has(finding.code);
}

/** Applies one fix and re-parses; undefined when the result has more syntax errors than the input. */
export function applyGuarded(parser: Parser, text: string, tree: Tree, fix: Fix): { text: string; tree: Tree } | undefined {
  const next = applyEdits(text, fix.edits);
  const nextTree = parseText(parser, next);
  if (countSyntaxErrors(nextTree) > countSyntaxErrors(tree)) {
    nextTree.delete();
    return undefined;
  }
  return { text: next, tree: nextTree };
}

/** True when the fix leaves the text with no more syntax errors than it had. */
export function keepsSyntax(parser: Parser, text: string, tree: SyntaxTree, fix: Fix): boolean {
  const fixed = parseText(parser, applyEdits(text, fix.edits));
  try {
    return countSyntaxErrors(fixed) <= errorsOfWholeText(parser, text, tree);
  } finally {
    fixed.delete();
  }
}

/**
 * Applies wanted fixes until none is left (a fix can reveal another, as `engine.execute("...")`
 * becoming `conn.execute("...")` does), in at most `maxPasses` passes. Every pass is re-parsed;
 * a batch that adds syntax errors is retried fix by fix and the offenders are dropped.
 */
export function fixAll(parser: Parser, text: string, options: FixAllOptions = {}): FixAllResult {
  const maxPasses = options.maxPasses ?? 8;
  const applied: AppliedFix[] = [];
  const rejected: RejectedFix[] = [];
  const rejectedKeys = new Set<string>();
  const external: ExternalFix[] = [];
  const collectExternal = (f: Finding & { fix: Fix }) => {
    if (f.fix.externalEdits?.length) external.push({ code: f.code, title: f.fix.title, externalEdits: f.fix.externalEdits });
  };
  let current = text;
  let tree = parseText(parser, current);
  let passes = 0;
  try {
    while (passes < maxPasses) {
      const { findings } = analyze(current, tree, options);
      const keyOf = (f: Finding) => `${f.code}\u0000${current.slice(f.start, f.end)}\u0000${f.fix?.title}`;
      const candidates = findings.filter((f): f is Finding & { fix: Fix } => isFixWanted(f, options) && !rejectedKeys.has(keyOf(f)));
      // A fix whose other-file edits cannot go in is dropped whole; each check counts the ones taken before it.
      const tentative: ExternalFix[] = [];
      const wanted = candidates.filter((f) => {
        const edits = f.fix.externalEdits;
        if (!edits?.length || !options.acceptExternal) return true;
        if (options.acceptExternal(edits, [...external, ...tentative])) {
          tentative.push({ code: f.code, title: f.fix.title, externalEdits: edits });
          return true;
        }
        rejectedKeys.add(keyOf(f));
        rejected.push({ code: f.code, title: f.fix.title, reason: `its edits to ${edits.map((e) => e.file).join(', ')} do not apply` });
        return false;
      });
      if (wanted.length === 0) break;
      passes++;
      const chosen = selectCompatible(wanted.map((f) => f.fix));
      const chosenFindings = wanted.filter((f) => chosen.includes(f.fix));
      const batch = applyEdits(current, chosen.flatMap((fix) => fix.edits));
      const batchTree = parseText(parser, batch);
      if (countSyntaxErrors(batchTree) <= countSyntaxErrors(tree)) {
        tree.delete();
        current = batch;
        tree = batchTree;
        for (const f of chosenFindings) {
          applied.push({ code: f.code, title: f.fix.title });
          collectExternal(f);
        }
        continue;
      }
      batchTree.delete();
      // Drop the fixes that break the syntax on their own; apply the first sound one alone, the rest wait.
      let sound: { finding: Finding & { fix: Fix }; text: string; tree: Tree } | undefined;
      for (const f of chosenFindings) {
        const result = applyGuarded(parser, current, tree, f.fix);
        if (!result) {
          rejectedKeys.add(keyOf(f));
          rejected.push({ code: f.code, title: f.fix.title, reason: 'the fix would introduce a syntax error' });
        } else if (!sound) sound = { finding: f, ...result };
        else result.tree.delete();
      }
      if (sound) {
        tree.delete();
        current = sound.text;
        tree = sound.tree;
        applied.push({ code: sound.finding.code, title: sound.finding.fix.title });
        collectExternal(sound.finding);
      }
    }
  } finally {
    tree.delete();
  }
  return { text: current, applied, rejected, passes, external };
}
