import type { UnitSummary } from './model';

/**
 * Which top-level statements spell each word, by their summaries. An editor's document keeps one
 * from edit to edit and updates it for the statements an edit replaced, so that "the statements
 * spelling X" costs the statements found, not a look at every statement of a long module.
 */
export class WordIndex {
  private readonly byWord = new Map<string, Set<UnitSummary>>();

  static of(summaries: Iterable<UnitSummary>): WordIndex {
    const index = new WordIndex();
    for (const summary of summaries) index.add(summary);
    return index;
  }

  add(summary: UnitSummary): void {
    for (const word of summary.words) {
      const spelling = this.byWord.get(word);
      if (spelling) spelling.add(summary);
      else this.byWord.set(word, new Set([summary]));
    }
  }

  remove(summary: UnitSummary): void {
    for (const word of summary.words) {
      const spelling = this.byWord.get(word);
      if (!spelling) continue;
      spelling.delete(summary);
      if (spelling.size === 0) this.byWord.delete(word);
    }
  }

  /** Summaries of the statements that spell the word (possibly some the caller no longer has). */
  spelling(word: string): ReadonlySet<UnitSummary> | undefined {
    return this.byWord.get(word);
  }
}
