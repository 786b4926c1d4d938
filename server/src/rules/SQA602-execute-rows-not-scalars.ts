import type { Node } from '../parse/parser';
import type { Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts } from './helpers';
import { receiversOf } from '../semantics/receivers';
import { SELECT_FUNCTIONS, SELECT_COMPATIBLE_BUILDERS } from '../semantics/names';
import { queryShape } from '../semantics/queryChain';
import { loopVariableReferences, referencesTo, soleBinding } from '../semantics/references';

/** `Select` methods that keep the selected columns as they are. */
const ENTITY_PRESERVING_BUILDERS = new Set([...SELECT_COMPATIBLE_BUILDERS, 'join_from', 'fetch', 'prefix_with', 'suffix_with', 'with_hint']);
/** Result methods that return one row, or a list of rows; `ScalarResult` has the same ones but `fetchone()`. */
const ROW_METHODS = new Set(['first', 'one', 'one_or_none', 'fetchone']);
const LIST_METHODS = new Set(['all', 'fetchall', 'fetchmany']);
/** What a `Row` answers to as a tuple: reading one of these means the code wants the row. */
const ROW_ATTRIBUTES = new Set(['count', 'index', 'keys', 't', 'tuple']);
/** Builtins that treat their argument as a sequence, which a row is and an entity is not. */
const SEQUENCE_BUILTINS = new Set(['len', 'tuple', 'list', 'dict', 'iter', 'set', 'sorted', 'reversed', 'zip', 'enumerate']);

/** What the uses of a result say about the rows it yields. */
interface Evidence {
  /** An attribute of the entity is read from a row. */
  entity: boolean;
  /** A row is indexed, unpacked or read as a Row. */
  row: boolean;
  /** The result itself goes somewhere this rule does not follow. */
  escapes: boolean;
  /** `fetchone()`, which `ScalarResult` lacks. */
  fetchone: boolean;
}

type Level = 'result' | 'list' | 'row';

/**
 * SQA602 execute-rows-not-scalars: rows of a one-entity select read as if they were the entities.
 */
export const executeRowsNotScalars: Rule = {
  code: 'SQA602',
  id: 'execute-rows-not-scalars',
  tier: 'pitfall',
  fixable: 'safe',
  guide: { anchor: 'migration-20-unify-select', title: 'ORM Query Unified with Core Select' },
  docs: {
    summary: '`session.execute(select(Entity))` rows used as entities',
    what: 'Flags `session.execute(select(Entity))` (sync or awaited, inline or through variables) whose rows, taken from `first()`, `one()`, `one_or_none()`, `fetchone()`, `all()`, `fetchall()` or a `for` loop, have an attribute of the entity read from them (`user.name`), and are never indexed, unpacked or read as rows (`row[0]`, `(user,) = row`, `row.User`, `row._mapping`). Only statements that select exactly one entity are considered.',
    why: '`Session.execute()` returns `Row` tuples even when one entity is selected: each row holds the object under the key `User`, and `row.name` raises `AttributeError`. This is the usual slip when `session.query(User)` becomes `session.execute(select(User))`: `Query` returned the objects themselves. `Session.scalars()` (or `.scalars()` on the result) yields the first element of each row, which is the object.',
    example: 'users = session.execute(select(User).where(User.name == "ed")).all()\nfor user in users:\n    print(user.name)',
    useInstead: 'users = session.scalars(select(User).where(User.name == "ed")).all()\nfor user in users:\n    print(user.name)',
    fixSafety: 'Marked safe, but by design not behaviour-preserving: it changes what the code gets, from rows to objects. The fix renames `execute` to `scalars` (the same arguments, on `Session`, `scoped_session` and `AsyncSession` alike, 1.4.24 and later), so the rows become the entities. It is offered only where the old code reads an entity attribute from a row, which raises `AttributeError` on 1.4 and 2.0 alike, and nothing reads the rows as rows. Results read with `fetchone()`, which `ScalarResult` does not have, are flagged without a fix (use `.first()`).',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      if (!parts?.object || parts.method !== 'execute' || !parts.methodNode) continue;
      const sessionKind = receivers.kindOf(parts.object);
      if (sessionKind !== 'session' && sessionKind !== 'scopedSession' && sessionKind !== 'asyncSession') continue;
      const statement = parts.positional[0];
      const entity = statement && selectedEntity(model, statement, 0);
      if (!entity) continue;
      // An AsyncSession's result exists only once awaited; an awaited `session` is an AsyncSession.
      const awaited = call.parent?.type === 'await';
      if (!awaited && sessionKind === 'asyncSession') continue;
      const evidence: Evidence = { entity: false, row: false, escapes: false, fetchone: false };
      follow(model, awaited ? call.parent! : call, 'result', rowKeys(model, entity), evidence);
      if (!evidence.entity || evidence.row || evidence.escapes) continue;
      const entityText = model.textOf(entity);
      const message = `Session.execute() yields Row tuples, but these rows are used as ${entityText} objects; use Session.scalars()`;
      const fix = evidence.fetchone
        ? undefined
        : { title: 'Use session.scalars()', safety: 'safe' as const, edits: [{ start: parts.methodNode.startIndex, end: parts.methodNode.endIndex, newText: 'scalars' }] };
      context.report(call, message, fix);
    }
  },
};

