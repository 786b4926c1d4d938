import type { Node } from '../parse/parser';
import type { Binding, ModuleModel } from '../semantics/model';
import type { Fix, Rule, TextEdit } from './types';
import { hasSplats, keywordsOf, positionalArgs, stringValue } from '../semantics/declarative';
import { fromImportOf, referencesTo, removeImportedNames } from './declarativeHelpers';
import { aliasedImports } from '../semantics/spellings';

/** Legacy ORM names and what replaces them; the `_all` loaders become chains of the plain loader. */
const REPLACEMENTS: ReadonlyMap<string, { name: string; chain: boolean }> = new Map([
  ['relation', { name: 'relationship', chain: false }],
  ['eagerload', { name: 'joinedload', chain: false }],
  ['eagerload_all', { name: 'joinedload', chain: true }],
  ['joinedload_all', { name: 'joinedload', chain: true }],
  ['subqueryload_all', { name: 'subqueryload', chain: true }],
  ['selectinload_all', { name: 'selectinload', chain: true }],
  ['defaultload_all', { name: 'defaultload', chain: true }],
  ['lazyload_all', { name: 'lazyload', chain: true }],
  ['immediateload_all', { name: 'immediateload', chain: true }],
]);

const ORM_MODULES = ['sqlalchemy.orm', 'sqlalchemy.orm.strategy_options'];

/**
 * SQA309 relation-alias: `relation()` becomes `relationship()`, `eagerload()` becomes `joinedload()`,
 * `joinedload_all(a, b)` becomes `joinedload(a).joinedload(b)`.
 */
export const relationAlias: Rule = {
  code: 'SQA309',
  id: 'relation-alias',
  tier: 'removed',
  fixable: 'mixed',
  textWords: [...REPLACEMENTS.keys()],
  guide: { anchor: 'migration-orm-configuration', title: '2.0 Migration - ORM Configuration' },
  docs: {
    summary: 'legacy alias of an ORM function (`relation`, `eagerload`, `*_all` loaders)',
    what: 'Flags uses of `relation()` and `eagerload()`, and of the loader options `joinedload_all()`, `subqueryload_all()`, `selectinload_all()`, `defaultload_all()`, `lazyload_all()`, `immediateload_all()` and `eagerload_all()`, imported from `sqlalchemy.orm`.',
    why: '`relation` and `eagerload` are 1.x aliases of `relationship` and `joinedload`; 1.4 warns for them and 2.0 removes them, so even importing them fails. The `*_all` loaders were already removed in 1.4: a chain of the plain loader (`joinedload(User.orders).joinedload(Order.items)`) loads every step of the path.',
    example: 'from sqlalchemy.orm import declarative_base, eagerload, relation\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    orders = relation("Order")\n\n\nusers = session.query(User).options(eagerload(User.orders)).all()',
    useInstead: 'from sqlalchemy.orm import declarative_base, joinedload, relationship\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    orders = relationship("Order")\n\n\nusers = session.query(User).options(joinedload(User.orders)).all()',
    fixSafety: 'Safe for `relation` and `eagerload`: the same functions under their own names, on 1.4 and 2.0 (checked by a runtime test). The import is renamed too, or dropped when the new name is imported already; a name imported with `from sqlalchemy.orm import ...` is fixed everywhere in the file at once, and only when every use of it can be. Needs review for the `*_all` loaders: each step of the path becomes a link of the chain, string paths (`"orders.items"`) split at the dots; 1.3 code that relied on them never ran on 1.4, so there is no runtime check.',
  },
  check(context) {
    const { model } = context;
    const fixesByGroup = new Map<string, Fix | undefined>();
    // Cheap test first: only a name spelled like a legacy one, or imported as one under an alias, can be one.
    const aliases = new Set<string>();
    for (const { name, alias } of aliasedImports(model)) if (REPLACEMENTS.has(name)) aliases.add(alias);
    for (const node of model.checkedDescendantsWithWords(['identifier', 'attribute'], [...REPLACEMENTS.keys(), ...aliases])) {
      const spelled = (node?.type === 'attribute' ? node.childForFieldName('attribute')?.text : node?.text) ?? '';
      if (!node || !(REPLACEMENTS.has(spelled) || (node.type === 'identifier' && aliases.has(spelled))) || model.isInError(node)) continue;
      const legacy = legacyName(model, node);
      if (!legacy) continue;
      const replacement = REPLACEMENTS.get(legacy)!;
      const call = node.parent?.type === 'call' && node.parent.childForFieldName('function')?.id === node.id ? node.parent : undefined;
      const message = replacement.chain
        ? `\`${legacy}()\` is gone since 1.4; chain \`${replacement.name}()\` along the path`
        : `\`${legacy}\` is a legacy alias removed in 2.0; use \`${replacement.name}\``;
      let fix: Fix | undefined;
      if (node.type === 'attribute') fix = call || !replacement.chain ? siteFix(model, node, call, replacement) : undefined;
      else {
        const group = importGroup(model, model.lookup(node.text, node)![0]);
        if (!fixesByGroup.has(group.key)) fixesByGroup.set(group.key, groupFix(model, group.bindings));
        fix = fixesByGroup.get(group.key);
      }
      context.report(call ?? node, message, fix);
    }
  },
};

/**
 * The bindings fixed together: the names of one `from sqlalchemy.orm import ...` that become the
 * same name (`eagerload, joinedload_all` both become `joinedload`), or one aliased name alone.
 */
