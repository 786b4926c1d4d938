import type { Node } from '../parse/parser';
import type { Rule, RuleContext } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts, isStringLiteral, keywordName, keywordValue, checkedMethodCalls, methodCallsWithin } from './helpers';
import { ENGINE_FACTORIES } from '../semantics/names';
import { receiversOf } from '../semantics/receivers';
import { isCoreStatement, statementRootKind } from '../semantics/statements';

/** What 1.x's autocommit regular expression took for a write. */
const WRITE_SQL = /^\s*(UPDATE|INSERT|CREATE|DELETE|DROP|ALTER)\b/i;
const WRITES = new Set(['insert', 'update', 'delete']);
const TRANSACTION_METHODS = new Set(['begin', 'begin_nested', 'commit', 'rollback']);

/**
 * SQA109 autocommit-option: the `autocommit` execution option, and writes that rely on implicit autocommit.
 */
export const autocommitOption: Rule = {
  code: 'SQA109',
  id: 'autocommit-option',
  tier: 'removed',
  fixable: 'none',
  guide: { anchor: 'migration-20-autocommit', title: 'Library-level (but not driver level) "Autocommit" removed from both Core and ORM' },
  docs: {
    summary: 'library-level autocommit: the `autocommit` option, or writes on a connection with no transaction',
    what: 'Flags `execution_options(autocommit=...)` on a statement, connection or engine (and in `create_engine(execution_options=...)`), and INSERT, UPDATE, DELETE or DDL executed on a connection from `engine.connect()` that never begins or commits a transaction in that scope.',
    why: '1.x committed such writes by itself ("autocommit"), and the `autocommit` option forced it for other statements. 2.0 never commits behind the scenes: the connection begins a transaction on first use and rolls it back at close unless it is committed, so these writes would be silently lost.',
    example: 'with engine.connect() as conn:\n    conn.execute(text("INSERT INTO log (msg) VALUES (\'start\')"))\nconn.execute(text("CALL refresh()").execution_options(autocommit=True))',
    useInstead: 'with engine.begin() as conn:\n    conn.execute(text("INSERT INTO log (msg) VALUES (\'start\')"))\n    conn.execute(text("CALL refresh()"))',
    fixSafety: 'No automatic fix: where the transaction should begin and end is a decision about the program (`engine.begin()` for a unit of work, `conn.commit()` to commit as you go, or `isolation_level="AUTOCOMMIT"` for true driver-level autocommit).',
  },
  check(context) {
    const { model } = context;
    reportAutocommitOptions(context, model);
    reportImplicitAutocommit(context, model);
  },
};

