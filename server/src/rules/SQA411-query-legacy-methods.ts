import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { checkedMethodCalls, methodSpan, type CallParts } from './helpers';
import { isQueryLike, receiversOf } from '../semantics/receivers';
import { queryRootOf } from '../semantics/queryRoot';

/** What each method becomes, for the message. */
const REPLACEMENTS: Record<string, string> = {
  values: 'is removed in 2.0; use with_entities(...)',
  value: 'is removed in 2.0; use with_entities(column).scalar()',
  with_polymorphic: 'is removed in 2.0; query a with_polymorphic() entity',
  populate_existing: 'is legacy; use execution_options(populate_existing=True)',
  yield_per: 'is legacy; a select() takes execution_options(yield_per=n)',
};

/** Calls that read an iterable to the end right away. */
const CONSUMERS = new Set(['list', 'tuple', 'set', 'sorted', 'frozenset']);

/**
 * SQA411 query-legacy-methods: `values()`, `value()`, `with_polymorphic()`, `populate_existing()`
 * and `yield_per()` on a Query.
 */
export const queryLegacyMethods: Rule = {
  code: 'SQA411',
  id: 'query-legacy-methods',
  tier: 'legacy',
  fixable: 'review',
  guide: { anchor: 'migration-20-query-usage', title: '2.0 Migration - ORM Usage' },
  docs: {
    summary: 'Query methods with no `select()` twin: `values()`, `value()`, `with_polymorphic()`, `populate_existing()`, `yield_per()`',
    what: 'Flags `values()`, `value()`, `with_polymorphic()`, `populate_existing()` and `yield_per()` called on a `session.query(...)` chain.',
    why: '`values()`, `value()` and `Query.with_polymorphic()` are deprecated in 1.4 and gone in 2.0. `populate_existing()` and `yield_per()` still work on the legacy `Query`, but a `select()` has no such methods: both are execution options there, so they also keep SQA402 from rewriting the query.',
    example: 'users = session.query(User).populate_existing().all()\nname = session.query(User).filter(User.id == 5).value(User.name)',
    useInstead: 'users = session.query(User).execution_options(populate_existing=True).all()\nname = session.query(User).filter(User.id == 5).with_entities(User.name).limit(1).scalar()',
    fixSafety: 'Needs review. `populate_existing()` becomes `execution_options(populate_existing=True)`, the same option on 1.4 and 2.0. `values(*columns)` becomes `with_entities(*columns)` where the result is iterated at once (a `for` loop, a comprehension, `list()`); `values()` returned a one-pass iterator, so other uses are flagged only. `value(column)` becomes `with_entities(column).limit(1).scalar()`, which returns the first row\'s value or `None` as before, with a `LIMIT 1` in the SQL; not where the query already has a limit. `with_polymorphic()` and `yield_per()` (whose execution option Query does not honour in 1.4) are flagged only.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(Object.keys(REPLACEMENTS)))) {
      if (!parts.object || !isQueryLike(receivers.kindOf(parts.object)) || model.isInError(parts.call)) continue;
      const method = parts.method!;
      context.report(methodSpan(parts), `Query.${method}() ${REPLACEMENTS[method]}`, legacyMethodFix(model, parts));
    }
  },
};

function legacyMethodFix(model: ModuleModel, parts: CallParts): Fix | undefined {
  const args = parts.positional.map((n) => model.textOf(n)).join(', ');
  const noKeywords = parts.keywords.length === 0 && parts.splats.length === 0;
  const span = methodSpan(parts);
  const fix = (title: string, newText: string): Fix => ({ title, safety: 'review', edits: [{ ...span, newText }] });
  switch (parts.method) {
    case 'populate_existing':
      if (parts.argumentList.namedChildCount > 0) return undefined;
      return fix('Use execution_options(populate_existing=True)', 'execution_options(populate_existing=True)');
    case 'values':
      if (!noKeywords || parts.positional.length === 0 || !isConsumedAtOnce(parts.call)) return undefined;
      return fix('Use with_entities()', `with_entities(${args})`);
    case 'value': {
      if (!noKeywords || parts.positional.length !== 1) return undefined;
      // An existing limit would be replaced by ours; value() read the first row of it.
      const root = queryRootOf(model, parts.object!);
      if (!root || root.builders.some((b) => b.method === 'limit' || b.method === 'slice')) return undefined;
      return fix('Use with_entities(column).limit(1).scalar()', `with_entities(${args}).limit(1).scalar()`);
    }
    default:
      return undefined;
  }
}

/** True when the call is the iterable of a loop or comprehension, or the only argument of `list()` and the like. */
function isConsumedAtOnce(call: Node): boolean {
  const parent = call.parent;
  if (!parent) return false;
  if ((parent.type === 'for_statement' || parent.type === 'for_in_clause') && parent.childForFieldName('right')?.id === call.id) return true;
  if (parent.type !== 'argument_list' || parent.namedChildCount !== 1) return false;
  const callee = parent.parent?.childForFieldName('function');
  return callee?.type === 'identifier' && CONSUMERS.has(callee.text);
}
