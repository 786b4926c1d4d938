import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { keywordName, checkedMethodCalls, type CallParts } from './helpers';
import { isQueryLike, receiversOf } from '../semantics/receivers';
import { isPathElement, legacyJoinForm } from '../semantics/joinForms';
import { queryRootOf } from '../semantics/queryRoot';
import { attributeTarget, relationshipTarget, rootEntity, stringText, type ClassRef } from '../semantics/relationshipPaths';
import { mappedAttribute } from '../semantics/mappedClasses';

/** Keywords that apply to every join of the chain alike. */
const SHARED_KEYWORDS = new Set(['isouter', 'full']);

/**
 * SQA406 chained-join-list: `query.join("orders", "items")`, `query.join(User.orders, Order.items)`
 * and `query.join((Order, User.orders))`.
 */
export const chainedJoinList: Rule = {
  code: 'SQA406',
  id: 'chained-join-list',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'orm-query-chaining-using-lists-of-attributes-rather-than-individual-calls-removed', title: 'ORM Query - Chaining using lists of attributes, rather than individual calls, removed' },
  docs: {
    summary: 'several join paths, or `(target, onclause)` tuples, in one `Query.join()` call',
    what: 'Flags `Query.join()` / `outerjoin()` given a chain of relationships (`join("orders", "items")`, `join(User.orders, Order.items)`) or tuples (`join((Order, User.orders))`). `join(Order, User.orders)`, a target and its ON clause, is the form that stays and is not flagged.',
    why: 'In 2.0 each `join()` call makes one join. A chain in one call joined each path from the one before, an implicit rule that the plain form spells out with one call per step.',
    example: 'q = session.query(User).join(User.orders, Order.items)\nq = session.query(User).join((Order, User.orders))',
    useInstead: 'q = session.query(User).join(User.orders).join(Order.items)\nq = session.query(User).join(Order, User.orders)',
    fixSafety: 'Safe: a chain becomes one `join()` per step with the same `isouter=` / `full=` flags, and a tuple becomes the target and ON clause it held. A string step is replaced by the attribute it names, which needs the query\'s single entity and the classes along the path to be defined in the same file (there is no cross-file model index yet); otherwise, or with `aliased=True` (SQA407), the call is flagged only.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['join', 'outerjoin']))) {
      if (!parts.object || !isQueryLike(receivers.kindOf(parts.object))) continue;
      const form = legacyJoinForm(parts);
      if (!form) continue;
      const message = form === 'tuple'
        ? `Query.${parts.method}() with (target, onclause) tuples is removed in 2.0; pass them as arguments`
        : `Query.${parts.method}() with several paths is removed in 2.0; call ${parts.method}() once per relationship`;
      context.report(parts.call, message, form === 'tuple' ? tupleFix(model, parts) : chainFix(model, parts));
    }
  },
};

/** The `isouter=`/`full=` keywords, repeated on each call; undefined when others (`aliased=`) are present. */
function sharedKeywords(model: ModuleModel, parts: CallParts): string | undefined {
  if (parts.splats.length > 0 || parts.keywords.some((k) => !SHARED_KEYWORDS.has(keywordName(k) ?? ''))) return undefined;
  return parts.keywords.map((k) => `, ${model.textOf(k)}`).join('');
}

/** One call per path element: `(A, kw).join(B, kw)` in place of the argument list. */
function splitCalls(model: ModuleModel, parts: CallParts, calls: string[], title: string): Fix | undefined {
  const keywords = sharedKeywords(model, parts);
  // The argument list is written anew: comments in it would be lost.
  if (keywords === undefined || parts.argumentList.namedChildren.some((n) => n?.type === 'comment')) return undefined;
  const newText = calls.map((args) => `(${args}${keywords})`).join(`.${parts.method}`);
  return { title, safety: 'safe', edits: [{ start: parts.argumentList.startIndex, end: parts.argumentList.endIndex, newText }] };
}

function chainFix(model: ModuleModel, parts: CallParts): Fix | undefined {
  if (!parts.positional.every(isPathElement)) return undefined;
  const steps: string[] = [];
  let current: ClassRef | undefined;
  if (parts.positional.some((p) => p.type === 'string')) {
    // The first string is looked up on the query's entity (select_from() would change that).
    const root = queryRootOf(model, parts.object!);
    if (!root || root.kind === 'select' || root.builders.some((b) => b.method === 'select_from')) return undefined;
    current = rootEntity(model, root);
  }
  for (const element of parts.positional) {
    if (element.type === 'attribute') {
      steps.push(model.textOf(element));
      current = attributeTarget(model, element, parts.call);
      continue;
    }
    // Each later string is looked up on the class the previous step joined to.
    const name = stringText(element);
    if (!current || !name || mappedAttribute(model, current.cls, name)?.kind !== 'relationship') return undefined;
    steps.push(`${current.text}.${name}`);
    current = relationshipTarget(model, current.cls, name, parts.call);
  }
  return splitCalls(model, parts, steps, `One ${parts.method}() per relationship`);
}

function tupleFix(model: ModuleModel, parts: CallParts): Fix | undefined {
  const calls: string[] = [];
  for (const argument of parts.positional) {
    const tuple = argument.type === 'parenthesized_expression' ? argument.namedChildren[0] : argument;
    const items = (tuple?.type === 'tuple' ? tuple.namedChildren : []).filter((n): n is Node => !!n && n.type !== 'comment');
    if (items.length !== 2) return undefined;
    // 1.x also took the tuple reversed, relationship first; a string ON clause would be looked up on the previous join.
    const [target, onclause] = isPathElement(items[0]) ? [items[1], items[0]] : items;
    if (onclause.type === 'string' || isPathElement(target)) return undefined;
    calls.push(`${model.textOf(target)}, ${model.textOf(onclause)}`);
  }
  return splitCalls(model, parts, calls, `Pass the target and ON clause to ${parts.method}()`);
}