function reportAutocommitOptions(context: RuleContext, model: ModuleModel): void {
  const receivers = receiversOf(model);
  const message = 'The autocommit execution option is removed in 2.0; commit explicitly (engine.begin() or conn.commit())';
  for (const parts of checkedMethodCalls(model, new Set(['execution_options']))) {
    const option = parts.keywords.find((k) => keywordName(k) === 'autocommit' && keywordValue(k)?.type !== 'false');
    if (!option || !parts.object) continue;
    const kind = receivers.kindOf(parts.object);
    if (kind !== 'engine' && kind !== 'connection' && !isCoreStatement(model, parts.object)) continue;
    context.report(option, message);
  }
  // create_engine(url, execution_options={"autocommit": True})
  for (const call of model.checkedNodes('call')) {
    const parts = callParts(call);
    const qualified = parts && model.qualifiedName(parts.fn);
    if (!parts || !qualified || !ENGINE_FACTORIES.has(qualified)) continue;
    const keyword = parts.keywords.find((k) => keywordName(k) === 'execution_options');
    const options = keyword && keywordValue(keyword);
    if (options?.type !== 'dictionary') continue;
    for (const pair of options.namedChildren) {
      const key = pair?.type === 'pair' ? pair.childForFieldName('key') : undefined;
      if (pair && key && isStringLiteral(key) && /^["']autocommit["']$/.test(key.text) && pair.childForFieldName('value')?.type !== 'false') context.report(pair, message);
    }
  }
}

/** Writes on `engine.connect()` connections whose scope never begins or commits a transaction. */
function reportImplicitAutocommit(context: RuleContext, model: ModuleModel): void {
  const message = 'This write relies on implicit autocommit, which 2.0 removes; run it in engine.begin() or commit explicitly';
  const transactional = new Map<string, boolean>();
  for (const parts of checkedMethodCalls(model, new Set(['execute', 'create_all', 'drop_all']))) {
    const connection = parts.method === 'execute' ? parts.object : parts.positional[0];
    const statement = parts.method === 'execute' ? parts.positional[0] : parts.call;
    if (!connection || !statement || connection.type !== 'identifier') continue;
    if (parts.method !== 'execute' && receiversOf(model).kindOf(parts.object!) !== 'metadata') continue;
    const scope = bareConnectionScope(model, connection);
    if (!scope) continue;
    const key = `${scope.id}:${connection.text}`;
    if (!transactional.has(key)) transactional.set(key, managesTransaction(model, scope, connection.text));
    if (transactional.get(key)) continue;
    if (parts.method === 'execute' && !isWrite(model, statement)) continue;
    context.report(parts.call, message);
  }
}

interface Region {
  start: number;
  end: number;
  id: string;
}

/**
 * Where a connection from `engine.connect()` (on a 1.x-style engine) is in use at `name`: the body of
 * the `with ... as name:` around it, or the stretch of its scope from the assignment in force there
 * to the next one.
 */
function bareConnectionScope(model: ModuleModel, name: Node): Region | undefined {
  const bindings = model.lookup(name.text, name) ?? [];
  const scope = model.scopeNodeOf(name);
  const enclosing = bindings.find((b) => {
    const statement = b.kind === 'with' ? withStatementOf(b.target) : undefined;
    return !!statement && contains(statement, name);
  });
  const local = bindings.filter((b) => model.scopeNodeOf(b.target).id === scope.id).sort((a, b) => a.target.startIndex - b.target.startIndex);
  const preceding = local.filter((b) => b.target.startIndex < name.startIndex).pop();
  const binding = enclosing ?? (preceding?.kind === 'assign' ? preceding : undefined);
  const value = binding?.value;
  const fn = value?.type === 'call' ? value.childForFieldName('function') : undefined;
  if (!binding || fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'connect') return undefined;
  const engine = fn.childForFieldName('object')!;
  if (receiversOf(model).kindOf(engine) !== 'engine' || isFutureEngine(model, engine)) return undefined;
  if (binding.kind === 'with') {
    const statement = withStatementOf(binding.target)!;
    return { start: statement.startIndex, end: statement.endIndex, id: `${statement.id}` };
  }
  const next = local.find((b) => b.target.startIndex > binding.target.startIndex);
  return { start: binding.target.startIndex, end: next ? next.target.startIndex : model.scopeEnd(scope), id: `${binding.target.id}` };
}

function withStatementOf(node: Node): Node | undefined {
  let current: Node | null = node;
  while (current && current.type !== 'with_statement') current = current.parent;
  return current ?? undefined;
}

function contains(outer: { startIndex: number; endIndex: number } | Region, inner: Node): boolean {
  const start = 'start' in outer ? outer.start : outer.startIndex;
  const end = 'end' in outer ? outer.end : outer.endIndex;
  return inner.startIndex >= start && inner.endIndex <= end;
}

/** `create_engine(..., future=True)` or with AUTOCOMMIT isolation: no library autocommit to rely on. */
function isFutureEngine(model: ModuleModel, engine: Node): boolean {
  const bindings = engine.type === 'identifier' ? model.lookup(engine.text, engine) : undefined;
  const created = bindings?.length === 1 ? bindings[0].value : undefined;
  const parts = created?.type === 'call' ? callParts(created) : undefined;
  if (!parts) return false;
  if (model.qualifiedName(parts.fn) === 'sqlalchemy.future.create_engine') return true;
  return parts.keywords.some((k) => {
    const name = keywordName(k);
    const value = keywordValue(k);
    return (name === 'future' && value?.type === 'true') || (name === 'isolation_level' && /AUTOCOMMIT/i.test(value?.text ?? ''));
  });
}

/** Any `conn.begin()`, `conn.commit()`... in the scope, or an isolation level set on the connection. */
function managesTransaction(model: ModuleModel, scope: Region, name: string): boolean {
  // Only the statements the scope covers: a function's connection is looked for in that function alone.
  for (const parts of methodCallsWithin(model, new Set([...TRANSACTION_METHODS, 'execution_options']), scope.start, scope.end)) {
    if (parts.object?.type !== 'identifier' || parts.object.text !== name) continue;
    if (parts.method !== 'execution_options' || parts.keywords.some((k) => keywordName(k) === 'isolation_level')) return true;
  }
  return false;
}

function isWrite(model: ModuleModel, statement: Node): boolean {
  const root = statementRootKind(model, statement);
  if (root && WRITES.has(root)) return true;
  const sql = sqlText(model, statement);
  return sql !== undefined && WRITE_SQL.test(sql);
}

/** The SQL of `"..."` or `text("...")`, without its quotes. */
function sqlText(model: ModuleModel, node: Node): string | undefined {
  let literal: Node | undefined = node;
  if (node.type === 'call' && statementRootKind(model, node) === 'text') {
    const fn = node.childForFieldName('function');
    literal = fn && model.qualifiedName(fn)?.endsWith('.text') ? callParts(node)?.positional[0] : undefined;
  }
  if (!literal || literal.type !== 'string') return undefined;
  return literal.namedChildren.filter((n) => n?.type === 'string_content').map((n) => n!.text).join('');
}
