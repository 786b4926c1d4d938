import type { ModuleModel, UnitSummary } from './model';

/**
 * Facts about single top-level statements, kept as plain data (strings, offsets relative to the
 * statement's start; never tree nodes, whose tree is gone after the next parse) with the summary
 * an incremental analysis carries for the statement. That summary is the same object while the
 * statement's text is unchanged, so a later analysis reuses the facts of statements it does not
 * check. Facts that also depend on something module-wide are kept with that context and reused
 * only while it is the same.
 */
export class StatementFacts<T> {
  private readonly kept = new WeakMap<UnitSummary, { context: unknown; facts: T }>();

  /**
   * The facts of statement `i`: kept ones when the statement is not checked and `context` is the
   * same (`===`: pass interned strings, see `ContextStrings`), else `compute()`'s, kept for later.
   */
  of(model: ModuleModel, i: number, compute: () => T, context?: unknown): T {
    const carried = model.carriedSummary(i);
    if (carried && !model.isUnitChecked(i)) {
      const earlier = this.kept.get(carried);
      if (earlier && earlier.context === context) return earlier.facts;
    }
    const facts = compute();
    if (model.storesStatementFacts) this.kept.set(carried ?? model.summaryOf(i), { context, facts });
    return facts;
  }
}

/**
 * Recent context strings, so that an equal context built again is replaced by the very string
 * kept facts hold: comparing them is then a pointer test, not a walk over a long string for every
 * statement.
 */
export class ContextStrings {
  private readonly recent: string[] = [];

  constructor(private readonly limit = 8) {}

  intern(context: string): string {
    const index = this.recent.indexOf(context);
    if (index === 0) return this.recent[0];
    const kept = index > 0 ? this.recent.splice(index, 1)[0] : context;
    this.recent.unshift(kept);
    if (this.recent.length > this.limit) this.recent.pop();
    return kept;
  }
}

/** Statements whose start lies in `start`..`end` or who hold part of it, in source order. */
export function unitsOverlapping(model: ModuleModel, start: number, end: number): number[] {
  // The first statement ending after `start`: statements are sorted and do not overlap.
  let low = 0;
  let high = model.unitCount;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (model.unitSpan(mid).end <= start) low = mid + 1;
    else high = mid;
  }
  const result: number[] = [];
  for (let i = low; i < model.unitCount && model.unitSpan(i).start < end; i++) result.push(i);
  return result;
}
