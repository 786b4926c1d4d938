import type { Node } from '../parse/parser';
import type { Binding, ModuleModel } from './model';
import { receiversOf } from './receivers';

/** Calls that build a Table or another named FROM object. */
export const TABLE_FACTORIES = new Set([
  'sqlalchemy.Table', 'sqlalchemy.schema.Table', 'sqlalchemy.sql.schema.Table',
  'sqlalchemy.table', 'sqlalchemy.sql.table', 'sqlalchemy.sql.expression.table',
  'sqlalchemy.alias', 'sqlalchemy.sql.expression.alias', 'sqlalchemy.join', 'sqlalchemy.sql.expression.join',
  'sqlalchemy.outerjoin', 'sqlalchemy.sql.expression.outerjoin',
]);

/** Methods of a FROM object that return another FROM object. */
const FROM_METHODS = new Set(['alias', 'join', 'outerjoin', 'lateral', 'tablesample']);

/** Constructors of executable Core statements. */
const STATEMENT_FACTORY = /^sqlalchemy(\.sql)?(\.expression|\.dml|\.selectable)?\.(select|insert|update|delete|text|union|union_all|except_|intersect|exists)$|^sqlalchemy\.future\.select$|^sqlalchemy\.dialects\.\w+\.insert$/;

/** Methods that a Core statement answers with another statement. */
const STATEMENT_METHODS = new Set([
  'where', 'filter', 'filter_by', 'values', 'order_by', 'group_by', 'having', 'limit', 'offset', 'distinct',
  'select_from', 'join', 'outerjoin', 'join_from', 'outerjoin_from', 'correlate', 'correlate_except',
  'execution_options', 'params', 'bindparams', 'columns', 'with_only_columns', 'add_columns', 'returning',
  'inline', 'ordered_values', 'prefix_with', 'suffix_with', 'set_label_style', 'apply_labels', 'with_for_update',
  'union', 'union_all', 'return_defaults', 'with_hint', 'from_select', 'fetch', 'options', 'reduce_columns',
  'with_statement_hint', 'on_conflict_do_nothing', 'on_conflict_do_update', 'on_duplicate_key_update',
]);

const TABLE_TO_STATEMENT = new Set(['select', 'insert', 'update', 'delete']);

/** How many assigned values one question may follow through names. */
const MAX_VISITS = 200;

type Test = (model: ModuleModel, node: Node, seen: Set<number>) => boolean;

/**
 * True when every binding of the name passes `test`. A binding whose value is examined already
 * (`stmt = stmt.where(...)` refers to the name itself) neither proves nor disproves anything.
 */
function nameHolds(model: ModuleModel, name: Node, test: Test, seen: Set<number>): boolean {
  const bindings = model.lookup(name.text, name);
  // A name rebuilt thousands of times is not worth following to the end (nor the stack it would take).
  if (!bindings || seen.size > MAX_VISITS) return false;
  let decided = false;
  for (const binding of bindings) {
    const value = assignedValue(binding);
    if (!value) return false;
    if (seen.has(value.id)) {
      decided = true;
      continue;
    }
    seen.add(value.id);
    if (!test(model, value, seen)) return false;
    decided = true;
  }
  return decided;
}

function assignedValue(binding: Binding): Node | undefined {
  return binding.kind === 'assign' ? binding.value : undefined;
}

function unwrap(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1) current = current.namedChildren[0]!;
  return current;
}

function callee(node: Node): { fn: Node; object?: Node; method?: string } | undefined {
  if (node.type !== 'call') return undefined;
  const fn = node.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type !== 'attribute') return { fn };
  return { fn, object: fn.childForFieldName('object') ?? undefined, method: fn.childForFieldName('attribute')?.text };
}

/**
 * Follows a generative chain (`x.where(...).order_by(...)`) down to where it starts, in a loop:
 * chains can be thousands of calls long. Stops at the first call that is not one of `methods`.
 */
function chainStart(raw: Node, methods: ReadonlySet<string>): Node {
  let node = unwrap(raw);
  for (;;) {
    const parts = callee(node);
    if (!parts?.object || !parts.method || !methods.has(parts.method)) return node;
    node = unwrap(parts.object);
  }
}

const tableTest: Test = (model, raw, seen) => {
  const node = chainStart(raw, FROM_METHODS);
  switch (node.type) {
    case 'identifier':
      return nameHolds(model, node, tableTest, seen);
    case 'attribute': {
      // `User.__table__` on a mapped class.
      if (node.childForFieldName('attribute')?.text === '__table__') return model.usesSqlAlchemy;
      const qualified = model.qualifiedName(node);
      return !!qualified && TABLE_FACTORIES.has(qualified);
    }
    case 'subscript': {
      // `metadata.tables["users"]`
      const value = node.childForFieldName('value');
      if (value?.type !== 'attribute' || value.childForFieldName('attribute')?.text !== 'tables') return false;
      const holder = value.childForFieldName('object');
      return !!holder && receiversOf(model).kindOf(holder) === 'metadata';
    }
    case 'call': {
      const qualified = model.qualifiedName(callee(node)!.fn);
      return !!qualified && TABLE_FACTORIES.has(qualified);
    }
    default:
      return false;
  }
};

const statementTest: Test = (model, raw, seen) => {
  const node = chainStart(raw, STATEMENT_METHODS);
  if (node.type === 'identifier') return nameHolds(model, node, statementTest, seen);
  const parts = callee(node);
  if (!parts) return false;
  const qualified = model.qualifiedName(parts.fn);
  if (qualified) return STATEMENT_FACTORY.test(qualified);
  return !!parts.object && !!parts.method && TABLE_TO_STATEMENT.has(parts.method) && tableTest(model, parts.object, seen);
};

/** A SQLAlchemy Table (or alias, join, `table()`), directly or through a name bound to one. */
export function isTableExpression(model: ModuleModel, node: Node): boolean {
  return tableTest(model, node, new Set());
}

/**
 * A Core statement built from SQLAlchemy constructs: `select(...)`, `users.insert()`, `text(...)`,
 * their generative methods, or a name bound only to such statements.
 */
export function isCoreStatement(model: ModuleModel, node: Node): boolean {
  return statementTest(model, node, new Set());
}

/** The statement constructor at the root of a generative chain (`insert`, `select`, `text`...), if known. */
export function statementRootKind(model: ModuleModel, raw: Node): string | undefined {
  const seen = new Set<number>();
  let node = chainStart(raw, STATEMENT_METHODS);
  // A name bound once: follow it, as long as it leads somewhere new.
  while (node.type === 'identifier') {
    const bindings = model.lookup(node.text, node);
    const value = bindings?.length === 1 ? assignedValue(bindings[0]) : undefined;
    if (!value || seen.has(value.id) || seen.size > MAX_VISITS) return undefined;
    seen.add(value.id);
    node = chainStart(value, STATEMENT_METHODS);
  }
  const parts = callee(node);
  if (!parts) return undefined;
  const qualified = model.qualifiedName(parts.fn);
  if (qualified) return STATEMENT_FACTORY.test(qualified) ? qualified.slice(qualified.lastIndexOf('.') + 1) : undefined;
  if (!parts.object || !parts.method || !TABLE_TO_STATEMENT.has(parts.method)) return undefined;
  return isTableExpression(model, parts.object) ? parts.method : undefined;
}
