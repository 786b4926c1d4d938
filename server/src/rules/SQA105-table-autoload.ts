import type { Rule } from './types';
import { boundMetadata } from '../semantics/boundMetadata';

/**
 * SQA105 table-autoload: `Table(..., autoload=True)` reflecting through bound metadata.
 */
export const tableAutoload: Rule = {
  code: 'SQA105',
  id: 'table-autoload',
  tier: 'removed',
  fixable: 'review',
  guide: { anchor: 'migration-20-implicit-execution', title: '"Implicit" and "Connectionless" execution, "bound metadata" removed' },
  docs: {
    summary: '`Table(..., autoload=True)` reflecting through bound metadata',
    what: 'Flags `autoload=True` on a `Table` whose MetaData is bound to an engine in the same file.',
    why: 'The `autoload` flag is removed in 2.0; reflection takes the engine directly through `autoload_with=`.',
    example: 'users = Table("users", metadata, autoload=True)',
    useInstead: 'users = Table("users", metadata, autoload_with=engine)',
    fixSafety: 'Needs review: `autoload=True` becomes `autoload_with=<the bound engine>`, which reflects through the same engine; check that the engine in scope at the table is the one that was bound.',
  },
  check(context) {
    for (const use of boundMetadata(context.model).uses) {
      if (use.kind !== 'autoload') continue;
      const fix = use.fix && { title: 'Reflect with autoload_with=engine', safety: 'review' as const, edits: [use.fix] };
      context.report(use.node, 'autoload=True is removed in 2.0; use autoload_with=engine', fix);
    }
  },
};