/** The one entity a `select()` statement returns, through builders and variables; undefined for anything else. */
function selectedEntity(model: ModuleModel, node: Node, depth: number): Node | undefined {
  if (depth > 10) return undefined;
  if (node.type === 'parenthesized_expression') return node.namedChildren[0] ? selectedEntity(model, node.namedChildren[0], depth + 1) : undefined;
  if (node.type === 'identifier') return variableEntity(model, node, depth);
  const parts = node.type === 'call' ? callParts(node) : undefined;
  if (!parts) return undefined;
  if (SELECT_FUNCTIONS.has(model.qualifiedName(parts.fn) ?? '')) {
    const only = parts.positional[0];
    if (parts.positional.length !== 1 || parts.keywords.length + parts.splats.length > 0) return undefined;
    return queryShape(model, [only]) === 'entity' ? only : undefined;
  }
  if (!parts.object || !ENTITY_PRESERVING_BUILDERS.has(parts.method ?? '')) return undefined;
  return selectedEntity(model, parts.object, depth + 1);
}

/** `stmt = select(User)` and `stmt = stmt.where(...)`: the entity, when every assignment agrees on it. */
function variableEntity(model: ModuleModel, name: Node, depth: number): Node | undefined {
  const bindings = model.lookup(name.text, name);
  if (!bindings || bindings.some((b) => b.kind !== 'assign' || !b.value)) return undefined;
  let found: Node | undefined;
  for (const binding of bindings) {
    if (chainBase(binding.value!)?.text === name.text) continue;
    const entity = selectedEntity(model, binding.value!, depth + 1);
    if (!entity || (found && model.textOf(found) !== model.textOf(entity))) return undefined;
    found = entity;
  }
  return found;
}

/** The innermost object of a method chain, `stmt` in `stmt.where(...).limit(1)`. */
function chainBase(node: Node): Node | undefined {
  let current = node;
  while (current.type === 'call') {
    const fn = current.childForFieldName('function');
    if (fn?.type !== 'attribute' || !ENTITY_PRESERVING_BUILDERS.has(fn.childForFieldName('attribute')?.text ?? '')) return undefined;
    current = fn.childForFieldName('object')!;
  }
  return current.type === 'identifier' ? current : undefined;
}

