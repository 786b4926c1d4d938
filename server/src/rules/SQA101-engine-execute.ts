import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { receiversOf } from '../semantics/receivers';
import { enclosingStatement, hasMultilineString, indentUnit, lineIndentOf, methodCalls, reindent } from './helpers';

/** Result methods that read everything they need before the statement ends. */
const CONSUMING = new Set([
  'fetchall', 'fetchone', 'fetchmany', 'first', 'scalar', 'all', 'one', 'one_or_none', 'scalar_one',
  'scalar_one_or_none', 'rowcount', 'inserted_primary_key', 'lastrowid', 'keys',
]);
const MATERIALIZING_CALLS = new Set(['list', 'tuple', 'set', 'sorted', 'dict']);

/**
 * SQA101 engine-execute: connectionless execution on an Engine.
 */
export const engineExecute: Rule = {
  code: 'SQA101',
  id: 'engine-execute',
  tier: 'removed',
  fixable: 'review',
  guide: { anchor: 'migration-20-implicit-execution', title: '"Implicit" and "Connectionless" execution, "bound metadata" removed' },
  docs: {
    summary: 'statement executed on the Engine without a connection',
    what: 'Flags `engine.execute(...)` and `engine.scalar(...)`.',
    why: 'The Engine no longer executes statements itself in 2.0: work happens on a Connection whose scope and transaction are explicit. Connectionless execution also autocommitted DML behind the scenes, which 2.0 removes.',
    example: 'engine.execute(users.insert(), {"name": "ed"})\nrows = engine.execute(select(users)).fetchall()',
    useInstead: 'with engine.begin() as conn:\n    conn.execute(users.insert(), {"name": "ed"})\nwith engine.begin() as conn:\n    rows = conn.execute(select(users)).fetchall()',
    fixSafety: 'Needs review. The statement moves into `with engine.begin() as conn:`, which commits at the end as the old autocommit did for writes (and is harmless for reads). The fix applies only where the result is used up within the statement (discarded, fetched, iterated by a `for` loop that moves along into the block, or passed to `list()`); a result kept in a variable for later would be read after the connection closed, so that form is flagged for a manual rewrite.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of methodCalls(model, new Set(['execute', 'scalar']))) {
      if (!parts.object || receivers.kindOf(parts.object) !== 'engine') continue;
      const message = `Engine.${parts.method}() (connectionless execution) is removed in 2.0; execute on a Connection`;
      context.report(parts.call, message, connectionFix(model, parts.call, parts.object));
    }
  },
};

/** True when the call's result is fully read inside its own statement. */
function isConsumedInStatement(call: Node, statement: Node): boolean {
  const method = call.childForFieldName('function')?.childForFieldName('attribute')?.text;
  if (method === 'scalar') return true;
  const parent = call.parent;
  if (!parent) return false;
  if (parent.type === 'expression_statement' && parent.id === statement.id) return true;
  if (parent.type === 'attribute' && CONSUMING.has(parent.childForFieldName('attribute')?.text ?? '')) return true;
  if (parent.type === 'for_statement' && parent.id === statement.id) return true;
  if (parent.type === 'for_in_clause') return true;
  if (parent.type === 'argument_list') {
    const callee = parent.parent?.childForFieldName('function');
    return callee?.type === 'identifier' && MATERIALIZING_CALLS.has(callee.text) && parent.namedChildCount === 1;
  }
  return false;
}

function freeName(model: ModuleModel, scope: Node, preferred: string[]): string | undefined {
  const used = new Set(scope.descendantsOfType('identifier').map((n) => n?.text));
  return preferred.find((name) => !used.has(name) && !model.moduleBindings(name));
}

function connectionFix(model: ModuleModel, call: Node, engine: Node): Fix | undefined {
  const statement = enclosingStatement(call);
  if (!statement) return undefined;
  const allowed = ['expression_statement', 'return_statement', 'for_statement'];
  if (!allowed.includes(statement.type)) return undefined;
  if (statement.type === 'for_statement' && statement.childForFieldName('right')?.id !== call.id) return undefined;
  if (!isConsumedInStatement(call, statement)) return undefined;
  const indent = lineIndentOf(model, statement);
  if (indent === undefined || hasMultilineString(model, statement)) return undefined;
  const connection = freeName(model, model.scopeNodeOf(call), ['conn', 'connection', 'sa_conn']);
  if (!connection) return undefined;
  const engineText = model.textOf(engine);
  // Every execution on the same engine in this statement moves onto the connection.
  const receivers = receiversOf(model);
  const engineUses = methodCalls(model, new Set(['execute', 'scalar']))
    .filter((p) => p.object && p.call.startIndex >= statement.startIndex && p.call.endIndex <= statement.endIndex)
    .filter((p) => model.textOf(p.object!) === engineText && receivers.kindOf(p.object!) === 'engine')
    .map((p) => p.object!);
  let body = '';
  let cursor = statement.startIndex;
  for (const use of engineUses) {
    body += model.text.slice(cursor, use.startIndex) + connection;
    cursor = use.endIndex;
  }
  body += model.text.slice(cursor, statement.endIndex);
  const unit = indentUnit(model);
  const eol = model.text.includes('\r\n') ? '\r\n' : '\n';
  const newText = `with ${engineText}.begin() as ${connection}:${eol}${indent}${unit}${reindent(body, unit)}`;
  return {
    title: `Execute on a connection: with ${engineText}.begin() as ${connection}`,
    safety: 'review',
    edits: [{ start: statement.startIndex, end: statement.endIndex, newText }],
  };
}
