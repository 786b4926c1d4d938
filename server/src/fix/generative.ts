import type { Node } from '../parse/parser';
import type { ModuleModel } from '../semantics/model';
import { receiversOf } from '../semantics/receivers';
import { isTableExpression } from '../semantics/statements';
import type { TextEdit } from '../rules/types';
import { keywordName, keywordValue, type CallParts } from '../rules/helpers';
import { addedIndentUnit } from './indentation';
import { ensureImported } from './imports';

/** One generative call of the 2.0 form: `.where(x)`. */
export interface Step {
  method: string;
  args: string;
}

export interface Steps {
  steps: Step[];
  /** Imports the steps need (`LABEL_STYLE_TABLENAME_PLUS_COL`). */
  edits: TextEdit[];
}

export const LABEL_STYLE_NAMES = new Set([
  'sqlalchemy.LABEL_STYLE_TABLENAME_PLUS_COL', 'sqlalchemy.sql.LABEL_STYLE_TABLENAME_PLUS_COL',
  'sqlalchemy.sql.expression.LABEL_STYLE_TABLENAME_PLUS_COL', 'sqlalchemy.sql.selectable.LABEL_STYLE_TABLENAME_PLUS_COL',
]);

/** Column methods that return one clause, never a list. */
const CLAUSE_METHODS = new Set([
  'desc', 'asc', 'label', 'nulls_first', 'nulls_last', 'nullsfirst', 'nullslast', 'in_', 'not_in', 'notin_',
  'like', 'ilike', 'is_', 'is_not', 'isnot', 'collate', 'between', 'op', 'contains', 'startswith', 'endswith',
  'distinct', 'cast', 'subquery', 'alias', 'scalar_subquery', 'join', 'outerjoin', 'any', 'has', 'match',
]);
const SCALAR_LITERALS = new Set(['string', 'concatenated_string', 'integer', 'float', 'true', 'false', 'none']);

export function chainText(steps: Step[]): string {
  return steps.map((s) => `.${s.method}(${s.args})`).join('');
}

/**
 * `head` followed by the steps, replacing `call`: on one line when the call was on one line, else
 * one step per line inside parentheses, so that a long chain stays readable.
 */
export function chainReplacing(model: ModuleModel, call: Node, head: string, steps: Step[]): string {
  if (!model.textOf(call).includes('\n') || steps.length === 0) return head + chainText(steps);
  const lineStart = model.text.lastIndexOf('\n', call.startIndex - 1) + 1;
  const indent = /^[ \t]*/.exec(model.text.slice(lineStart, call.startIndex))![0];
  const inner = indent + addedIndentUnit(model, indent);
  const eol = model.text.includes('\r\n') ? '\r\n' : '\n';
  const lines = [head, ...steps.map((s) => `.${s.method}(${s.args})`)].map((line) => `${inner}${line}`);
  return `(${eol}${lines.join(eol)}${eol}${indent})`;
}

function items(node: Node): Node[] {
  return node.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
}

/**
 * A sequence argument as positional arguments: `[a, b]` gives `a, b`, a list comprehension or a
 * name bound to a list is spread with `*`. Undefined when the value may not be a sequence.
 */
export function sequenceItems(model: ModuleModel, node: Node): string | undefined {
  if (node.type === 'list' || node.type === 'tuple') {
    // Comments inside the brackets would be lost by joining the items: keep the text as written.
    if (node.namedChildren.some((n) => n?.type === 'comment')) return model.text.slice(node.startIndex + 1, node.endIndex - 1).trim().replace(/,$/, '');
    return items(node).map((n) => model.textOf(n)).join(', ');
  }
  if (node.type === 'list_comprehension' || node.type === 'generator_expression') return `*${model.textOf(node)}`;
  if (node.type === 'identifier' && receiversOf(model).kindOf(node) === 'list') return `*${node.text}`;
  return undefined;
}

/** True when the expression is one SQL clause (a column, a condition, a table), never a list. */
export function isSingleClause(model: ModuleModel, node: Node, depth = 0): boolean {
  if (depth > 10) return false;
  if (SCALAR_LITERALS.has(node.type)) return true;
  if (['comparison_operator', 'boolean_operator', 'not_operator', 'unary_operator'].includes(node.type)) return true;
  if (node.type === 'parenthesized_expression') return node.namedChildCount === 1 && isSingleClause(model, node.namedChildren[0]!, depth + 1);
  if (isTableExpression(model, node)) return true;
  if (node.type === 'identifier') {
    const bindings = model.lookup(node.text, node);
    return bindings?.length === 1 && bindings[0].kind === 'assign' && !!bindings[0].value && isSingleClause(model, bindings[0].value, depth + 1);
  }
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    if (!object) return false;
    // `users.c.name`, `users.columns.name`, `User.name` (a mapped attribute).
    if (object.type === 'attribute' && ['c', 'columns'].includes(object.childForFieldName('attribute')?.text ?? '')) return true;
    return object.type === 'identifier' && /^[A-Z]/.test(object.text) && /^[a-z_]/.test(node.childForFieldName('attribute')?.text ?? '');
  }
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    if (!fn) return false;
    if (model.qualifiedName(fn)?.startsWith('sqlalchemy.')) return true;
    if (fn.type !== 'attribute') return false;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    const object = fn.childForFieldName('object');
    // `func.count(...)`: a SQL function through the `func` namespace.
    if (object && model.qualifiedName(object)?.startsWith('sqlalchemy.')) return true;
    return CLAUSE_METHODS.has(method) && !!object && isSingleClause(model, object, depth + 1);
  }
  return false;
}