/** Names under which a Row holds the entity: the class name, or an `aliased(..., name="x")` name. */
function rowKeys(model: ModuleModel, entity: Node): Set<string> {
  const keys = new Set([entity.text.split('.').pop() ?? entity.text]);
  if (entity.type !== 'identifier') return keys;
  const value = model.lookup(entity.text, entity)?.[0]?.value;
  const nameArg = value?.type === 'call' ? callParts(value)?.keywords.find((k) => k.childForFieldName('name')?.text === 'name') : undefined;
  const alias = nameArg?.childForFieldName('value');
  if (alias?.type === 'string') keys.add(model.textOf(alias).replace(/^[rbuf]*['"]+|['"]+$/gi, ''));
  return keys;
}

/** Collects what the uses of `expr` (a result, a list of rows or one row) say about the rows. */
function follow(model: ModuleModel, expr: Node, level: Level, keys: Set<string>, evidence: Evidence): void {
  let node = expr;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (!parent) return;
  // `for x in expr` and comprehensions: the loop variable is one row.
  if ((parent.type === 'for_statement' || parent.type === 'for_in_clause') && parent.childForFieldName('right')?.id === node.id) {
    if (level === 'row') evidence.row = true;
    else followLoopVariable(model, parent, keys, evidence);
    return;
  }
  if (parent.type === 'assignment' && parent.childForFieldName('right')?.id === node.id) {
    const target = parent.childForFieldName('left')!;
    // Unpacking a row reads it as a tuple.
    if (level === 'row' && target.type !== 'identifier' && target.type !== 'attribute' && target.type !== 'subscript') return void (evidence.row = true);
    const binding = soleBinding(model, target);
    if (!binding) return void (evidence.escapes = true);
    for (const use of referencesTo(model, binding)) follow(model, use, level, keys, evidence);
    return;
  }
  if (level === 'result') return followResult(model, node, parent, evidence, keys);
  if (parent.type === 'subscript' && parent.childForFieldName('value')?.id === node.id) {
    if (level === 'row') evidence.row = true;
    else follow(model, parent, parent.childForFieldName('subscript')?.type === 'slice' ? 'list' : 'row', keys, evidence);
    return;
  }
  if (level === 'list') return;
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.id === node.id) {
    const attribute = parent.childForFieldName('attribute')?.text ?? '';
    if (attribute.startsWith('_') || ROW_ATTRIBUTES.has(attribute) || keys.has(attribute)) evidence.row = true;
    else evidence.entity = true;
    return;
  }
  if (parent.type === 'list_splat' || isSequenceBuiltinArgument(parent)) evidence.row = true;
}

function followResult(model: ModuleModel, node: Node, parent: Node, evidence: Evidence, keys: Set<string>): void {
  const call = parent.parent;
  const method = parent.type === 'attribute' && parent.childForFieldName('object')?.id === node.id ? parent.childForFieldName('attribute')?.text ?? '' : '';
  if (call?.type !== 'call' || call.childForFieldName('function')?.id !== parent.id) return void (evidence.escapes = true);
  if (ROW_METHODS.has(method)) {
    if (method === 'fetchone') evidence.fetchone = true;
    return follow(model, call, 'row', keys, evidence);
  }
  if (LIST_METHODS.has(method)) return follow(model, call, 'list', keys, evidence);
  // `.scalars()`, `.mappings()`, `.unique()` and the like: read some other way.
  evidence.escapes = true;
}

function followLoopVariable(model: ModuleModel, loop: Node, keys: Set<string>, evidence: Evidence): void {
  const variable = loop.childForFieldName('left');
  if (variable?.type !== 'identifier') return void (evidence.row = true);
  const uses = loopVariableReferences(model, loop, variable);
  if (!uses) return void (evidence.escapes = true);
  for (const use of uses) follow(model, use, 'row', keys, evidence);
}

/** `len(row)`, `tuple(row)`: the row read as a sequence. */
function isSequenceBuiltinArgument(parent: Node): boolean {
  if (parent.type !== 'argument_list') return false;
  const callee = parent.parent?.childForFieldName('function');
  return callee?.type === 'identifier' && SEQUENCE_BUILTINS.has(callee.text);
}
