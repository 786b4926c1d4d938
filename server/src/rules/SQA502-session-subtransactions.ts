import type { Rule } from './types';
import { keywordName, keywordValue, checkedMethodCalls } from './helpers';
import { receiversOf } from '../semantics/receivers';

/**
 * SQA502 session-subtransactions: `session.begin(subtransactions=True)`.
 */
export const sessionSubtransactions: Rule = {
  code: 'SQA502',
  id: 'session-subtransactions',
  tier: 'removed',
  fixable: 'none',
  guide: { anchor: 'migration-20-session-subtransaction', title: 'Session "subtransaction" behavior removed' },
  docs: {
    summary: '`Session.begin(subtransactions=True)`',
    what: 'Flags `subtransactions=` with any value but a literal `False` in `begin()` on a Session or a `scoped_session`.',
    why: 'A "subtransaction" let nested code call `begin()` inside a transaction already begun, and made its `commit()` do nothing; only the outermost commit reached the database. 2.0 removes the flag: one `with session.begin():` at the outermost level marks the unit of work, and inner code just uses the session.',
    example: 'def save(session, obj):\n    session.begin(subtransactions=True)\n    session.add(obj)\n    session.commit()',
    useInstead: 'def save(session, obj):\n    session.add(obj)\n\n\nwith session.begin():\n    save(session, obj)',
    fixSafety: 'No automatic fix: the outermost transaction is decided by the callers. Move the `begin()` up to where the unit of work starts, or use the migration guide\'s `transaction(session)` helper, which begins only when no transaction is in progress.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['begin']))) {
      const kind = parts.object ? receivers.kindOf(parts.object) : 'unknown';
      if (kind !== 'session' && kind !== 'scopedSession') continue;
      for (const keyword of parts.keywords) {
        const value = keywordValue(keyword);
        if (keywordName(keyword) !== 'subtransactions' || value?.type === 'false' || value?.type === 'none') continue;
        context.report(keyword, 'Session.begin(subtransactions=True) is removed in 2.0; begin once, at the outermost level');
      }
    }
  },
};
