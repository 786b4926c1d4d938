import type { Rule } from './types';
import { SUPPRESSION_PATTERN } from '../engine/suppression';
import { ruleByCode } from './index';

/** Not a rule, but a code a comment may silence: a recorded runtime warning no finding explains. */
const RUNTIME_WARNING_CODE = 'SQA000';
const isKnown = (code: string) => !!ruleByCode(code) || code.toUpperCase() === RUNTIME_WARNING_CODE;

/**
 * SQA001 unknown-suppression-code: `# sqla-upgrade: ignore[...]` naming a code that does not exist.
 */
export const unknownSuppressionCode: Rule = {
  code: 'SQA001',
  id: 'unknown-suppression-code',
  tier: 'pitfall',
  fixable: 'safe',
  needsSqlAlchemy: false,
  // Suppression comments spell `sqla-upgrade`, whose first word is this.
  textWords: ['sqla'],
  guide: { anchor: 'migration-20-overview', title: 'Overview' },
  docs: {
    summary: 'a suppression comment names an unknown rule code',
    what: 'Flags codes in `# sqla-upgrade: ignore[...]` comments that are not rule codes of this tool.',
    why: 'A misspelled code silences nothing, so the finding it was meant for stays, or a later real finding on that line is hidden by a bare `ignore` the author did not intend. Reporting it keeps suppressions honest.',
    example: 'user = session.query(User).get(5)  # sqla-upgrade: ignore[SQA999]',
    useInstead: 'user = session.query(User).get(5)  # sqla-upgrade: ignore[SQA401]',
    fixSafety: 'Safe: the unknown code is removed from the list (the whole comment when it was the only code); nothing else changes.',
  },
  check(context) {
    const { model } = context;
    for (const comment of model.checkedNodes('comment')) {
      const match = SUPPRESSION_PATTERN.exec(comment.text);
      if (!match || match[1] === undefined) continue;
      const listStart = comment.startIndex + match.index + match[0].indexOf('[') + 1;
      const entries = [...match[1].matchAll(/[^,\s][^,]*/g)].map((m) => ({ code: m[0].trim(), start: listStart + m.index! }));
      const known = entries.filter((e) => isKnown(e.code));
      for (const entry of entries) {
        if (isKnown(entry.code)) continue;
        const remaining = known.map((e) => e.code.toUpperCase()).join(', ');
        // With nothing left, the whole comment goes, with the spaces before it.
        const commentStart = comment.startIndex;
        const lead = model.text.slice(0, commentStart).match(/[ \t]*$/)![0].length;
        const edit = known.length === 0
          ? { start: commentStart - lead, end: comment.endIndex, newText: '' }
          : { start: listStart, end: listStart + match[1].length, newText: remaining };
        context.report({ start: entry.start, end: entry.start + entry.code.length }, `Unknown rule code \`${entry.code}\` in a suppression comment`, {
          title: 'Remove the unknown code',
          safety: 'safe',
          edits: [edit],
        });
      }
    }
  },
};
