import type { Node } from '../parse/parser';
import type { Fix, Rule, RuleContext, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts, checkedMethodCalls, type CallParts } from './helpers';
import { isQueryLike, receiversOf } from '../semantics/receivers';
import { loaderCallOf, type LoaderCall } from '../semantics/loaderOptions';
import { legacyJoinForm } from '../semantics/joinForms';
import { queryRootOf } from '../semantics/queryRoot';
import { mappedAttribute } from '../semantics/mappedClasses';
import { COLUMN_LOADERS, WITH_PARENT_FUNCTIONS } from '../semantics/ormNames';
import { loaderStart, resolvePath, rootEntity, stringText } from '../semantics/relationshipPaths';

const FIX_TITLE = 'Name the attribute on its class';

/**
 * SQA405 string-relationship-path: relationships and columns named by strings in `Query.join()`,
 * loader options and `with_parent()`.
 */
export const stringRelationshipPath: Rule = {
  code: 'SQA405',
  id: 'string-relationship-path',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'migration-20-orm-query-join-strings', title: 'ORM Query - Joining / loading on relationships uses attributes, not strings' },
  docs: {
    summary: 'relationship or column named by a string in a join, a loader option or `with_parent()`',
    what: 'Flags string attribute names in `Query.join()` / `outerjoin()` (`join("addresses")`), in loader options (`joinedload("addresses")`, `subqueryload("orders.items")`, `load_only("name")`, `Load(User).defer("bio")`) and in `with_parent(obj, "addresses")`. Wildcards (`raiseload("*")`) stay valid and are not flagged; a join given several paths at once is SQA406.',
    why: '2.0 accepts only class-bound attributes such as `User.addresses` here. A string had to be looked up against whatever entity the query happened to start from, which is ambiguous; the attribute carries its class, and type checkers and editors can follow it.',
    example: 'users = session.query(User).join("addresses").all()\nusers = session.query(User).options(joinedload("addresses")).all()',
    useInstead: 'users = session.query(User).join(User.addresses).all()\nusers = session.query(User).options(joinedload(User.addresses)).all()',
    fixSafety: 'Safe where the string can be resolved: the query selects one entity whose class is defined in the same file, and each name is a relationship (or, for `load_only()` / `defer()` / `undefer()`, a column) of that class or of the class the previous step leads to. A dotted path becomes one attribute per step (`subqueryload("orders.items")` becomes `subqueryload(User.orders, Order.items)`, the same path on 1.4 and 2.0). Models imported from other modules cannot be resolved yet (there is no cross-file model index), nor can `with_parent()` strings, whose class comes from an object: those are flagged only.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['join', 'outerjoin']))) {
      if (!parts.object || !isQueryLike(receivers.kindOf(parts.object))) continue;
      // Several paths in one call are SQA406's, whose fix resolves their strings too.
      if (legacyJoinForm(parts)) continue;
      for (const argument of parts.positional) {
        if (argument.type !== 'string') continue;
        context.report(argument, 'Relationship named by a string in Query.join() is removed in 2.0; use the class-bound attribute', joinFix(model, parts, argument));
      }
    }
    for (const call of model.checkedNodes('call')) {
      const loader = loaderCallOf(model, call);
      if (loader) {
        reportLoader(context, model, loader);
        continue;
      }
      const parts = callParts(call);
      if (!parts || !WITH_PARENT_FUNCTIONS.has(model.qualifiedName(parts.fn) ?? '') || parts.positional[1]?.type !== 'string') continue;
      context.report(parts.positional[1], 'Relationship named by a string in with_parent() is removed in 2.0; use the class-bound attribute');
    }
  },
};

/** `join("addresses")` or `join(Address, "addresses")`: the string is looked up on the query's entity. */
function joinFix(model: ModuleModel, parts: CallParts, argument: Node): Fix | undefined {
  const isOnly = parts.positional.length === 1;
  const isOnClause = parts.positional.length === 2 && parts.positional[1].id === argument.id;
  if ((!isOnly && !isOnClause) || parts.keywords.some((k) => /^(aliased|from_joinpoint)$/.test(k.childForFieldName('name')?.text ?? ''))) return undefined;
  const root = queryRootOf(model, parts.object!);
  // select_from() changes the entity the name is looked up on.
  if (!root || root.kind === 'select' || root.builders.some((b) => b.method === 'select_from')) return undefined;
  const entity = rootEntity(model, root);
  const name = stringText(argument);
  if (!entity || !name || mappedAttribute(model, entity.cls, name)?.kind !== 'relationship') return undefined;
  return { title: FIX_TITLE, safety: 'safe', edits: [{ start: argument.startIndex, end: argument.endIndex, newText: `${entity.text}.${name}` }] };
}

function reportLoader(context: RuleContext, model: ModuleModel, loader: LoaderCall): void {
  const strings = loader.positional.filter((a) => a.type === 'string' || a.type === 'concatenated_string');
  // Wildcards (`"*"`, `"orders.*"`) remain valid in 2.0.
  if (strings.length === 0 || strings.some((s) => s.text.includes('*'))) return;
  if (model.isInError(loader.call)) return;
  const range = loader.form === 'method' ? { start: loader.methodNode!.startIndex, end: loader.call.endIndex } : loader.call;
  context.report(range, `String path in ${loader.name}() is removed in 2.0; use class-bound attributes`, loaderFix(model, loader));
}

function loaderFix(model: ModuleModel, loader: LoaderCall): Fix | undefined {
  const start = loaderStart(model, loader);
  if (!start) return undefined;
  const edits: TextEdit[] = [];
  if (loader.name === 'load_only') {
    // Each argument is a column of the same entity, not a path.
    for (const argument of loader.positional) {
      const resolved = resolvePath(model, start, [argument], loader.call, 'column');
      if (!resolved) return undefined;
      if (argument.type === 'string') edits.push(replace(argument, resolved.steps[0].text));
    }
    return { title: FIX_TITLE, safety: 'safe', edits };
  }
  const lastKind = COLUMN_LOADERS.has(loader.name) ? 'column' : 'relationship';
  const resolved = resolvePath(model, start, loader.positional, loader.call, lastKind);
  if (!resolved) return undefined;
  // Bound methods take one attribute; defer()/undefer() warn on several in 2.0: those need a single step.
  if ((loader.form === 'method' || lastKind === 'column') && resolved.steps.length !== 1) return undefined;
  for (const argument of loader.positional) {
    if (argument.type !== 'string') continue;
    edits.push(replace(argument, resolved.steps.filter((s) => s.argument.id === argument.id).map((s) => s.text).join(', ')));
  }
  return { title: FIX_TITLE, safety: 'safe', edits };
}

function replace(node: Node, newText: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, newText };
}
