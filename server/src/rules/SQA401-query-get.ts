import type { Rule } from './types';
import { checkedMethodCalls } from './helpers';
import { receiversOf } from '../semantics/receivers';
import { resolveQuery } from '../semantics/queryChain';

/**
 * SQA401 query-get: `session.query(User).get(5)` becomes `session.get(User, 5)`.
 */
export const queryGet: Rule = {
  code: 'SQA401',
  id: 'query-get',
  tier: 'legacy',
  fixable: 'safe',
  guide: { anchor: 'migration-20-get-to-session', title: 'ORM Query - get() method moves to Session' },
  docs: {
    summary: '`Query.get()` used to load by primary key',
    what: 'Flags `session.query(Entity).get(pk)`.',
    why: 'Loading by primary key is an operation of the Session in 2.0: `Session.get()` looks in the identity map first and emits a SELECT only when needed, exactly as `Query.get()` did. `Query.get()` is legacy and emits `LegacyAPIWarning` in 1.4.',
    example: 'user = session.query(User).get(5)',
    useInstead: 'user = session.get(User, 5)',
    fixSafety: 'Safe: `Session.get()` has the same semantics (identity map, then SELECT, `None` when absent) on 1.4 and 2.0. Only the plain form is fixed: `session.query(Entity)` written inline, held in a variable assigned once in the same scope, or returned by a function of this module that only builds and returns it; a query with builders is flagged for a manual rewrite.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['get']))) {
      if (!parts.object || receivers.kindOf(parts.object) !== 'query') continue;
      const message = 'Query.get() is legacy; use Session.get(Entity, pk)';
      // Inline, or held in a variable, or returned by a function of this module that only builds it.
      const query = resolveQuery(model, parts.object, parts.call);
      const pk = parts.positional[0];
      const plain = query && query.chain.builders.length === 0 && query.entityTexts.length === 1 && query.shape === 'entity';
      if (!query || !plain || !pk || parts.positional.length !== 1 || parts.keywords.length + parts.splats.length > 0) {
        context.report(parts.call, message);
        continue;
      }
      const newText = `${query.sessionText}.get(${query.entityTexts[0]}, ${model.textOf(pk)})`;
      context.report(parts.call, message, {
        title: 'Use Session.get()',
        safety: 'safe',
        edits: [{ start: parts.call.startIndex, end: parts.call.endIndex, newText }],
      });
    }
  },
};
