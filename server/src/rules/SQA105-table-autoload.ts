import type { Rule } from './types';
import { callParts, keywordName, keywordValue, removeArgumentEdit } from './helpers';
import { checkedBindlessUses } from '../semantics/boundMetadata';

const TABLE_CLASSES = new Set(['sqlalchemy.Table', 'sqlalchemy.schema.Table']);
const MESSAGE = 'autoload=True is removed in 2.0; use autoload_with=engine';

/**
 * SQA105 table-autoload: `Table(..., autoload=True)`, a flag 2.0 no longer accepts.
 */
export const tableAutoload: Rule = {
  code: 'SQA105',
  id: 'table-autoload',
  tier: 'removed',
  fixable: 'mixed',
  guide: { anchor: 'migration-20-implicit-execution', title: '"Implicit" and "Connectionless" execution, "bound metadata" removed' },
  docs: {
    summary: '`Table(..., autoload=True)` instead of `autoload_with=engine`',
    what: 'Flags `autoload=True` on a `Table`: reflecting through a MetaData bound to an engine, or next to an `autoload_with=` that makes it redundant.',
    why: 'The `autoload` flag is removed in 2.0 (a `Table` given it raises `TypeError`); reflection takes the engine directly through `autoload_with=`.',
    example: 'users = Table("users", metadata, autoload=True)\norders = Table("orders", metadata, autoload=True, autoload_with=engine)',
    useInstead: 'users = Table("users", metadata, autoload_with=engine)\norders = Table("orders", metadata, autoload_with=engine)',
    fixSafety: 'Safe when `autoload_with=` is already there: `autoload=True` is dropped, and `autoload_with=` alone reflects the same way. Otherwise it needs review: `autoload=True` becomes `autoload_with=<the bound engine>`, which reflects through the same engine; check that the engine in scope at the table is the one that was bound. When the MetaData is not bound in the same file, the engine is unknown and no fix is offered.',
  },
  check(context) {
    const { model } = context;
    const seen = new Set<number>();
    for (const use of checkedBindlessUses(model)) {
      if (use.kind !== 'autoload') continue;
      seen.add(use.node.id);
      const fix = use.fix && { title: 'Reflect with autoload_with=engine', safety: 'review' as const, edits: [use.fix] };
      context.report(use.node, MESSAGE, fix);
    }
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      const qualified = parts && model.qualifiedName(parts.fn);
      if (!parts || !qualified || !TABLE_CLASSES.has(qualified)) continue;
      const autoload = parts.keywords.find((k) => keywordName(k) === 'autoload' && keywordValue(k)?.type === 'true');
      if (!autoload || seen.has(autoload.id)) continue;
      // Without autoload_with the engine lives wherever the MetaData was bound: not known here.
      if (!parts.keywords.some((k) => keywordName(k) === 'autoload_with')) {
        context.report(autoload, MESSAGE);
        continue;
      }
      context.report(autoload, 'autoload=True is removed in 2.0; autoload_with= already reflects the table', {
        title: 'Remove autoload=True',
        safety: 'safe',
        edits: [removeArgumentEdit(model, parts.argumentList, autoload)],
      });
    }
  },
};
