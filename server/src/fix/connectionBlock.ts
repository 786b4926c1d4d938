import type { Node } from '../parse/parser';
import type { ModuleModel } from '../semantics/model';
import type { TextEdit } from '../rules/types';
import { enclosingStatement, hasMultilineString, lineIndentOf, reindent } from '../rules/helpers';
import { addedIndentUnit } from './indentation';

/** Result methods that read everything they need before the statement ends. */
const CONSUMING = new Set([
  'fetchall', 'fetchone', 'fetchmany', 'first', 'scalar', 'all', 'one', 'one_or_none', 'scalar_one',
  'scalar_one_or_none', 'rowcount', 'inserted_primary_key', 'lastrowid', 'keys',
]);
const MATERIALIZING_CALLS = new Set(['list', 'tuple', 'set', 'sorted', 'dict']);
const WRAPPABLE = new Set(['expression_statement', 'return_statement', 'for_statement']);

/** One execution in the statement, and its text once it runs on the connection named `connection`. */
export interface ConnectionUse {
  call: Node;
  rewrite(connection: string): string;
}

/**
 * Wraps the statement that holds `uses[0].call` in `with <engine>.begin() as conn:` and runs each
 * use on that connection. Undefined when a result could be read after the block has closed the
 * connection, or when the statement cannot be re-indented as it is.
 */
export function connectionBlockEdit(model: ModuleModel, engineText: string, uses: ConnectionUse[]): { edit: TextEdit; connection: string } | undefined {
  const first = uses[0]?.call;
  const statement = first && enclosingStatement(first);
  if (!statement || !WRAPPABLE.has(statement.type)) return undefined;
  if (uses.some((u) => u.call.startIndex < statement.startIndex || u.call.endIndex > statement.endIndex)) return undefined;
  if (statement.type === 'for_statement' && !uses.some((u) => statement.childForFieldName('right')?.id === u.call.id)) return undefined;
  if (!uses.every((u) => isConsumedInStatement(u.call, statement))) return undefined;
  // Nested uses would be rewritten twice.
  if (uses.some((a) => uses.some((b) => a !== b && a.call.startIndex <= b.call.startIndex && b.call.endIndex <= a.call.endIndex))) return undefined;
  const indent = lineIndentOf(model, statement);
  if (indent === undefined || hasMultilineString(model, statement)) return undefined;
  const connection = freeName(model, model.scopeNodeOf(first), ['conn', 'connection', 'sa_conn']);
  if (!connection) return undefined;
  let body = '';
  let cursor = statement.startIndex;
  for (const use of [...uses].sort((a, b) => a.call.startIndex - b.call.startIndex)) {
    body += model.text.slice(cursor, use.call.startIndex) + use.rewrite(connection);
    cursor = use.call.endIndex;
  }
  body += model.text.slice(cursor, statement.endIndex);
  const unit = addedIndentUnit(model, indent);
  const eol = model.text.includes('\r\n') ? '\r\n' : '\n';
  const newText = `with ${engineText}.begin() as ${connection}:${eol}${indent}${unit}${reindent(body, unit)}`;
  return { edit: { start: statement.startIndex, end: statement.endIndex, newText }, connection };
}

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
  const used = new Set(model.scopeDescendants(scope, 'identifier').map((n) => n.text));
  return preferred.find((name) => !used.has(name) && !model.moduleBindings(name));
}
