import type { Node } from '../parse/parser';
import type { Binding, ModuleModel } from './model';

/**
 * The binding made at `target` when it is the only binding of its name in scope, so that
 * every reference to the name means this value; undefined otherwise.
 */
export function soleBinding(model: ModuleModel, target: Node): Binding | undefined {
  if (target.type !== 'identifier') return undefined;
  const bindings = model.lookup(target.text, target);
  if (bindings?.length !== 1 || bindings[0].target.id !== target.id) return undefined;
  return bindings[0];
}

/** Every reference to a sole binding, in its scope and the scopes nested in it. */
export function referencesTo(model: ModuleModel, binding: Binding): Node[] {
  const scope = model.scopeNodeOf(binding.target);
  return model.scopeDescendants(scope, 'identifier').filter((id) => {
    if (id.id === binding.target.id || id.text !== binding.name) return false;
    // Keyword names (`f(session=...)`) and attribute names (`x.session`) are not references.
    const parent = id.parent;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) return false;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) return false;
    const found = model.lookup(id.text, id);
    return found?.length === 1 && found[0].target.id === binding.target.id;
  });
}

/**
 * References to a loop variable inside the loop: the body of a `for` statement, or the rest of a
 * comprehension. Undefined when the name is bound again in there, and the references stop meaning the loop's value.
 */
export function loopVariableReferences(model: ModuleModel, loop: Node, variable: Node): Node[] | undefined {
  const region = loop.type === 'for_statement' ? loop.childForFieldName('body') : loop.parent;
  if (!region) return undefined;
  const iterable = loop.childForFieldName('right');
  const bindings = model.lookup(variable.text, variable) ?? [];
  const rebound = bindings.some((b) => b.target.id !== variable.id && within(b.target, region));
  if (rebound) return undefined;
  return region.descendantsOfType('identifier').filter((id): id is Node => {
    if (!id || id.id === variable.id || id.text !== variable.text) return false;
    if (iterable && within(id, iterable)) return false;
    const parent = id.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === id.id) return false;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === id.id) return false;
    // A nested function may bind the name for itself.
    return model.scopeNodeOf(id).id === model.scopeNodeOf(variable).id;
  });
}

export function within(node: Node, container: Node): boolean {
  return node.startIndex >= container.startIndex && node.endIndex <= container.endIndex;
}
