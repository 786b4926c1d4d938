import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import { isSessionLike, receiversOf } from './receivers';
import { SELECT_COMPATIBLE_BUILDERS } from './names';

export interface BuilderCall {
  method: string;
  call: Node;
}

/** `session.query(A, B).filter(...).order_by(...)`: its parts, outermost builder last. */
export interface QueryChain {
  /** The whole chain expression (ends with the last builder, or the `query()` call). */
  expression: Node;
  session: Node;
  queryCall: Node;
  entities: Node[];
  builders: BuilderCall[];
}

/** Shape of the rows a query returns: ORM objects of one entity, or tuples. */
export type QueryShape = 'entity' | 'rows' | 'unknown';

/** Takes apart an expression built inline from `SESSION.query(...)`; undefined for anything else. */
export function inlineQueryChain(model: ModuleModel, expression: Node): QueryChain | undefined {
  const builders: BuilderCall[] = [];
  let current: Node = expression;
  for (;;) {
    if (current.type === 'parenthesized_expression' && current.namedChildCount === 1) {
      current = current.namedChildren[0]!;
      continue;
    }
    if (current.type !== 'call') return undefined;
    const fn = current.childForFieldName('function');
    if (fn?.type !== 'attribute') return undefined;
    const object = fn.childForFieldName('object');
    const method = fn.childForFieldName('attribute')?.text;
    if (!object || !method) return undefined;
    if (method === 'query' && isSessionLike(receiversOf(model).kindOf(object))) {
      const args = current.childForFieldName('arguments');
      const entities = (args?.namedChildren ?? []).filter((n): n is Node => !!n && n.type !== 'comment');
      return { expression, session: object, queryCall: current, entities, builders: builders.reverse() };
    }
    builders.push({ method, call: current });
    current = object;
  }
}

/** True when every builder has a `Select` method of the same name and meaning. */
export function buildersTranslate(model: ModuleModel, builders: BuilderCall[]): boolean {
  return builders.every((b) => {
    if (!SELECT_COMPATIBLE_BUILDERS.has(b.method)) return false;
    // String relationship paths (`join("addresses")`) do not exist for select(): SQA405.
    if (b.method === 'join' || b.method === 'outerjoin' || b.method === 'options') {
      const args = b.call.childForFieldName('arguments')?.namedChildren ?? [];
      if (args.some((a) => a && (a.type === 'string' || a.type === 'keyword_argument'))) return false;
      if (b.method === 'options' && model.textOf(b.call).match(/\b\w+load\(\s*["']/)) return false;
    }
    return true;
  });
}

/** True when a joined eager load appears: such results need `.unique()` in 2.0. */
export function hasJoinedLoad(model: ModuleModel, builders: BuilderCall[]): boolean {
  return builders.some((b) => b.method === 'options' && /\bjoinedload\b|\bcontains_eager\b/.test(model.textOf(b.call)));
}

/**
 * True when the select's result needs `.unique()` to return what the Query did: Query drops
 * repeated rows whenever a mapped entity is selected, and a join can repeat one (a user per order).
 */
export function needsUnique(model: ModuleModel, entities: Node[], builders: BuilderCall[]): boolean {
  if (hasJoinedLoad(model, builders)) return true;
  const joins = builders.some((b) => b.method === 'join' || b.method === 'outerjoin');
  return joins && entities.some((e) => isEntity(model, e));
}

/** What `session.query(...)` with these arguments returns per row. */
export function queryShape(model: ModuleModel, entities: Node[]): QueryShape {
  if (entities.length === 0) return 'unknown';
  if (entities.length > 1) return entities.every((e) => isEntity(model, e) || isColumnLike(model, e)) ? 'rows' : 'unknown';
  const only = entities[0];
  if (isEntity(model, only)) return 'entity';
  if (isColumnLike(model, only)) return 'rows';
  return 'unknown';
}

/** A mapped class or an `aliased()` one: `User`, `models.User`, `ua = aliased(User)`. */
function isEntity(model: ModuleModel, node: Node): boolean {
  if (node.type === 'identifier') {
    const bindings = model.lookup(node.text, node);
    // An unbound class-like name (star import, builtins of a framework) reads as a mapped class.
    if (!bindings) return /^[A-Z]/.test(node.text);
    if (bindings.length !== 1) return false;
    const binding = bindings[0];
    if (binding.kind === 'class') return true;
    if (binding.kind === 'import') return /^[A-Z]/.test(node.text);
    if (binding.kind === 'assign' && binding.value?.type === 'call') {
      const fn = binding.value.childForFieldName('function');
      const qualified = fn ? model.qualifiedName(fn) : undefined;
      return qualified === 'sqlalchemy.orm.aliased' || qualified === 'sqlalchemy.orm.util.aliased';
    }
    return false;
  }
  if (node.type === 'attribute') {
    // `models.User`: a module attribute that reads as a class name.
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute')?.text ?? '';
    return !!object && object.type === 'identifier' && /^[A-Z]/.test(attribute) && /^[a-z_]/.test(object.text) && !!model.qualifiedName(object);
  }
  return false;
}

/** A column or SQL expression: `User.id`, `func.count(User.id)`, `User.name.label("n")`, `literal(1)`. */
function isColumnLike(model: ModuleModel, node: Node): boolean {
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute')?.text ?? '';
    if (!object || !/^[a-z_]/.test(attribute)) return false;
    if (isEntity(model, object)) return true;
    // `users.c.name` on a Table.
    return object.type === 'attribute' && object.childForFieldName('attribute')?.text === 'c';
  }
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    if (!fn) return false;
    const qualified = model.qualifiedName(fn);
    if (qualified?.startsWith('sqlalchemy.')) return true;
    if (fn.type === 'attribute') {
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const object = fn.childForFieldName('object');
      if (['label', 'distinct', 'desc', 'asc'].includes(method) && object) return isColumnLike(model, object);
    }
  }
  return false;
}
