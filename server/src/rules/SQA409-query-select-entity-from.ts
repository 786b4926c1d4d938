import type { Rule } from './types';
import { checkedMethodCalls, methodSpan } from './helpers';
import { isQueryLike, receiversOf } from '../semantics/receivers';

/**
 * SQA409 query-select-entity-from: `query.select_entity_from(subquery)`.
 */
export const querySelectEntityFrom: Rule = {
  code: 'SQA409',
  id: 'query-select-entity-from',
  tier: 'removed',
  fixable: 'none',
  guide: { anchor: 'selecting-entities-from-alternative-selectables-query-select-entity-from', title: 'Selecting entities from alternative selectables; Query.select_entity_from()' },
  docs: {
    summary: '`Query.select_entity_from()`',
    what: 'Flags `select_entity_from()` called on a `session.query(...)` chain.',
    why: '`select_entity_from()` told the query to load its entity from another selectable and adapted every later use of the entity (criteria, ordering) to it behind the scenes. 2.0 removes it in favour of `aliased(Entity, subquery)`, which names the adapted entity so the code shows where each column comes from.',
    example: 'subq = session.query(User).filter(User.id > 5).subquery()\nusers = session.query(User).select_entity_from(subq).all()',
    useInstead: 'subq = session.query(User).filter(User.id > 5).subquery()\nua = aliased(User, subq)\nusers = session.query(ua).all()',
    fixSafety: 'No automatic fix: the query\'s later criteria and ordering name the entity and must be rewritten to use the `aliased()` name, a choice of names the code cannot make.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['select_entity_from']))) {
      if (!parts.object || !isQueryLike(receivers.kindOf(parts.object)) || model.isInError(parts.call)) continue;
      context.report(methodSpan(parts), 'Query.select_entity_from() is removed in 2.0; query aliased(Entity, subquery) instead');
    }
  },
};
