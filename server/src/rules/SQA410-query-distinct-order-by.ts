import type { Rule } from './types';
import { checkedMethodCalls } from './helpers';
import { isQueryLike, receiversOf } from '../semantics/receivers';
import { outermostCall, queryRootOf } from '../semantics/queryRoot';
import { unselectedOrderTerms } from '../semantics/distinctOrderBy';

/**
 * SQA410 query-distinct-order-by: `query.distinct().order_by(Other.column)` where the column is not selected.
 */
export const queryDistinctOrderBy: Rule = {
  code: 'SQA410',
  id: 'query-distinct-order-by',
  tier: 'removed',
  fixable: 'none',
  guide: { anchor: 'migration-20-query-distinct', title: 'Using DISTINCT with additional columns, but only select the entity' },
  docs: {
    summary: '`Query.distinct()` ordered by a column the query does not select',
    what: 'Flags the ORDER BY terms of a `session.query(...)` chain with `distinct()` that sort on a column of another entity (`Address.email` in a query of `User`) or on a column that is not among the selected ones.',
    why: 'A database only accepts ORDER BY on a DISTINCT query for columns that are selected. `Query` added such columns to the SELECT behind the scenes and dropped them from the results; `select()` does not (already in 1.4) and 2.0\'s `Query` no longer does either, so the statement fails on most databases, or the DISTINCT stops meaning what it did.',
    example: 'users = session.query(User).join(User.addresses).distinct().order_by(Address.email).all()',
    useInstead: 'stmt = select(User, Address.email).join(User.addresses).distinct().order_by(Address.email)\nusers = session.execute(stmt).columns(User).all()',
    fixSafety: 'No automatic fix: the column must be added to the selected ones and the rows narrowed back to the entity with `Result.columns()`, which changes the shape of the query and how its results are read.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    const seen = new Set<number>();
    for (const parts of checkedMethodCalls(model, new Set(['order_by']))) {
      if (!parts.object || !isQueryLike(receivers.kindOf(parts.object))) continue;
      const chain = outermostCall(parts.call);
      const root = queryRootOf(model, chain);
      // One report per chain, whichever of its order_by() calls is met first.
      if (!root || root.kind === 'select' || seen.has(chain.id)) continue;
      seen.add(chain.id);
      for (const term of unselectedOrderTerms(model, root.entities, root.builders)) {
        context.report(term, 'DISTINCT query ordered by a column it does not select: 2.0 no longer adds the column to the SELECT');
      }
    }
  },
};
