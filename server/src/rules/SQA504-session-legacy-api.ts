import type { Rule } from './types';
import { checkedMethodCalls } from './helpers';
import { receiversOf, type ReceiverKind } from '../semantics/receivers';
import { SESSION_CLASSES } from '../semantics/names';
import { CLOSE_ALL_SESSIONS_FUNCTIONS } from '../semantics/ormNames';
import { ensureImported } from '../fix/imports';

/** Objects whose `close_all()` is the deprecated class method of Session. */
const SESSION_KINDS = new Set<ReceiverKind>(['session', 'scopedSession', 'sessionFactory']);

/**
 * SQA504 session-legacy-api: `Session.close_all()` and `session.transaction`.
 */
export const sessionLegacyApi: Rule = {
  code: 'SQA504',
  id: 'session-legacy-api',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'migration-to-2-0-step-five-use-the-future-flag-on-session', title: 'Migration to 2.0 Step Five - Use the future flag on Session' },
  docs: {
    summary: '`Session.close_all()` and the `Session.transaction` attribute',
    what: 'Flags `close_all()` called on the `Session` class, a session, a `sessionmaker` or a `scoped_session`, and reads of `session.transaction`.',
    why: '`Session.close_all()` has been deprecated since 1.3 in favour of the function `close_all_sessions()`, and is gone in 2.0. `Session.transaction` is removed in 2.0: `session.get_transaction()` returns the current root transaction, and `with session.begin():` replaces its use as a context manager.',
    example: 'Session.close_all()\nroot = session.transaction',
    useInstead: 'from sqlalchemy.orm import close_all_sessions\nclose_all_sessions()\nroot = session.get_transaction()',
    fixSafety: 'Safe for `close_all()`: whatever it is called on, it closes every session in memory, which is what `close_all_sessions()` does (imported from `sqlalchemy.orm`). `session.transaction` is flagged only: it began a transaction when none was in progress, `get_transaction()` does not, so the replacement depends on what the code does with it.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['close_all']))) {
      const object = parts.object;
      if (!object || (!SESSION_CLASSES.has(model.qualifiedName(object) ?? '') && !SESSION_KINDS.has(receivers.kindOf(object)))) continue;
      const message = 'Session.close_all() is removed in 2.0; call close_all_sessions()';
      // The receiver is dropped by the fix: only plain names, whose evaluation does nothing.
      const plain = object.descendantsOfType('call').length === 0 && parts.argumentList.namedChildCount === 0;
      const imported = plain ? ensureImported(model, 'sqlalchemy.orm', 'close_all_sessions', parts.call, CLOSE_ALL_SESSIONS_FUNCTIONS) : undefined;
      const fix = imported && {
        title: 'Use close_all_sessions()',
        safety: 'safe' as const,
        edits: [...imported.edits, { start: parts.call.startIndex, end: parts.call.endIndex, newText: `${imported.expression}()` }],
      };
      context.report(parts.call, message, fix);
    }
    for (const attribute of model.checkedDescendantsWithWords('attribute', ['transaction'])) {
      if (!attribute || attribute.childForFieldName('attribute')?.text !== 'transaction') continue;
      const object = attribute.childForFieldName('object')!;
      const kind = receivers.kindOf(object);
      if (kind !== 'session' && kind !== 'scopedSession') continue;
      // Assigning it (a mock, a subclass) is not reading the removed attribute.
      if (attribute.parent?.type === 'assignment' && attribute.parent.childForFieldName('left')?.id === attribute.id) continue;
      context.report(attribute, 'Session.transaction is removed in 2.0; use session.get_transaction() or session.begin()');
    }
  },
};
