import type { Node } from '../parse/parser';
import type { CallParts } from '../rules/helpers';

/**
 * The legacy argument forms of `Query.join()` that 2.0 removes: a chain of several paths
 * (`join("orders", "items")`, `join(User.orders, Order.items)`) or `(target, onclause)` tuples.
 * `join(Address, User.addresses)` (a target and its ON clause) is the form that stays.
 */
export function legacyJoinForm(parts: CallParts): 'chain' | 'tuple' | undefined {
  const args = parts.positional;
  if (args.some((a) => a.type === 'tuple' || a.type === 'parenthesized_expression' && a.namedChildren[0]?.type === 'tuple')) return 'tuple';
  if (args.length >= 3) return 'chain';
  if (args.length === 2 && isPathElement(args[0])) return 'chain';
  return undefined;
}

/** `"orders"` or `User.orders`: a relationship named by string or by class attribute, not a join target. */
export function isPathElement(node: Node): boolean {
  if (node.type === 'string') return true;
  if (node.type !== 'attribute') return false;
  const attribute = node.childForFieldName('attribute')?.text ?? '';
  const object = node.childForFieldName('object');
  // `User.orders` is a relationship; `models.Order` and `Order.__table__` are targets.
  return /^[a-z_]/.test(attribute) && !/^__\w+__$/.test(attribute) && object?.type === 'identifier' && /^[A-Z]/.test(object.text);
}