/** As 1.x's `to_list()` read an argument: a sequence is spread, a single clause passes as it is. */
export function listOrSingle(model: ModuleModel, node: Node): string | undefined {
  const spread = sequenceItems(model, node);
  if (spread !== undefined) return spread;
  return isSingleClause(model, node) ? model.textOf(node) : undefined;
}

/** The arguments of a legacy call by parameter name: positionals by `positions`, then keywords. */
export function namedArguments(parts: Pick<CallParts, 'positional' | 'keywords' | 'splats'>, positions: readonly string[]): Map<string, Node> | undefined {
  if (parts.splats.length > 0 || parts.positional.length > positions.length) return undefined;
  const named = new Map<string, Node>();
  parts.positional.forEach((arg, index) => named.set(positions[index], arg));
  for (const keyword of parts.keywords) {
    const name = keywordName(keyword);
    const value = keywordValue(keyword);
    if (!name || !value || named.has(name)) return undefined;
    named.set(name, value);
  }
  return named;
}

type StepMaker = (model: ModuleModel, value: Node, useSite: Node) => Steps | Step | null | undefined;

const flag = (method: string): StepMaker => (_model, value) => {
  if (value.type === 'false') return null;
  return value.type === 'true' ? { method, args: '' } : undefined;
};
const clause = (method: string): StepMaker => (model, value) => (value.type === 'none' ? null : { method, args: model.textOf(value) });
const toList = (method: string): StepMaker => (model, value) => {
  if (value.type === 'none') return null;
  const args = listOrSingle(model, value);
  return args === undefined ? undefined : { method, args };
};
const sequence = (method: string): StepMaker => (model, value) => {
  if (value.type === 'none') return null;
  const args = sequenceItems(model, value);
  return args === undefined ? undefined : { method, args };
};

/** Legacy `select()` arguments and their generative twins, in the order the chain is written. */
const SELECT_STEPS: [string, StepMaker][] = [
  ['from_obj', toList('select_from')],
  // Never a 1.x keyword, but the migration guide writes it so: it can only mean the FROM list.
  ['select_from', toList('select_from')],
  ['whereclause', clause('where')],
  ['group_by', toList('group_by')],
  ['having', clause('having')],
  ['order_by', toList('order_by')],
  ['limit', clause('limit')],
  ['offset', clause('offset')],
  ['distinct', (model, value) => {
    if (value.type === 'true' || value.type === 'false') return flag('distinct')(model, value, value);
    return toList('distinct')(model, value, value);
  }],
  ['correlate', (_model, value) => {
    if (value.type === 'true') return null;
    return value.type === 'false' ? { method: 'correlate', args: 'None' } : undefined;
  }],
  ['use_labels', (model, value, useSite) => {
    if (value.type === 'false') return null;
    if (value.type !== 'true') return undefined;
    const style = ensureImported(model, 'sqlalchemy', 'LABEL_STYLE_TABLENAME_PLUS_COL', useSite, LABEL_STYLE_NAMES);
    return style && { steps: [{ method: 'set_label_style', args: style.expression }], edits: style.edits };
  }],
  ['prefixes', sequence('prefix_with')],
  ['suffixes', sequence('suffix_with')],
];

/** Legacy `insert()` / `update()` / `delete()` arguments and their generative twins. */
const DML_STEPS: [string, StepMaker][] = [
  ['whereclause', clause('where')],
  ['values', (model, value) => (value.type === 'none' ? null : { method: 'values', args: model.textOf(value) })],
  ['inline', flag('inline')],
  ['returning', sequence('returning')],
  ['return_defaults', flag('return_defaults')],
  ['prefixes', sequence('prefix_with')],
];

function stepsFor(table: [string, StepMaker][], model: ModuleModel, args: Map<string, Node>, useSite: Node, handled: ReadonlySet<string>): Steps | undefined {
  const known = new Set(table.map(([name]) => name));
  if ([...args.keys()].some((name) => !known.has(name) && !handled.has(name))) return undefined;
  const result: Steps = { steps: [], edits: [] };
  for (const [name, make] of table) {
    const value = args.get(name);
    if (!value) continue;
    const made = make(model, value, useSite);
    if (made === undefined) return undefined;
    if (made === null) continue;
    if ('steps' in made) {
      result.steps.push(...made.steps);
      result.edits.push(...made.edits);
    } else result.steps.push(made);
  }
  return result;
}

/** The generative calls that do what the legacy `select()` keywords did; undefined when one has no safe twin. */
export function selectSteps(model: ModuleModel, args: Map<string, Node>, useSite: Node): Steps | undefined {
  return stepsFor(SELECT_STEPS, model, args, useSite, new Set(['columns']));
}

/** The same for DML constructors; `preserve_parameter_order` and `values` are the caller's when both are there. */
export function dmlSteps(model: ModuleModel, args: Map<string, Node>, useSite: Node): Steps | undefined {
  const ordered = args.get('preserve_parameter_order');
  if (ordered && ordered.type !== 'false') {
    if (ordered.type !== 'true') return undefined;
    const values = args.get('values');
    const rest = new Map([...args].filter(([name]) => name !== 'preserve_parameter_order' && name !== 'values'));
    const steps = stepsFor(DML_STEPS, model, rest, useSite, new Set());
    if (!steps || !values) return steps;
    // `values=[(col, v), ...]` kept in order becomes `ordered_values((col, v), ...)`, right after any WHERE.
    const pairs = sequenceItems(model, values);
    if (pairs === undefined) return undefined;
    const at = steps.steps.findIndex((s) => s.method !== 'where');
    steps.steps.splice(at === -1 ? steps.steps.length : at, 0, { method: 'ordered_values', args: pairs });
    return steps;
  }
  return stepsFor(DML_STEPS, model, args, useSite, new Set(['preserve_parameter_order']));
}
