import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import type { BuilderCall } from './queryChain';
import { argumentsOf } from './queryRoot';

/** Modifiers that keep the column an ORDER BY term sorts on: `User.name.desc()`, `desc(User.name)`. */
const ORDER_MODIFIERS = new Set(['desc', 'asc', 'nulls_first', 'nulls_last', 'nullsfirst', 'nullslast']);

/**
 * The ORDER BY terms of a `distinct()` query that sort on a column it does not select
 * (`Address.email` in a query of `User`). Query added such columns to the SELECT behind the
 * scenes; `select()` does not, in 1.4 already.
 */
export function unselectedOrderTerms(model: ModuleModel, entities: Node[], builders: BuilderCall[]): Node[] {
  // distinct(column) is DISTINCT ON, which Query did not extend.
  if (!builders.some((b) => b.method === 'distinct' && argumentsOf(b.call).length === 0)) return [];
  const selected = new Set(entities.map((e) => model.textOf(e)));
  const terms: Node[] = [];
  for (const builder of builders) {
    if (builder.method !== 'order_by') continue;
    for (const term of argumentsOf(builder.call)) {
      const column = orderedColumn(model, term);
      if (!column || selected.has(model.textOf(column)) || selected.has(model.textOf(column.childForFieldName('object')!))) continue;
      terms.push(term);
    }
  }
  return terms;
}

/** The `Entity.column` an ORDER BY term sorts on, if it is one. */
function orderedColumn(model: ModuleModel, term: Node): Node | undefined {
  let current = term;
  for (let depth = 0; depth < 5 && current.type === 'call'; depth++) {
    const fn = current.childForFieldName('function')!;
    const qualified = model.qualifiedName(fn);
    if (qualified?.startsWith('sqlalchemy.') && ORDER_MODIFIERS.has(qualified.slice(qualified.lastIndexOf('.') + 1))) {
      current = argumentsOf(current)[0] ?? current;
      continue;
    }
    if (fn.type !== 'attribute' || !ORDER_MODIFIERS.has(fn.childForFieldName('attribute')?.text ?? '')) return undefined;
    current = fn.childForFieldName('object')!;
  }
  if (current.type !== 'attribute') return undefined;
  const object = current.childForFieldName('object')!;
  return object.type === 'identifier' && isEntityName(model, object) ? current : undefined;
}

/** A mapped class or an alias of one: `Address`, `from models import Address`, `aa = aliased(Address)`. */
function isEntityName(model: ModuleModel, node: Node): boolean {
  const bindings = model.lookup(node.text, node);
  // An unbound class-like name (a star import) reads as a mapped class, as query entities do.
  if (!bindings) return /^[A-Z]/.test(node.text);
  if (bindings.length !== 1) return false;
  const binding = bindings[0];
  if (binding.kind === 'class' || (binding.kind === 'import' && /^[A-Z]/.test(node.text))) return true;
  if (binding.kind !== 'assign' || binding.value?.type !== 'call') return false;
  const qualified = model.qualifiedName(binding.value.childForFieldName('function')!);
  return qualified === 'sqlalchemy.orm.aliased' || qualified === 'sqlalchemy.orm.util.aliased';
}
