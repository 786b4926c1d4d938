import type { Rule } from './types';
import { callParts, keywordName } from './helpers';
import { receiversOf } from '../semantics/receivers';
import { FLASK_SQLALCHEMY, SESSION_CLASSES, SESSIONMAKERS } from '../semantics/names';
import { QUERY_BASE_CLASSES } from '../semantics/ormNames';

const MESSAGE = 'A custom Query class only sees legacy Query use; 2.0 intercepts ORM statements with the do_orm_execute event';

/**
 * SQA414 query-subclass: `class MyQuery(Query)`, `sessionmaker(query_cls=...)` and `scoped_session.query_property()`.
 */
export const querySubclass: Rule = {
  code: 'SQA414',
  id: 'query-subclass',
  tier: 'legacy',
  fixable: 'none',
  guide: { anchor: 'dogpile-cache-recipe-and-horizontal-sharding-uses-new-session-api', title: 'Dogpile cache recipe and Horizontal Sharding uses new Session API' },
  docs: {
    summary: 'a custom `Query` subclass, `query_cls=`, or `query_property()`',
    what: 'Flags classes derived from `Query` (SQLAlchemy\'s, or Flask-SQLAlchemy\'s `BaseQuery`), the `query_cls=` argument of `Session()` / `sessionmaker()`, Flask-SQLAlchemy\'s `query_class=` argument, and `scoped_session.query_property()`.',
    why: 'Behaviour added by subclassing `Query` (soft-delete filters, caching, sharding) applies only to code that still goes through `Query`. Statements run with `session.execute(select(...))` never touch the subclass, so the behaviour silently stops as code moves to 2.0 style. The `SessionEvents.do_orm_execute` hook sees every ORM statement, whichever API built it.',
    example: 'from sqlalchemy.orm import Query, sessionmaker\n\n\nclass SoftDeleteQuery(Query):\n    pass\n\n\nSessionLocal = sessionmaker(bind=engine, query_cls=SoftDeleteQuery)',
    useInstead: 'from sqlalchemy import event\nfrom sqlalchemy.orm import sessionmaker\nSessionLocal = sessionmaker(bind=engine)\n\n\n@event.listens_for(SessionLocal, "do_orm_execute")\ndef _soft_delete(execute_state):\n    pass',
    fixSafety: 'No automatic fix: the subclass\'s methods must be re-expressed as an event handler that inspects and amends each statement (for example with `with_loader_criteria()`), which depends on what they do.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const cls of model.checkedNodes('class_definition')) {
      for (const base of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
        if (base && QUERY_BASE_CLASSES.has(model.qualifiedName(base) ?? '')) context.report(base, MESSAGE);
      }
    }
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      if (!parts) continue;
      if (parts.method === 'query_property' && parts.object && receivers.kindOf(parts.object) === 'scopedSession') {
        context.report(call, MESSAGE);
        continue;
      }
      const qualified = model.qualifiedName(parts.fn) ?? '';
      const keyword = SESSION_CLASSES.has(qualified) || SESSIONMAKERS.has(qualified) ? 'query_cls' : FLASK_SQLALCHEMY.has(qualified) ? 'query_class' : undefined;
      for (const argument of parts.keywords) if (keyword && keywordName(argument) === keyword) context.report(argument, MESSAGE);
    }
  },
};
