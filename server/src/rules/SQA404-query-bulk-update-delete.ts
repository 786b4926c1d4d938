import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { keywordName, keywordValue, checkedMethodCalls, type CallParts } from './helpers';
import { isQueryLike, receiversOf } from '../semantics/receivers';
import { queryShape } from '../semantics/queryChain';
import { queryRootOf, type QueryRoot } from '../semantics/queryRoot';
import { DELETE_FUNCTIONS, UPDATE_FUNCTIONS } from '../semantics/ormNames';
import { ensureImported } from '../fix/imports';

/** Query builders whose `Update` / `Delete` twins take the same arguments. */
const DML_BUILDERS = new Set(['filter', 'filter_by', 'where']);

/**
 * SQA404 query-bulk-update-delete: `session.query(E).filter(...).update({...})` and `.delete()`.
 */
export const queryBulkUpdateDelete: Rule = {
  code: 'SQA404',
  id: 'query-bulk-update-delete',
  tier: 'legacy',
  fixable: 'review',
  guide: { anchor: 'migration-20-query-usage', title: '2.0 Migration - ORM Usage' },
  docs: {
    summary: 'bulk UPDATE or DELETE through the legacy `Query`',
    what: 'Flags `Query.update(values, synchronize_session=...)` and `Query.delete(synchronize_session=...)` on a `session.query(...)` chain (or Flask-SQLAlchemy\'s `Model.query`).',
    why: 'In 2.0 a bulk UPDATE or DELETE of mapped rows is an `update()` / `delete()` construct executed by the Session, the ORM-enabled form of the Core statements. How the Session synchronizes the objects it holds becomes an execution option, and the number of matched rows is the result\'s `rowcount` instead of the return value.',
    example: 'session.query(User).filter(User.name == "ed").update({"name": "edward"}, synchronize_session="fetch")\ngone = session.query(User).filter(User.id > 100).delete()',
    useInstead: 'session.execute(update(User).filter(User.name == "ed").values({"name": "edward"}).execution_options(synchronize_session="fetch"))\ngone = session.execute(delete(User).filter(User.id > 100).execution_options(synchronize_session="evaluate")).rowcount',
    fixSafety: 'Needs review. The chain becomes `session.execute(update(E)...values(...).execution_options(synchronize_session=...))`; Query\'s default `"evaluate"` is written out, since the 2.0 default (`"auto"`) may fetch instead. Where the old return value is used, `.rowcount` is appended. The fix applies to one entity filtered by `filter()`, `filter_by()` or `where()`; other builders (joins, limits), `update_args=`, or a query held in a variable are flagged only.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['update', 'delete']))) {
      if (!parts.object || !isQueryLike(receivers.kindOf(parts.object))) continue;
      const message = `Query.${parts.method}() is legacy; 2.0 executes an ORM-enabled ${parts.method}() statement through the Session`;
      context.report(parts.call, message, bulkFix(model, parts));
    }
  },
};

interface DmlArguments {
  values?: Node;
  synchronize?: Node;
}

/** `update(values, synchronize_session)` / `delete(synchronize_session)`, positional or by keyword; undefined for anything else. */
function dmlArguments(parts: CallParts): DmlArguments | undefined {
  if (parts.splats.length > 0) return undefined;
  const names = parts.method === 'update' ? ['values', 'synchronize_session'] : ['synchronize_session'];
  if (parts.positional.length > names.length) return undefined;
  const byName = new Map<string, Node>();
  parts.positional.forEach((node, i) => byName.set(names[i], node));
  for (const keyword of parts.keywords) {
    const name = keywordName(keyword);
    const value = keywordValue(keyword);
    if (!name || !value || !names.includes(name) || byName.has(name)) return undefined;
    byName.set(name, value);
  }
  const values = byName.get('values');
  if (parts.method === 'update' && (!values || values.type === 'list' || values.type === 'tuple')) return undefined;
  return { values, synchronize: byName.get('synchronize_session') };
}

function bulkFix(model: ModuleModel, parts: CallParts): Fix | undefined {
  const root = queryRootOf(model, parts.object!);
  if (!root || root.kind === 'select' || root.entities.length !== 1 || queryShape(model, root.entities) !== 'entity') return undefined;
  if (!root.builders.every((b) => DML_BUILDERS.has(b.method))) return undefined;
  const args = dmlArguments(parts);
  if (!args) return undefined;
  const target = executor(model, root, parts);
  if (!target) return undefined;
  const builders = model.text.slice(root.node.endIndex, parts.object!.endIndex);
  const values = args.values ? `.values(${model.textOf(args.values)})` : '';
  const synchronize = args.synchronize ? model.textOf(args.synchronize) : '"evaluate"';
  // Query returned the matched row count; the statement's result carries it.
  const used = parts.call.parent?.type !== 'expression_statement';
  const statement = `${target.fn}(${model.textOf(root.entities[0])})${builders}${values}.execution_options(synchronize_session=${synchronize})`;
  return {
    title: `Execute ${parts.method}(${model.textOf(root.entities[0])}) through the Session`,
    safety: 'review',
    edits: [...target.edits, { start: root.node.startIndex, end: parts.call.endIndex, newText: `${target.session}.execute(${statement})${used ? '.rowcount' : ''}` }],
  };
}

/** The session and the `update`/`delete` function as the code at `parts` can name them. */
function executor(model: ModuleModel, root: QueryRoot, parts: CallParts): { session: string; fn: string; edits: Fix['edits'] } | undefined {
  const method = parts.method!;
  if (root.kind === 'flask') {
    // `db.update` is the same function; `db` must mean the extension object where the fix writes it.
    const db = root.db!;
    const here = model.lookup(db.text, parts.call);
    const there = model.lookup(db.text, db);
    if (db.type !== 'identifier' || !here || !there || here.length !== there.length || here.some((b, i) => b.target.id !== there[i].target.id)) return undefined;
    return { session: `${db.text}.session`, fn: `${db.text}.${method}`, edits: [] };
  }
  const imported = ensureImported(model, 'sqlalchemy', method, parts.call, method === 'update' ? UPDATE_FUNCTIONS : DELETE_FUNCTIONS);
  if (!imported) return undefined;
  return { session: model.textOf(root.session!), fn: imported.expression, edits: imported.edits };
}
