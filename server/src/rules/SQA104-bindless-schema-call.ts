import type { Rule } from './types';
import { checkedBindlessUses } from '../semantics/boundMetadata';

/**
 * SQA104 bindless-schema-call: `metadata.create_all()` relying on a bound engine.
 */
export const bindlessSchemaCall: Rule = {
  code: 'SQA104',
  id: 'bindless-schema-call',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'migration-20-implicit-execution', title: '"Implicit" and "Connectionless" execution, "bound metadata" removed' },
  docs: {
    summary: '`create_all()`, `drop_all()` or `reflect()` called without an engine',
    what: 'Flags `metadata.create_all()`, `drop_all()` and `reflect()` with no engine or connection, on a MetaData bound in the same file (or the `metadata` of a bound declarative base).',
    why: 'Without bound metadata (removed in 2.0) these calls have nowhere to run; they take the engine or connection as their first argument.',
    example: 'metadata = MetaData(bind=engine)\nmetadata.create_all()',
    useInstead: 'metadata = MetaData(bind=engine)\nmetadata.create_all(engine)',
    fixSafety: 'Safe: the engine the metadata is bound to is passed explicitly, which 1.4 and 2.0 treat the same. Offered only when that engine\'s name means the same at the call.',
  },
  check(context) {
    for (const use of checkedBindlessUses(context.model)) {
      if (use.kind !== 'schema-call') continue;
      const fix = use.fix && { title: 'Pass the engine explicitly', safety: 'safe' as const, edits: [use.fix] };
      context.report(use.node, 'Schema operations need an explicit engine or connection in 2.0', fix);
    }
  },
};
