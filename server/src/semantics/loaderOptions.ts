import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import { COLUMN_LOADERS, LOADER_MODULES, LOAD_CLASSES, RELATIONSHIP_LOADERS } from './ormNames';
import { argumentsOf } from './queryRoot';

/** A loader option call: `joinedload(User.orders)`, or `.joinedload(...)` chained on a loader or on `Load(User)`. */
export interface LoaderCall {
  call: Node;
  /** `joinedload`, `defer`, ... */
  name: string;
  form: 'function' | 'method';
  /** The method name node, for the method form. */
  methodNode?: Node;
  /** Method form: the loader (or `Load(...)`) it is called on. */
  base?: Node;
  positional: Node[];
}

const LOADER_NAMES = new Set([...RELATIONSHIP_LOADERS, ...COLUMN_LOADERS]);

/** The loader option a call makes, when the names resolve to SQLAlchemy's. */
export function loaderCallOf(model: ModuleModel, call: Node, depth = 0): LoaderCall | undefined {
  if (call.type !== 'call' || depth > 20) return undefined;
  const fn = call.childForFieldName('function');
  if (!fn) return undefined;
  const qualified = model.qualifiedName(fn);
  if (qualified) {
    const dot = qualified.lastIndexOf('.');
    const name = qualified.slice(dot + 1);
    if (!LOADER_MODULES.has(qualified.slice(0, dot)) || !LOADER_NAMES.has(name)) return undefined;
    return { call, name, form: 'function', positional: argumentsOf(call).filter(isPositional) };
  }
  if (fn.type !== 'attribute') return undefined;
  const base = fn.childForFieldName('object');
  const methodNode = fn.childForFieldName('attribute');
  if (!base || !methodNode || !LOADER_NAMES.has(methodNode.text)) return undefined;
  if (!isLoadObject(model, base) && !loaderCallOf(model, base, depth + 1)) return undefined;
  return { call, name: methodNode.text, form: 'method', methodNode, base, positional: argumentsOf(call).filter(isPositional) };
}

/** `Load(User)`: a loader rooted at an explicit entity. */
export function isLoadObject(model: ModuleModel, node: Node): boolean {
  if (node.type !== 'call') return false;
  const fn = node.childForFieldName('function');
  return !!fn && LOAD_CLASSES.has(model.qualifiedName(fn) ?? '');
}

/** Every loader call inside the arguments of an `options(...)` call. */
export function loaderCallsIn(model: ModuleModel, optionsCall: Node): LoaderCall[] {
  const args = optionsCall.childForFieldName('arguments');
  if (!args) return [];
  return args.descendantsOfType('call').map((c) => (c ? loaderCallOf(model, c) : undefined)).filter((l): l is LoaderCall => !!l);
}

function isPositional(node: Node): boolean {
  return node.type !== 'keyword_argument' && node.type !== 'list_splat' && node.type !== 'dictionary_splat';
}
