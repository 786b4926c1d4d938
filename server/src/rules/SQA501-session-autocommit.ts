import type { Node } from '../parse/parser';
import type { Rule } from './types';
import { callParts, keywordName, keywordValue } from './helpers';
import { FLASK_SQLALCHEMY, SESSION_CLASSES, SESSIONMAKERS } from '../semantics/names';

const MESSAGE = 'Session autocommit mode is removed in 2.0; the Session begins a transaction by itself, commit it or use session.begin()';

/**
 * SQA501 session-autocommit: `Session(autocommit=True)`, `sessionmaker(autocommit=True)`.
 */
export const sessionAutocommit: Rule = {
  code: 'SQA501',
  id: 'session-autocommit',
  tier: 'removed',
  fixable: 'none',
  guide: { anchor: 'migration-20-session-autocommit', title: 'Autocommit mode removed from Session; autobegin support added' },
  docs: {
    summary: 'a Session in autocommit mode',
    what: 'Flags `autocommit=` with any value but a literal `False` in `Session()`, `sessionmaker()` and Flask-SQLAlchemy\'s `session_options={"autocommit": ...}`. `autocommit=False` is the default, which 2.0 still accepts.',
    why: 'In autocommit mode a Session ran each query outside any transaction and committed each flush on its own. 2.0 removes the mode: a Session begins a transaction when it first needs one ("autobegin") and keeps it until `commit()` or `rollback()`; `session.begin()` can still start one explicitly.',
    example: 'session = Session(engine, autocommit=True)\nsession.add(obj)\nsession.flush()',
    useInstead: 'session = Session(engine)\nwith session.begin():\n    session.add(obj)',
    fixSafety: 'No automatic fix: without autocommit, the changes of each flush stay uncommitted until the code commits them. Where those commits belong (a `with session.begin():` block around each unit of work, or `session.commit()` calls) depends on the program.',
  },
  check(context) {
    const { model } = context;
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      const qualified = parts ? model.qualifiedName(parts.fn) ?? '' : '';
      if (!parts || !qualified) continue;
      if (SESSION_CLASSES.has(qualified) || SESSIONMAKERS.has(qualified)) {
        for (const keyword of parts.keywords) {
          if (keywordName(keyword) === 'autocommit' && isTurnedOn(keywordValue(keyword))) context.report(keyword, MESSAGE);
        }
      } else if (FLASK_SQLALCHEMY.has(qualified)) {
        const options = parts.keywords.find((k) => keywordName(k) === 'session_options');
        const value = options && keywordValue(options);
        for (const pair of value?.type === 'dictionary' ? value.namedChildren : []) {
          const key = pair?.childForFieldName('key');
          if (pair?.type === 'pair' && /^['"]autocommit['"]$/.test(key?.text ?? '') && isTurnedOn(pair.childForFieldName('value') ?? undefined)) context.report(pair, MESSAGE);
        }
      }
    }
  },
};

/** Anything but a literal `False` (or `None`) may turn autocommit on. */
function isTurnedOn(value: Node | undefined): boolean {
  return !!value && value.type !== 'false' && value.type !== 'none';
}
