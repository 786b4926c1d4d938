import type { Node } from '../parse/parser';
import type { Rule, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { hasMultilineString, isStringLiteral, lineIndentOf, checkedMethodCalls, reindent } from './helpers';
import { addedIndentUnit } from '../fix/indentation';
import { receiversOf } from '../semantics/receivers';

const POSITIONAL_LITERALS = new Set(['tuple', 'integer', 'float', 'string', 'concatenated_string', 'true', 'false']);

/**
 * SQA108 execute-multiparams: several parameter sets as separate arguments, or positional parameters.
 */
export const executeMultiparams: Rule = {
  code: 'SQA108',
  id: 'execute-multiparams',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'execute-method-more-strict-execution-options-are-more-prominent', title: 'execute() method more strict, execution options are more prominent' },
  docs: {
    summary: 'parameter sets passed to `execute()` as separate arguments, or positionally',
    what: 'Flags `conn.execute(stmt, {...}, {...})` (one argument per row) and positional parameters such as `conn.execute(stmt, ("x", "y"))` or `conn.execute(stmt, 5)`, on a SQLAlchemy Connection or Engine.',
    why: '2.0\'s `Connection.execute()` takes exactly one parameters argument: a dictionary for one row, a list of dictionaries for many. Several arguments, tuples and bare values were guessed at by 1.x and are no longer accepted; 1.4 warns about them.',
    example: 'conn.execute(users.insert(), {"name": "ed"}, {"name": "wendy"})',
    useInstead: 'conn.execute(users.insert(), [{"name": "ed"}, {"name": "wendy"}])',
    fixSafety: 'Safe when every row is written as a dictionary: the rows are gathered into one list, which 1.4 already read the same way (an executemany). Positional values and rows held in names of unknown shape are flagged without a fix: they need named parameters, or `exec_driver_sql()` for driver-level SQL.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['execute']))) {
      const kind = parts.object ? receivers.kindOf(parts.object) : 'unknown';
      if (kind !== 'connection' && kind !== 'engine') continue;
      const statement = parts.positional[0];
      const params = parts.positional.slice(1);
      const rowSplats = parts.splats.filter((s) => s.type === 'list_splat');
      if (!statement || params.length + rowSplats.length === 0) continue;
      // Plain SQL strings with driver placeholders are SQA106's (exec_driver_sql).
      const textual = isStringLiteral(statement) || receivers.kindOf(statement) === 'string';
      const all = [...params, ...rowSplats].sort((a, b) => a.startIndex - b.startIndex);
      if (params.length >= 2 || rowSplats.length > 0) {
        if (textual && !params.every((p) => isDictionary(model, p))) continue;
        const message = 'execute() takes several parameter sets as one list of dictionaries in 2.0';
        const clean = rowSplats.length === 0 && parts.keywords.length === 0 && parts.splats.length === 0;
        if (!clean || !params.every((p) => isDictionary(model, p))) {
          context.report(parts.call, message);
          continue;
        }
        context.report(parts.call, message, { title: 'Pass the parameter sets as one list', safety: 'safe', edits: listEdits(model, all) });
        continue;
      }
      if (textual || !isPositional(params[0])) continue;
      context.report(parts.call, 'execute() no longer takes positional parameters in 2.0; pass a dictionary of named parameters');
    }
  },
};

/** Brackets around the rows; rows written one per line become an indented list of their own. */
function listEdits(model: ModuleModel, rows: Node[]): TextEdit[] {
  const first = rows[0];
  const last = rows[rows.length - 1];
  const indent = lineIndentOf(model, first);
  const multiline = first.startPosition.row !== last.endPosition.row;
  if (!multiline || indent === undefined || rows.some((r) => hasMultilineString(model, r))) {
    return [{ start: first.startIndex, end: first.startIndex, newText: '[' }, { start: last.endIndex, end: last.endIndex, newText: ']' }];
  }
  const unit = addedIndentUnit(model, indent);
  const eol = model.text.includes('\r\n') ? '\r\n' : '\n';
  const body = reindent(model.text.slice(first.startIndex, last.endIndex), unit);
  return [{ start: first.startIndex, end: last.endIndex, newText: `[${eol}${indent}${unit}${body},${eol}${indent}]` }];
}

/** A dictionary literal or comprehension, `dict(...)`, or a name bound only to one of those. */
function isDictionary(model: ModuleModel, node: Node, depth = 0): boolean {
  if (depth > 10) return false;
  if (node.type === 'dictionary' || node.type === 'dictionary_comprehension') return true;
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    return fn?.type === 'identifier' && fn.text === 'dict' && !model.lookup('dict', fn);
  }
  if (node.type !== 'identifier') return false;
  const bindings = model.lookup(node.text, node);
  return !!bindings && bindings.every((b) => b.kind === 'assign' && !!b.value && isDictionary(model, b.value, depth + 1));
}

/** A tuple, a bare value, or a list of tuples: parameters by position, which only the driver understood. */
function isPositional(node: Node): boolean {
  if (POSITIONAL_LITERALS.has(node.type)) return true;
  if (node.type !== 'list') return false;
  const rows = node.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  return rows.length > 0 && rows.every((r) => r.type === 'tuple');
}
