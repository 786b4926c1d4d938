import type { Node } from '../parse/parser';
import type { Binding, ModuleModel } from './model';
import { buildersTranslate, inlineQueryChain, needsUnique, queryShape, type BuilderCall, type QueryChain, type QueryShape } from './queryChain';
import { SELECT_COMPATIBLE_BUILDERS } from './names';

/** How a Query held in a variable is built and used, and whether all of it can turn into a select. */
export interface QueryVariable {
  name: string;
  origins: QueryChain[];
  /** `q = q.filter(...)`: builder calls applied to the variable itself. */
  rebuilds: BuilderCall[];
  /** Terminal calls (`q.all()`) and iterations (`for x in q`), as the nodes to replace. */
  terminals: { target: Node; terminal: string }[];
  sessionText?: string;
  shape: QueryShape;
  unique: boolean;
  /** Why the variable cannot be rewritten as a whole, if it cannot. */
  blocker?: string;
}

/** The builders applied to `name` in `name.filter(...).order_by(...)`, or undefined if the value has another shape. */
function rebuildChain(value: Node, name: string): BuilderCall[] | undefined {
  const builders: BuilderCall[] = [];
  let current = value;
  while (current.type === 'call') {
    const fn = current.childForFieldName('function');
    if (fn?.type !== 'attribute') return undefined;
    const method = fn.childForFieldName('attribute')?.text ?? '';
    builders.push({ method, call: current });
    current = fn.childForFieldName('object')!;
  }
  return current.type === 'identifier' && current.text === name && builders.length > 0 ? builders.reverse() : undefined;
}

export function analyzeQueryVariable(
  model: ModuleModel,
  use: Node,
  terminalOf: (identifier: Node) => { target: Node; terminal: string } | undefined,
): QueryVariable {
  const name = use.text;
  const result: QueryVariable = { name, origins: [], rebuilds: [], terminals: [], shape: 'unknown', unique: false };
  const bindings = model.lookup(name, use) ?? [];
  const scope = bindings[0] ? model.scopeNodeOf(bindings[0].target) : undefined;
  const block = (reason: string) => ((result.blocker ??= reason), result);
  if (!scope || bindings.some((b) => b.kind !== 'assign' || !b.value || model.scopeNodeOf(b.target).id !== scope.id)) {
    return block('the variable is bound in other ways too');
  }
  const valueIds = new Set<number>();
  for (const binding of bindings) {
    const value = binding.value!;
    valueIds.add(value.id);
    const origin = inlineQueryChain(model, value);
    if (origin) {
      result.origins.push(origin);
      continue;
    }
    const rebuild = rebuildChain(value, name);
    if (!rebuild || !rebuild.every((b) => SELECT_COMPATIBLE_BUILDERS.has(b.method))) return block(`\`${name}\` is assigned something other than a query chain`);
    result.rebuilds.push(...rebuild);
  }
  if (result.origins.length === 0) return block('no `session.query(...)` origin in this scope');
  const sessions = new Set(result.origins.map((o) => model.textOf(o.session)));
  if (sessions.size !== 1 || [...sessions][0].includes('(')) return block('the query comes from more than one session expression');
  result.sessionText = [...sessions][0];
  const shapes = new Set(result.origins.map((o) => queryShape(model, o.entities)));
  result.shape = shapes.size === 1 ? [...shapes][0] : 'unknown';
  const allBuilders = [...result.origins.flatMap((o) => o.builders), ...result.rebuilds];
  if (!buildersTranslate(model, allBuilders)) return block('a builder method has no select() equivalent');
  result.unique = needsUnique(model, result.origins.flatMap((o) => o.entities), allBuilders);
  // Every other mention of the name must be a terminal or a rebuild; anything else lets the Query escape.
  for (const identifier of model.scopeDescendants(scope, 'identifier')) {
    if (identifier.text !== name || isBindingTarget(identifier, bindings) || !isNameReference(identifier)) continue;
    if (!sameBindings(model.lookup(name, identifier), bindings)) continue;
    if (isInsideAny(identifier, valueIds)) continue;
    const terminal = terminalOf(identifier);
    if (!terminal) return block(`\`${name}\` is used as a Query beyond its terminals (line ${identifier.startPosition.row + 1})`);
    result.terminals.push(terminal);
  }
  return result;
}

/** False for the identifiers that name an attribute or a keyword: `query` in `session.query(...)` or `f(query=1)`. */
function isNameReference(identifier: Node): boolean {
  const parent = identifier.parent;
  if (parent?.type === 'attribute') return parent.childForFieldName('attribute')?.id !== identifier.id;
  if (parent?.type === 'keyword_argument') return parent.childForFieldName('name')?.id !== identifier.id;
  return true;
}

function isBindingTarget(identifier: Node, bindings: Binding[]): boolean {
  return bindings.some((b) => b.target.id === identifier.id);
}

function sameBindings(a: Binding[] | undefined, b: Binding[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x.target.id === b[i].target.id);
}

function isInsideAny(node: Node, ancestorIds: Set<number>): boolean {
  for (let p: Node | null = node; p; p = p.parent) if (ancestorIds.has(p.id)) return true;
  return false;
}
