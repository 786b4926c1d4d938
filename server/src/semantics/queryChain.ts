import type { Node } from '../parse/parser';
import type { Binding, ModuleModel } from './model';
import { isSessionLike, receiversOf } from './receivers';
import { SELECT_COMPATIBLE_BUILDERS, SELECT_FUNCTIONS } from './names';

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
 * repeated rows whenever a mapped entity is selected, and a join can repeat one (a user per order),
 * also a join written as a condition (`filter(User.id == Address.user_id)`), which adds the other
 * class's table to the FROM clause.
 */
export function needsUnique(model: ModuleModel, entities: Node[], builders: BuilderCall[]): boolean {
  if (hasJoinedLoad(model, builders)) return true;
  if (!entities.some((e) => isEntity(model, e))) return false;
  if (builders.some((b) => b.method === 'join' || b.method === 'outerjoin')) return true;
  const selected = new Set(entities.map((e) => model.textOf(e)));
  return builders.some((b) => (b.method === 'filter' || b.method === 'where') && mentionsOtherEntity(model, b.call, selected));
}

/** Calls whose arguments make a FROM clause of their own: a class named there joins nothing to the outer query. */
const NESTED_FROM_METHODS = new Set(['query', 'any', 'has']);

/**
 * True when the arguments of a builder call refer to a mapped class that is not selected, `Address` in
 * `Address.user_id`, outside a subquery. Erring towards yes costs a `.unique()` pass over rows that
 * Query deduplicated anyway.
 */
function mentionsOtherEntity(model: ModuleModel, call: Node, selected: Set<string>): boolean {
  const args = call.childForFieldName('arguments');
  if (!args) return false;
  return args.descendantsOfType('attribute').some((attribute) => {
    const object = attribute?.childForFieldName('object');
    if (object?.type !== 'identifier' || selected.has(object.text) || !isEntity(model, object)) return false;
    for (let node = attribute!.parent; node && node.id !== args.id; node = node.parent) {
      if (node.type === 'call' && opensNestedFrom(model, node)) return false;
    }
    return true;
  });
}

/** True for a call in a chain that starts a subquery: `select(...)...`, `exists()...`, `session.query(...)...`, `X.rel.any(...)`. */
function opensNestedFrom(model: ModuleModel, call: Node): boolean {
  let current: Node | null = call;
  for (let steps = 0; current && steps < 200; steps++) {
    if (current.type === 'attribute') {
      current = current.childForFieldName('object');
      continue;
    }
    if (current.type !== 'call') return false;
    const fn = current.childForFieldName('function');
    if (!fn) return false;
    const qualified = model.qualifiedName(fn) ?? '';
    if (SELECT_FUNCTIONS.has(qualified) || /^sqlalchemy(\.sql)?(\.expression)?\.exists$/.test(qualified)) return true;
    if (fn.type === 'attribute' && NESTED_FROM_METHODS.has(fn.childForFieldName('attribute')?.text ?? '')) return true;
    current = fn;
  }
  return false;
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

/**
 * A query chain reached from an expression through variables and a local function's return, with
 * the session and entities written as code at the use site can write them.
 */
export interface ResolvedQuery {
  chain: QueryChain;
  sessionText: string;
  entityTexts: string[];
  shape: QueryShape;
}

/** Arguments of one call of a local function, by the parameter they fill. */
interface CallBinding {
  definition: Node;
  argumentsByParam: Map<string, Node>;
}

const MAX_HOPS = 8;

/**
 * Follows `q = session.query(User)`, `def users(session): return session.query(User)` and `users(s)`
 * back to the chain that builds the Query, as long as the chain's session and entities can be written
 * at `useSite` and mean the same there. Undefined when any step is not plain: several bindings, a
 * function that does more than build and return the query, arguments with side effects.
 */
export function resolveQuery(model: ModuleModel, expression: Node, useSite: Node): ResolvedQuery | undefined {
  const found = chainBehind(model, expression, undefined, 0);
  if (!found) return undefined;
  const { chain, call } = found;
  const sessionText = portableText(model, chain.session, call, useSite);
  const entityTexts = chain.entities.map((e) => portableText(model, e, call, useSite));
  if (sessionText === undefined || entityTexts.some((t) => t === undefined)) return undefined;
  // A parameter standing for the entity has the shape of the argument given for it.
  const shapeNodes = chain.entities.map((e) => (call && parameterOf(model, e, call) ? call.argumentsByParam.get(e.text)! : e));
  return { chain, sessionText, entityTexts: entityTexts as string[], shape: queryShape(model, shapeNodes) };
}

function chainBehind(model: ModuleModel, expression: Node, call: CallBinding | undefined, hops: number): { chain: QueryChain; call?: CallBinding } | undefined {
  if (hops > MAX_HOPS) return undefined;
  let current = expression;
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1) current = current.namedChildren[0]!;
  const chain = inlineQueryChain(model, current);
  if (chain) return { chain, call };
  if (current.type === 'identifier') {
    const value = singleAssignedValue(model, current);
    return value ? chainBehind(model, value, call, hops + 1) : undefined;
  }
  // One function deep: the returned chain is read in terms of this call's arguments.
  if (current.type === 'call' && !call) {
    const binding = bindCall(model, current);
    const returned = binding && returnedValue(model, binding.definition);
    return returned ? chainBehind(model, returned, binding, hops + 1) : undefined;
  }
  return undefined;
}

/** The value of a name assigned exactly once, in the scope where it is used and before the use. */
function singleAssignedValue(model: ModuleModel, use: Node): Node | undefined {
  const bindings = model.lookup(use.text, use);
  if (bindings?.length !== 1) return undefined;
  const [binding] = bindings;
  if (binding.kind !== 'assign' || !binding.value || binding.annotation) return undefined;
  if (binding.target.startIndex >= use.startIndex || binding.value.startIndex <= use.startIndex && use.endIndex <= binding.value.endIndex) return undefined;
  return model.scopeNodeOf(binding.target).id === model.scopeNodeOf(use).id ? binding.value : undefined;
}

