import type { Node } from '../parse/parser';
import type { Fix, Rule, RuleContext, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { receiversOf } from '../semantics/receivers';
import { buildersTranslate, inlineQueryChain, needsUnique, queryShape } from '../semantics/queryChain';
import { analyzeQueryVariable, type QueryVariable } from '../semantics/queryVariable';
import { unselectedOrderTerms } from '../semantics/distinctOrderBy';
import { QUERY_TERMINALS, importsFor, queryToSelectEdit, terminalEdit } from '../fix/queryRewrite';

const MESSAGE = 'Query is the legacy ORM API; 2.0 style executes select() through the Session';
const FIX_TITLE = 'Rewrite as session.execute(select(...))';

/**
 * SQA402 query-to-select: `session.query(...)` read through `all()`, `first()`, `one()`,
 * `one_or_none()`, `scalar()`, `count()` or iteration.
 */
export const queryToSelect: Rule = {
  code: 'SQA402',
  id: 'query-to-select',
  tier: 'legacy',
  fixable: 'review',
  guide: { anchor: 'migration-20-unify-select', title: 'ORM Query Unified with Core Select' },
  docs: {
    summary: 'results read through the legacy `Query` API',
    what: 'Flags `session.query(...)` chains that end in `all()`, `first()`, `one()`, `one_or_none()`, `scalar()`, `count()` or a `for` loop, inline or through a variable built over several statements.',
    why: 'In 2.0 the ORM runs the same `select()` construct as Core. `Query` remains only as a legacy layer; new features, typing and the unified result API come with `session.execute(select(...))` and `session.scalars(...)`.',
    example: 'users = session.query(User).filter(User.name == "ed").order_by(User.id).all()\nfirst = session.query(User).first()\ntotal = session.query(User).count()',
    useInstead: 'users = session.scalars(select(User).filter(User.name == "ed").order_by(User.id)).all()\nfirst = session.scalars(select(User).limit(1)).first()\ntotal = session.scalar(select(func.count()).select_from(select(User).subquery()))',
    fixSafety: 'Needs review. The rewrite follows the guide\'s table: one entity reads through `scalars()`, columns or several entities return rows through `execute()`; `first()` gains `limit(1)` (Query added it silently); `count()` counts a subquery as Query did; `scalar()` becomes `scalar_one_or_none()`, which raises on several rows as Query did; joins of a mapped entity and joined eager loads add `.unique()`, since Query dropped the repeated rows a join to a collection yields (a `filter()` condition that names another mapped class, an implicit join, also adds `.unique()`). A query kept in a variable is rewritten only when every use of the variable is a terminal or a builder; chains with string paths, `populate_existing()`, `yield_per()` or other Query-only methods, and DISTINCT queries ordered by a column they do not select (SQA410), are flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    const variables = new Map<string, QueryVariable>();
    for (const { target, terminal, queryExpr } of queryTerminals(model)) {
      if (receivers.kindOf(queryExpr) !== 'query') continue;
      if (queryExpr.type === 'identifier') {
        const key = `${model.scopeNodeOf(queryExpr).id}:${queryExpr.text}`;
        let variable = variables.get(key);
        if (!variable) {
          variable = analyzeQueryVariable(model, queryExpr, (id) => terminalUsing(model, id));
          variables.set(key, variable);
        }
        context.report(target, MESSAGE, variableFix(model, variable, target));
        continue;
      }
      reportInline(context, model, target, terminal, queryExpr);
    }
  },
};

interface TerminalSite {
  target: Node;
  terminal: string;
  queryExpr: Node;
}

/** Every `<expr>.all()`-like call and every `for ... in <expr>`; the caller checks that `<expr>` is a Query. */
function queryTerminals(model: ModuleModel): TerminalSite[] {
  const sites: TerminalSite[] = [];
  for (const call of model.checkedNodes('call')) {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute') continue;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const object = fn.childForFieldName('object');
    const args = call.childForFieldName('arguments');
    if (!object || !QUERY_TERMINALS.has(method) || (args?.namedChildCount ?? 0) > 0) continue;
    sites.push({ target: call, terminal: method, queryExpr: object });
  }
  for (const loop of [...model.checkedNodes('for_statement'), ...model.checkedNodes('for_in_clause')]) {
    const iterable = loop.childForFieldName('right');
    if (iterable) sites.push({ target: iterable, terminal: '__iter__', queryExpr: iterable });
  }
  return sites.sort((a, b) => a.target.startIndex - b.target.startIndex);
}

/** If `identifier` is the receiver of a terminal or the iterable of a loop, that terminal. */
function terminalUsing(model: ModuleModel, identifier: Node): { target: Node; terminal: string } | undefined {
  const parent = identifier.parent;
  if (!parent) return undefined;
  if ((parent.type === 'for_statement' || parent.type === 'for_in_clause') && parent.childForFieldName('right')?.id === identifier.id) {
    return { target: identifier, terminal: '__iter__' };
  }
  if (parent.type !== 'attribute' || parent.childForFieldName('object')?.id !== identifier.id) return undefined;
  const call = parent.parent;
  const method = parent.childForFieldName('attribute')?.text ?? '';
  if (call?.type !== 'call' || !QUERY_TERMINALS.has(method) || (call.childForFieldName('arguments')?.namedChildCount ?? 0) > 0) return undefined;
  void model;
  return { target: call, terminal: method };
}

function reportInline(context: RuleContext, model: ModuleModel, target: Node, terminal: string, queryExpr: Node): void {
  const chain = inlineQueryChain(model, queryExpr);
  if (!chain) return context.report(target, MESSAGE);
  const shape = queryShape(model, chain.entities);
  if (shape === 'unknown' || !buildersTranslate(model, chain.builders)) return context.report(target, MESSAGE);
  // Query added the ORDER BY columns of a DISTINCT query to the SELECT; select() does not (SQA410).
  if (unselectedOrderTerms(model, chain.entities, chain.builders).length > 0) return context.report(target, MESSAGE);
  const names = importsFor(model, target, [terminal]);
  if (!names) return context.report(target, MESSAGE);
  const argumentsNode = chain.queryCall.childForFieldName('arguments')!;
  const selectText = names.select + model.text.slice(argumentsNode.startIndex, chain.expression.endIndex);
  const edit = terminalEdit(
    { target, terminal, sessionText: model.textOf(chain.session), selectText, shape, unique: needsUnique(model, chain.entities, chain.builders) },
    names,
  );
  context.report(target, MESSAGE, { title: FIX_TITLE, safety: 'review', edits: [...names.edits, edit] });
}

/** One fix for the whole variable: its origins become selects and every terminal executes it. */
function variableFix(model: ModuleModel, variable: QueryVariable, useSite: Node): Fix | undefined {
  if (variable.blocker || variable.shape === 'unknown' || !variable.sessionText) return undefined;
  if (variable.origins.some((o) => unselectedOrderTerms(model, o.entities, [...o.builders, ...variable.rebuilds]).length > 0)) return undefined;
  const names = importsFor(model, useSite, variable.terminals.map((t) => t.terminal));
  if (!names) return undefined;
  const shape = variable.shape;
  const edits: TextEdit[] = [...names.edits];
  for (const origin of variable.origins) edits.push(queryToSelectEdit(origin.session, origin.queryCall, names.select));
  for (const { target, terminal } of variable.terminals) {
    edits.push(terminalEdit({ target, terminal, sessionText: variable.sessionText, selectText: variable.name, shape, unique: variable.unique }, names));
  }
  return { title: FIX_TITLE, safety: 'review', edits };
}