function importGroup(model: ModuleModel, binding: Binding): { key: string; bindings: Binding[] } {
  const source = fromImportOf(binding);
  if (!source || source.nameNode.type === 'aliased_import') return { key: `b${binding.target.id}`, bindings: [binding] };
  const newName = REPLACEMENTS.get(legacyOf(binding))!.name;
  const bindings: Binding[] = [];
  for (const nameNode of source.statement.childrenForFieldName('name')) {
    if (nameNode?.type !== 'dotted_name') continue;
    const sibling = model.moduleBindings(nameNode.text)?.find((b) => b.target.id === nameNode.id);
    if (sibling && REPLACEMENTS.get(legacyOf(sibling))?.name === newName) bindings.push(sibling);
  }
  return { key: `s${source.statement.id}:${newName}`, bindings };
}

function legacyOf(binding: Binding): string {
  return binding.qualified?.split('.').pop() ?? '';
}

/** The legacy name an identifier or `orm.relation` attribute stands for, when it is one. */
function legacyName(model: ModuleModel, node: Node): string | undefined {
  if (node.type === 'identifier') {
    const parent = node.parent;
    if (parent?.type === 'attribute' || parent?.type === 'dotted_name' || parent?.type === 'aliased_import') return undefined;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === node.id) return undefined;
    const bindings = model.lookup(node.text, node);
    if (bindings?.length !== 1 || bindings[0].kind !== 'import') return undefined;
  }
  const qualified = model.qualifiedName(node);
  const dot = qualified?.lastIndexOf('.') ?? -1;
  if (!qualified || !ORM_MODULES.includes(qualified.slice(0, dot))) return undefined;
  const name = qualified.slice(dot + 1);
  return REPLACEMENTS.has(name) ? name : undefined;
}

/** `orm.relation(...)` or `sqlalchemy.orm.joinedload_all(a, b)`: fixed in place. */
function siteFix(model: ModuleModel, node: Node, call: Node | undefined, replacement: { name: string; chain: boolean }): Fix | undefined {
  const attribute = node.childForFieldName('attribute')!;
  const rename: TextEdit = { start: attribute.startIndex, end: attribute.endIndex, newText: replacement.name };
  if (!replacement.chain) return { title: `Use ${replacement.name}`, safety: 'safe', edits: [rename] };
  const chain = call && chainEdit(model, call, `${model.textOf(node.childForFieldName('object')!)}.${replacement.name}`, replacement.name);
  return chain && { title: `Chain ${replacement.name}() along the path`, safety: 'review', edits: [chain] };
}

/** Names from `from sqlalchemy.orm import relation`: the import and every use, in one fix. */
function groupFix(model: ModuleModel, bindings: Binding[]): Fix | undefined {
  const sources = bindings.map(fromImportOf);
  if (sources.some((s) => !s)) return undefined;
  const [first] = sources as Array<{ statement: Node; nameNode: Node }>;
  const replacement = REPLACEMENTS.get(legacyOf(bindings[0]))!;
  const chain = bindings.some((b) => REPLACEMENTS.get(legacyOf(b))!.chain);
  const aliased = first.nameNode.type === 'aliased_import';
  // The new name may be imported already: then these imports go and the uses take that name,
  // provided the other import runs first. A name taken by anything else leaves the code as it is.
  const existing = aliased ? undefined : model.moduleBindings(replacement.name);
  const isOrmImport = (b: Binding) => b.kind === 'import' && ORM_MODULES.some((m) => b.qualified === `${m}.${replacement.name}`);
  if (existing && !existing.every(isOrmImport)) return undefined;
  const importedBefore = !!existing && existing.some((b) => b.target.startIndex < first.statement.startIndex);
  const renamed = importedBefore ? undefined : aliased ? first.nameNode.childForFieldName('name')! : first.nameNode;
  const edits: TextEdit[] = renamed ? [{ start: renamed.startIndex, end: renamed.endIndex, newText: replacement.name }] : [];
  // The first name is renamed in place (unless the new name is imported already); the others go.
  const removed = (sources as Array<{ nameNode: Node }>).map((s) => s.nameNode).filter((n) => !renamed || n.id !== first.nameNode.id);
  if (removed.length > 0) edits.push(...removeImportedNames(model, first.statement, removed));
  const localName = aliased ? bindings[0].name : replacement.name;
  for (const binding of bindings) {
    const chained = REPLACEMENTS.get(legacyOf(binding))!.chain;
    for (const reference of referencesTo(model, binding)) {
      const call = reference.parent?.type === 'call' && reference.parent.childForFieldName('function')?.id === reference.id ? reference.parent : undefined;
      if (chained) {
        const chainText = call && chainEdit(model, call, localName, replacement.name);
        if (!chainText) return undefined;
        edits.push(chainText);
      } else if (!aliased) edits.push({ start: reference.startIndex, end: reference.endIndex, newText: localName });
    }
  }
  const title = chain ? `Chain ${replacement.name}() along the path` : `Use ${replacement.name}`;
  return { title, safety: chain ? 'review' : 'safe', edits };
}

/** `joinedload_all(A.b, B.c)` → `joinedload(A.b).joinedload(B.c)`; `"a.b"` splits into `"a"`, `"b"`. */
function chainEdit(model: ModuleModel, call: Node, head: string, method: string): TextEdit | undefined {
  if (keywordsOf(call).size > 0 || hasSplats(call)) return undefined;
  const steps: string[] = [];
  for (const arg of positionalArgs(call)) {
    const path = stringValue(arg);
    if (arg.type === 'string' && path === undefined) return undefined;
    const quote = arg.text.startsWith("'") ? "'" : '"';
    if (path !== undefined) steps.push(...path.split('.').map((p) => `${quote}${p}${quote}`));
    else steps.push(model.textOf(arg));
  }
  if (steps.length === 0) return undefined;
  const text = `${head}(${steps[0]})${steps.slice(1).map((s) => `.${method}(${s})`).join('')}`;
  return { start: call.startIndex, end: call.endIndex, newText: text };
}