/**
 * The call of a plain local function with its arguments matched to its parameters. Dropping such a
 * call must lose nothing, so every argument is a name, an attribute or a literal.
 */
function bindCall(model: ModuleModel, call: Node): CallBinding | undefined {
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments');
  if (fn?.type !== 'identifier' || args?.type !== 'argument_list') return undefined;
  const bindings = model.lookup(fn.text, fn);
  if (bindings?.length !== 1 || bindings[0].kind !== 'def' || !bindings[0].value) return undefined;
  const definition = bindings[0].value;
  // A decorator may return anything; a coroutine function returns a coroutine.
  if (definition.parent?.type === 'decorated_definition' || definition.children[0]?.type === 'async') return undefined;
  const params = parameterNames(definition);
  if (!params) return undefined;
  const argumentsByParam = new Map<string, Node>();
  let position = 0;
  for (const arg of args.namedChildren) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name')?.text;
      const value = arg.childForFieldName('value');
      if (!name || !value || !params.includes(name) || argumentsByParam.has(name)) return undefined;
      argumentsByParam.set(name, value);
    } else {
      if (arg.type === 'list_splat' || arg.type === 'dictionary_splat' || position >= params.length) return undefined;
      argumentsByParam.set(params[position++], arg);
    }
  }
  if (![...argumentsByParam.values()].every(isInertExpression)) return undefined;
  return { definition, argumentsByParam };
}

/** Plain parameter names in order; undefined when the function takes `*args`, `**kwargs` or is keyword-only anywhere. */
function parameterNames(definition: Node): string[] | undefined {
  const names: string[] = [];
  for (const param of definition.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!param) continue;
    if (param.type === 'identifier') names.push(param.text);
    else if (param.type === 'typed_parameter') {
      const name = param.namedChildren.find((c) => c?.type === 'identifier');
      if (!name) return undefined;
      names.push(name.text);
    } else if (param.type === 'default_parameter' || param.type === 'typed_default_parameter') {
      const name = param.childForFieldName('name');
      if (name?.type !== 'identifier') return undefined;
      names.push(name.text);
    } else return undefined;
  }
  return names;
}

/**
 * What a function whose body only builds and returns a query returns: a docstring, assignments of
 * query chains and one final `return`. Any other statement could do work the rewrite would drop.
 */
function returnedValue(model: ModuleModel, definition: Node): Node | undefined {
  const statements = (definition.childForFieldName('body')?.namedChildren ?? []).filter((s): s is Node => !!s && s.type !== 'comment');
  const last = statements.pop();
  if (last?.type !== 'return_statement') return undefined;
  for (const [index, statement] of statements.entries()) {
    const only = statement.type === 'expression_statement' && statement.namedChildCount === 1 ? statement.namedChildren[0] : undefined;
    if (index === 0 && only?.type === 'string') continue;
    if (only?.type !== 'assignment') return undefined;
    const left = only.childForFieldName('left');
    const right = only.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || only.childForFieldName('type') || !inlineQueryChain(model, right)) return undefined;
  }
  return last.namedChildren[0] ?? undefined;
}

/** A name, an attribute of one, or a literal: evaluating it once more, or once less, changes nothing. */
function isInertExpression(node: Node): boolean {
  switch (node.type) {
    case 'identifier':
    case 'integer':
    case 'float':
    case 'true':
    case 'false':
    case 'none':
      return true;
    case 'string':
      return !node.namedChildren.some((c) => c?.type === 'interpolation');
    case 'attribute': {
      const object = node.childForFieldName('object');
      return !!object && isInertExpression(object) && object.type !== 'integer' && object.type !== 'float';
    }
    default:
      return false;
  }
}

/** The parameter `node` names, when it is a bare parameter of the called function. */
function parameterOf(model: ModuleModel, node: Node, call: CallBinding): boolean {
  if (node.type !== 'identifier') return false;
  const bindings = model.lookup(node.text, node);
  return bindings?.length === 1 && bindings[0].kind === 'param' && model.scopeNodeOf(bindings[0].target).id === call.definition.id;
}

/**
 * `node` (a name or an attribute chain) as code at `useSite`: parameters of the called function become
 * the arguments given, every other name must be bound to the same thing at both places.
 */
function portableText(model: ModuleModel, node: Node, call: CallBinding | undefined, useSite: Node): string | undefined {
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute');
    const objectText = object && attribute ? portableText(model, object, call, useSite) : undefined;
    return objectText === undefined ? undefined : `${objectText}.${attribute!.text}`;
  }
  if (node.type !== 'identifier') return undefined;
  if (call && parameterOf(model, node, call)) {
    const argument = call.argumentsByParam.get(node.text);
    if (!argument || (argument.type !== 'identifier' && argument.type !== 'attribute')) return undefined;
    return portableText(model, argument, undefined, useSite);
  }
  // Already where it is used: the text means what it meant.
  if (useSite.startIndex <= node.startIndex && node.endIndex <= useSite.endIndex) return node.text;
  return sameBindings(model.lookup(node.text, node), model.lookup(node.text, useSite)) ? node.text : undefined;
}

/** Both places see one and the same binding (or, both, none: a builtin or a star import). */
function sameBindings(a: Binding[] | undefined, b: Binding[] | undefined): boolean {
  if (!a || !b) return a === b;
  // With several bindings the name may be rebound between the two places.
  return a.length === 1 && b.length === 1 && a[0].target.id === b[0].target.id;
}
