import type { Rule } from './types';
import { keywordName, keywordValue, checkedMethodCalls } from './helpers';
import { isQueryLike, receiversOf } from '../semantics/receivers';

/** `join()` keywords that 2.0 removes; a literal `False` / `None` changes nothing and is left alone. */
const REMOVED_KEYWORDS = new Set(['aliased', 'from_joinpoint']);

/**
 * SQA407 join-aliased-flag: `query.join(..., aliased=True)` and `from_joinpoint=True`.
 */
export const joinAliasedFlag: Rule = {
  code: 'SQA407',
  id: 'join-aliased-flag',
  tier: 'removed',
  fixable: 'none',
  guide: { anchor: 'migration-20-query-join-options', title: 'ORM Query - join(..., aliased=True), from_joinpoint removed' },
  docs: {
    summary: '`Query.join()` with `aliased=True` or `from_joinpoint=True`',
    what: 'Flags the `aliased=` and `from_joinpoint=` keywords of `Query.join()` / `outerjoin()`, unless their value is a literal `False` or `None`.',
    why: '`aliased=True` made the query alias the joined entity behind the scenes and rewrite later `filter()` criteria to use that alias; `from_joinpoint=True` continued a join from the last alias. 2.0 removes both: an explicit `aliased()` entity joined with `.of_type()` says the same thing visibly.',
    example: 'n1 = session.query(Node).join(Node.children, aliased=True).filter(Node.name == "child").all()',
    useInstead: 'child = aliased(Node)\nn1 = session.query(Node).join(Node.children.of_type(child)).filter(child.name == "child").all()',
    fixSafety: 'No automatic fix: which later criteria were adapted to the hidden alias depends on the order of the calls, and the alias needs a name; rewrite with `aliased()` and `.of_type()` by hand.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['join', 'outerjoin']))) {
      if (!parts.object || !isQueryLike(receivers.kindOf(parts.object))) continue;
      for (const keyword of parts.keywords) {
        const name = keywordName(keyword) ?? '';
        const value = keywordValue(keyword);
        if (!REMOVED_KEYWORDS.has(name) || value?.type === 'false' || value?.type === 'none') continue;
        context.report(keyword, `Query.${parts.method}(${name}=...) is removed in 2.0; join an explicit aliased() entity with .of_type()`);
      }
    }
  },
};
