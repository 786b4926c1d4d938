import type { Node } from '../parse/parser';
import type { Fix, Rule, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { checkedMethodCalls } from './helpers';
import { isSessionLike, receiversOf, type Receivers } from '../semantics/receivers';
import { isCoreStatement } from '../semantics/statements';

/** Result methods that return one row, or a list of rows. */
const ONE_ROW = new Set(['fetchone', 'first', 'one', 'one_or_none']);
const ROW_LISTS = new Set(['fetchall', 'fetchmany', 'all']);
/** Mapping-style methods of 1.x rows, and what they become on `row._mapping`. */
const MAPPING_METHODS = new Set(['keys', 'items', 'values', 'iterkeys', 'itervalues', 'has_key']);
/** Callers that take any iterable, so a keys view serves as well as the list 1.x returned. */
const ITERABLE_CONSUMERS = new Set(['list', 'tuple', 'set', 'sorted', 'len', 'dict', 'enumerate', 'zip', 'frozenset', 'join', 'any', 'all']);

/** Places where `k in row._mapping` needs no parentheses of its own. */
const LOOSE_CONTEXTS = new Set([
  'expression_statement', 'parenthesized_expression', 'argument_list', 'if_statement', 'elif_clause', 'while_statement',
  'assignment', 'return_statement', 'boolean_operator', 'not_operator', 'keyword_argument', 'list', 'tuple',
  'assert_statement', 'pair', 'conditional_expression',
]);

/**
 * SQA111 row-string-index: result rows read like dictionaries.
 */
export const rowStringIndex: Rule = {
  code: 'SQA111',
  id: 'row-string-index',
  tier: 'removed',
  fixable: 'review',
  guide: { anchor: 'migration-20-result-rows', title: 'Result rows act like named tuples' },
  docs: {
    summary: 'a result row used as a dictionary',
    what: 'Flags `row["name"]`, `row[users.c.name]`, `"name" in row`, `row.keys()` (and `items()`, `values()`, `has_key()`) and `dict(row)` on rows of a SQLAlchemy result: rows from iterating `conn.execute(...)`, from `fetchone()`, `first()`, `one()`, or from a `fetchall()` / `all()` list.',
    why: 'In 2.0 a `Row` behaves like a named tuple: `row["name"]` raises, `"name" in row` tests the values instead of the keys, and `keys()` is gone. The dictionary view of a row is `row._mapping`; 1.4 already has it and warns about the old forms.',
    example: 'for row in conn.execute(select(users)):\n    print(row["name"], "id" in row, row.keys())',
    useInstead: 'for row in conn.execute(select(users)):\n    print(row._mapping["name"], "id" in row._mapping, row._mapping.keys())',
    fixSafety: 'Needs review: the fix reads through `row._mapping`, which gives the same values on 1.4 and 2.0. It is offered only where the value is known to be a row, and only for string or column keys (an integer index is a tuple access and stays). on 1.4, `row.keys()` was already the keys view that `row._mapping.keys()` returns; `items()` and `values()` returned lists where `_mapping` returns views, so those are wrapped in `list()` unless the result is only iterated.',
  },
  check(context) {
    const { model } = context;
    const rows = new RowTracker(model);
    const message = (form: string) => `Rows are named tuples in 2.0: ${form} no longer works on a row; use row._mapping`;
    for (const subscript of model.checkedNodes('subscript')) {
      const value = subscript?.childForFieldName('value');
      const keys = subscript?.childrenForFieldName('subscript').filter((n): n is Node => !!n) ?? [];
      if (!subscript || !value || keys.length !== 1 || !isKey(model, keys[0]) || !rows.isRow(value)) continue;
      if (subscript.parent?.type === 'assignment' && subscript.parent.childForFieldName('left')?.id === subscript.id) continue;
      context.report(subscript, message('row[key]'), mappingFix(value));
    }
    for (const comparison of model.checkedNodes('comparison_operator')) {
      // The operator first: most comparisons are not membership tests.
      const operator = comparison?.childrenForFieldName('operators').map((o) => o?.type).join(' ');
      if (!comparison || (operator !== 'in' && operator !== 'not in')) continue;
      const operands = comparison.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
      if (operands.length !== 2) continue;
      if (!isKey(model, operands[0]) || !rows.isRow(operands[1])) continue;
      context.report(comparison, message('"key" in row'), mappingFix(operands[1]));
    }
    for (const parts of checkedMethodCalls(model, MAPPING_METHODS)) {
      if (!parts.object || !rows.isRow(parts.object)) continue;
      context.report(parts.call, message(`row.${parts.method}()`), methodFix(model, parts.call, parts.object, parts.method!));
    }
    for (const call of model.checkedNodes('call')) {
      const fn = call.childForFieldName('function');
      if (fn?.type !== 'identifier' || fn.text !== 'dict' || model.lookup('dict', fn)) continue;
      const args = call.childForFieldName('arguments')?.namedChildren ?? [];
      if (args.length !== 1 || !args[0]) continue;
      if (!rows.isRow(args[0])) continue;
      context.report(call, message('dict(row)'), mappingFix(args[0]));
    }
  },
};

/** What can only be a mapping key: a string, or a column such as `users.c.name`. */
function isKey(model: ModuleModel, node: Node): boolean {
  if (node.type === 'string' || node.type === 'concatenated_string') return true;
  if (node.type === 'attribute') {
    const collection = node.childForFieldName('object');
    return collection?.type === 'attribute' && ['c', 'columns'].includes(collection.childForFieldName('attribute')?.text ?? '');
  }
  if (node.type !== 'identifier') return false;
  const bindings = model.lookup(node.text, node);
  return bindings?.length === 1 && bindings[0].kind === 'assign' && !!bindings[0].value && bindings[0].value.type === 'string';
}

function mappingFix(row: Node): Fix {
  return { title: 'Read the row through row._mapping', safety: 'review', edits: [{ start: row.endIndex, end: row.endIndex, newText: '._mapping' }] };
}

/** `row.keys()` -> `row._mapping.keys()`, `row.items()` -> `list(row._mapping.items())`, `row.has_key(k)` -> `k in row._mapping`. */
function methodFix(model: ModuleModel, call: Node, row: Node, method: string): Fix | undefined {
  const rowText = model.textOf(row);
  let newText: string;
  if (method === 'has_key') {
    const args = call.childForFieldName('arguments')?.namedChildren.filter((n): n is Node => !!n) ?? [];
    if (args.length !== 1 || args[0].type === 'keyword_argument') return undefined;
    newText = `${model.textOf(args[0])} in ${rowText}._mapping`;
    if (!LOOSE_CONTEXTS.has(call.parent?.type ?? '')) newText = `(${newText})`;
  } else {
    // 1.4's keys() was already the same keys view that `_mapping.keys()` returns; items() and values() were lists.
    const view = `${rowText}._mapping.${method.replace(/^iter/, '')}()`;
    newText = method === 'keys' || method.startsWith('iter') || onlyIterated(call) ? view : `list(${view})`;
  }
  const edit: TextEdit = { start: call.startIndex, end: call.endIndex, newText };
  return { title: 'Read the row through row._mapping', safety: 'review', edits: [edit] };
}

function onlyIterated(call: Node): boolean {
  const parent = call.parent;
  if (!parent) return false;
  if ((parent.type === 'for_statement' || parent.type === 'for_in_clause') && parent.childForFieldName('right')?.id === call.id) return true;
  if (parent.type !== 'argument_list' || parent.namedChildCount !== 1) return false;
  const fn = parent.parent?.childForFieldName('function');
  const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
  return !!name && ITERABLE_CONSUMERS.has(name);
}

/** Knows which expressions hold results, row lists and rows. */
class RowTracker {
  private readonly receivers: Receivers;

  constructor(private readonly model: ModuleModel) {
    this.receivers = receiversOf(model);
  }

  isRow(node: Node, depth = 0): boolean {
    if (depth > 10) return false;
    if (node.type === 'call') return ONE_ROW.has(this.method(node) ?? '') && this.isResult(this.receiver(node)!, depth + 1);
    if (node.type === 'subscript') {
      const index = node.childrenForFieldName('subscript')[0];
      const list = node.childForFieldName('value');
      const integer = index?.type === 'integer' || (index?.type === 'unary_operator' && index.namedChildren[0]?.type === 'integer');
      return integer && !!list && this.isRowList(list, depth + 1);
    }
    return this.everyBinding(node, depth, (value, kind) => {
      if (kind === 'for') return this.isResult(value, depth + 1) || this.isRowList(value, depth + 1);
      return kind === 'assign' && this.isRow(value, depth + 1);
    });
  }

  private isRowList(node: Node, depth: number): boolean {
    if (depth > 10) return false;
    if (node.type === 'call') {
      const fn = node.childForFieldName('function');
      const args = node.childForFieldName('arguments')?.namedChildren ?? [];
      if (fn?.type === 'identifier' && fn.text === 'list' && !this.model.lookup('list', fn)) return args.length === 1 && !!args[0] && this.isResult(args[0], depth + 1);
      return ROW_LISTS.has(this.method(node) ?? '') && this.isResult(this.receiver(node)!, depth + 1);
    }
    return this.everyBinding(node, depth, (value, kind) => kind === 'assign' && this.isRowList(value, depth + 1));
  }

  private isResult(node: Node, depth: number): boolean {
    if (depth > 10 || !node) return false;
    if (node.type === 'call') {
      if (this.method(node) !== 'execute') return false;
      const executor = this.receiver(node)!;
      const kind = this.receivers.kindOf(executor);
      // `stmt.execute()` is implicit execution on a bound statement; it returns the same result.
      return kind === 'connection' || kind === 'engine' || isSessionLike(kind) || isCoreStatement(this.model, executor);
    }
    return this.everyBinding(node, depth, (value, kind) => kind === 'assign' && this.isResult(value, depth + 1));
  }

  private everyBinding(node: Node, depth: number, test: (value: Node, kind: string) => boolean): boolean {
    if (node.type !== 'identifier' || depth > 10) return false;
    const bindings = this.model.lookup(node.text, node);
    return !!bindings && bindings.length > 0 && bindings.every((b) => !!b.value && b.value.id !== node.id && test(b.value, b.kind));
  }

  private method(call: Node): string | undefined {
    const fn = call.childForFieldName('function');
    return fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  }

  private receiver(call: Node): Node | undefined {
    return call.childForFieldName('function')?.childForFieldName('object') ?? undefined;
  }
}
