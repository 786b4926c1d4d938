import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { checkedMethodCalls, type CallParts } from './helpers';
import { receiversOf } from '../semantics/receivers';
import { isCoreStatement } from '../semantics/statements';
import { ensureImported } from '../fix/imports';
import { LABEL_STYLE_NAMES } from '../fix/generative';

/** Methods that changed the Select in place, and the generative method that returns a changed copy. */
const IN_PLACE: Record<string, string> = {
  append_whereclause: 'where',
  append_column: 'add_columns',
  append_from: 'select_from',
  append_order_by: 'order_by',
  append_group_by: 'group_by',
  append_having: 'having',
  append_correlation: 'correlate',
  append_prefix: 'prefix_with',
};
const LABELS = new Set(['apply_labels', 'with_labels']);
const METHODS = new Set([...Object.keys(IN_PLACE), ...LABELS, 'as_scalar']);

/**
 * SQA206 select-legacy-methods: `apply_labels()`, `as_scalar()` and the in-place `append_*()` methods.
 */
export const selectLegacyMethods: Rule = {
  code: 'SQA206',
  id: 'select-legacy-methods',
  tier: 'removed',
  fixable: 'mixed',
  guide: { anchor: 'migration-20-5284', title: 'select() no longer accepts varied constructor arguments, columns are passed positionally' },
  docs: {
    summary: 'legacy `Select` methods: `apply_labels()`, `as_scalar()`, `append_*()`',
    what: 'Flags `apply_labels()` / `with_labels()`, `as_scalar()` on a Core select or an ORM Query, and the in-place `append_whereclause()`, `append_column()`, `append_from()`, `append_order_by()`, `append_group_by()`, `append_having()`, `append_correlation()`, `append_prefix()` on a select.',
    why: 'These are 1.x spellings. `apply_labels()` is replaced by `set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)` and `as_scalar()` by `scalar_subquery()`; the `append_*()` methods, which changed a statement in place, are gone in favour of the generative methods that return a new statement. 1.4 warns about all of them.',
    example: 'stmt = select(users.c.id).apply_labels()\ninner = select(func.max(users.c.id)).as_scalar()',
    useInstead: 'from sqlalchemy import LABEL_STYLE_TABLENAME_PLUS_COL\n\nstmt = select(users.c.id).set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)\ninner = select(func.max(users.c.id)).scalar_subquery()',
    fixSafety: 'Safe for `apply_labels()` / `with_labels()` (the label style is imported) and `as_scalar()`: the new methods build the same statement. Needs review for `append_*()`: `stmt.append_whereclause(c)` becomes `stmt = stmt.where(c)`, which rebinds the name instead of changing the object, so other references to the old statement no longer see the change. Offered only when the call is a statement of its own on a name bound in the same scope.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, METHODS)) {
      const method = parts.method!;
      if (!parts.object || !parts.methodNode) continue;
      const isQuery = receivers.kindOf(parts.object) === 'query';
      if (!isQuery && !isCoreStatement(model, parts.object)) continue;
      // `with_labels()` only ever existed on Query.
      if (method === 'with_labels' && !isQuery) continue;
      if (method in IN_PLACE) {
        // Query has no append_* methods; only a Core select does.
        if (isQuery) continue;
        context.report(parts.call, `${method}() is removed in 2.0; use ${IN_PLACE[method]}(), which returns a new statement`, rebindFix(model, parts, IN_PLACE[method]));
        continue;
      }
      const emptyCall = parts.argumentList.namedChildCount === 0;
      if (LABELS.has(method)) {
        const style = emptyCall ? ensureImported(model, 'sqlalchemy', 'LABEL_STYLE_TABLENAME_PLUS_COL', parts.call, LABEL_STYLE_NAMES) : undefined;
        const fix: Fix | undefined = style && {
          title: 'Use set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)',
          safety: 'safe',
          edits: [...style.edits, { start: parts.methodNode.startIndex, end: parts.call.endIndex, newText: `set_label_style(${style.expression})` }],
        };
        context.report(parts.call, `${method}() is removed in 2.0; use set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)`, fix);
        continue;
      }
      const fix: Fix | undefined = emptyCall
        ? { title: 'Use scalar_subquery()', safety: 'safe', edits: [{ start: parts.methodNode.startIndex, end: parts.call.endIndex, newText: 'scalar_subquery()' }] }
        : undefined;
      context.report(parts.call, 'as_scalar() is deprecated; use scalar_subquery()', fix);
    }
  },
};

/** `stmt.append_whereclause(c)` as a statement of its own becomes `stmt = stmt.where(c)`. */
function rebindFix(model: ModuleModel, parts: CallParts, generative: string): Fix | undefined {
  const target = parts.object!;
  if (parts.call.parent?.type !== 'expression_statement' || !isRebindable(model, target, parts.call)) return undefined;
  const targetText = model.textOf(target);
  const args = model.textOf(parts.argumentList);
  return {
    title: `Rebind the statement: ${targetText} = ${targetText}.${generative}(...)`,
    safety: 'review',
    edits: [{ start: parts.call.startIndex, end: parts.call.endIndex, newText: `${targetText} = ${targetText}.${generative}${args}` }],
  };
}

/** A name bound in the scope of the call, so that rebinding it there does not make it a new local. */
function isRebindable(model: ModuleModel, target: Node, site: Node): boolean {
  if (target.type !== 'identifier') return false;
  const scope = model.scopeNodeOf(site);
  const bindings = model.lookup(target.text, site);
  return !!bindings && bindings.every((b) => model.scopeNodeOf(b.target).id === scope.id);
}
