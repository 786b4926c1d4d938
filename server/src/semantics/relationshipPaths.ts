import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import { mappedAttribute, mappedClassOf, mappedClasses, type MappedClass } from './mappedClasses';
import { isLoadObject, loaderCallOf, type LoaderCall } from './loaderOptions';
import { outermostCall, queryRootOf, soleEntityName, type QueryRoot } from './queryRoot';

/** A mapped class of this module and the text that names it where a fix writes it. */
export interface ClassRef {
  cls: MappedClass;
  text: string;
}

/** One step of a path: `"orders"` resolved from `User` is `User.orders`. */
export interface PathStep {
  /** The argument the step comes from (a string may hold several steps). */
  argument: Node;
  text: string;
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;

/** The single mapped entity a query selects: what its string paths start from. */
export function rootEntity(model: ModuleModel, root: QueryRoot): ClassRef | undefined {
  const entity = soleEntityName(root);
  const cls = entity && mappedClassOf(model, entity);
  return cls && entity ? { cls, text: entity.text } : undefined;
}

/** The class a relationship of `owner` leads to, if its name means that class at `site`. */
export function relationshipTarget(model: ModuleModel, owner: MappedClass, name: string, site: Node): ClassRef | undefined {
  const attribute = mappedAttribute(model, owner, name);
  if (attribute?.kind !== 'relationship' || !attribute.target) return undefined;
  const target = mappedClasses(model).get(attribute.target);
  const bindings = target && model.lookup(target.name, site);
  if (!target || bindings?.length !== 1 || bindings[0].value?.id !== target.node.id) return undefined;
  return { cls: target, text: target.name };
}

/** `User.orders` written as an attribute: the class it leads to. */
export function attributeTarget(model: ModuleModel, attribute: Node, site: Node): ClassRef | undefined {
  if (attribute.type !== 'attribute') return undefined;
  const owner = mappedClassOf(model, attribute.childForFieldName('object')!);
  return owner && relationshipTarget(model, owner, attribute.childForFieldName('attribute')!.text, site);
}

/** The plain text of a simple string literal, or undefined. */
export function stringText(node: Node): string | undefined {
  if (node.type !== 'string') return undefined;
  return /^[rRuU]?(['"])([^'"\\]*)\1$/.exec(node.text)?.[2];
}

/**
 * Resolves a path given as arguments (`"orders.items"`, `"orders", "items"`, `User.orders, "items"`)
 * from `start`: intermediate steps are relationships, the last one is of `lastKind`. Undefined as
 * soon as a step is not known from the classes of this module.
 */
export function resolvePath(
  model: ModuleModel,
  start: ClassRef | undefined,
  args: Node[],
  site: Node,
  lastKind: 'relationship' | 'column',
): { steps: PathStep[]; end?: ClassRef } | undefined {
  const tokens: { argument: Node; name?: string }[] = [];
  for (const argument of args) {
    if (argument.type === 'attribute') tokens.push({ argument });
    else {
      const text = stringText(argument);
      if (!text) return undefined;
      for (const name of text.split('.')) tokens.push({ argument, name });
    }
  }
  const steps: PathStep[] = [];
  let current = start;
  for (const [i, token] of tokens.entries()) {
    const last = i === tokens.length - 1;
    if (!token.name) {
      steps.push({ argument: token.argument, text: model.textOf(token.argument) });
      current = attributeTarget(model, token.argument, site);
      continue;
    }
    if (!current || !IDENTIFIER.test(token.name)) return undefined;
    const attribute = mappedAttribute(model, current.cls, token.name);
    if (attribute?.kind !== (last ? lastKind : 'relationship')) return undefined;
    steps.push({ argument: token.argument, text: `${current.text}.${token.name}` });
    current = attribute.kind === 'relationship' ? relationshipTarget(model, current.cls, token.name, site) : undefined;
  }
  return { steps, end: current };
}

/** The class a loader's string arguments are resolved against. */
export function loaderStart(model: ModuleModel, loader: LoaderCall, depth = 0): ClassRef | undefined {
  if (depth > 20) return undefined;
  if (loader.form === 'method') return loaderEnd(model, loader.base!, depth + 1);
  // A loader function starts from the entity of the query whose options() it is given to.
  const chain = outermostCall(loader.call);
  const optionsCall = chain.parent?.type === 'argument_list' ? chain.parent.parent : undefined;
  const fn = optionsCall?.type === 'call' ? optionsCall.childForFieldName('function') : undefined;
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'options') return undefined;
  const root = queryRootOf(model, fn.childForFieldName('object')!);
  return root && rootEntity(model, root);
}

/** The class at the end of a loader (or of `Load(User)`): what a method chained on it starts from. */
function loaderEnd(model: ModuleModel, node: Node, depth: number): ClassRef | undefined {
  if (isLoadObject(model, node)) {
    const entity = node.childForFieldName('arguments')?.namedChildren[0];
    const cls = entity && mappedClassOf(model, entity);
    return cls && entity ? { cls, text: entity.text } : undefined;
  }
  const loader = loaderCallOf(model, node);
  if (!loader || loader.name === 'load_only') return undefined;
  const start = loaderStart(model, loader, depth + 1);
  return resolvePath(model, start, loader.positional, node, 'relationship')?.end;
}
