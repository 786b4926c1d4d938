import type { Rule } from './types';
import { checkedMethodCalls, methodSpan } from './helpers';
import { isQueryLike, receiversOf } from '../semantics/receivers';

/**
 * SQA408 query-from-self: `query.from_self(...)`.
 */
export const queryFromSelf: Rule = {
  code: 'SQA408',
  id: 'query-from-self',
  tier: 'removed',
  fixable: 'none',
  guide: { anchor: 'migration-20-query-from-self', title: 'Selecting from the query itself as a subquery, e.g. "from_self()"' },
  docs: {
    summary: '`Query.from_self()`',
    what: 'Flags `from_self()` called on a `session.query(...)` chain.',
    why: '`from_self()` wrapped the query in a subquery and then silently rewrote the entities, criteria and ordering that followed to select from that subquery. 2.0 removes it: the query becomes an explicit `.subquery()` and `aliased(Entity, subquery)` names each entity read from it.',
    example: 'q = session.query(User, Address.email).join(User.addresses).from_self(User).order_by(Address.email)',
    useInstead: 'subq = session.query(User, Address.email).join(User.addresses).subquery()\nua = aliased(User, subq)\naa = aliased(Address, subq)\nq = session.query(ua).order_by(aa.email)',
    fixSafety: 'No automatic fix: each entity and column used after `from_self()` must be re-pointed at the subquery through its own `aliased()` name, which the code does not spell out.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['from_self']))) {
      if (!parts.object || !isQueryLike(receivers.kindOf(parts.object)) || model.isInError(parts.call)) continue;
      context.report(methodSpan(parts), 'Query.from_self() is removed in 2.0; select from aliased(Entity, query.subquery()) instead');
    }
  },
};
