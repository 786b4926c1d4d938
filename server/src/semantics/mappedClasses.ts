import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import { receiversOf } from './receivers';
import { COLUMN_FUNCTIONS, FOREIGN_KEY_FUNCTIONS, RELATIONSHIP_FUNCTIONS } from './ormNames';
import { ModelMemo } from './modelMemo';

/** A mapped attribute declared in a class body of this module. */
export interface MappedAttribute {
  name: string;
  kind: 'relationship' | 'column';
  /** Relationships: the target class, when written as a plain class name. */
  target?: string;
  /** Relationships: true for a collection, false for a single object, undefined when unknown. */
  collection?: boolean;
}

/** A module-level class that maps attributes with `relationship()` / `Column()` (or inherits from one that does). */
export interface MappedClass {
  name: string;
  node: Node;
  tableName?: string;
  /** Base classes written as plain names. */
  bases: string[];
  attributes: Map<string, MappedAttribute>;
  /** Tables (`"users"`) and classes (`User`) that the class's own foreign keys point at. */
  foreignTables: Set<string>;
  foreignClasses: Set<string>;
}

interface PendingRelationship {
  owner: MappedClass;
  attribute: MappedAttribute;
  annotation?: Node;
  uselist?: boolean;
  secondary: boolean;
}

const cache = new ModelMemo<Map<string, MappedClass>>();

/**
 * The mapped classes of this module by name; other modules are not seen (no cross-file index yet).
 * Attributes made by `backref=` are left out: they exist only once the mappers are configured.
 */
export function mappedClasses(model: ModuleModel): Map<string, MappedClass> {
  return cache.of(model, collect);
}

/** The mapped class a name means at its place of use: `User` bound once, by the class statement. */
export function mappedClassOf(model: ModuleModel, node: Node): MappedClass | undefined {
  if (node.type !== 'identifier') return undefined;
  const bindings = model.lookup(node.text, node);
  if (bindings?.length !== 1 || bindings[0].kind !== 'class') return undefined;
  const found = mappedClasses(model).get(node.text);
  return found && found.node.id === bindings[0].value?.id ? found : undefined;
}

/** An attribute of the class or of one of its mapped base classes in this module. */
export function mappedAttribute(model: ModuleModel, owner: MappedClass, name: string, depth = 0): MappedAttribute | undefined {
  const own = owner.attributes.get(name);
  if (own || depth > 10) return own;
  for (const base of owner.bases) {
    const baseClass = mappedClasses(model).get(base);
    const found = baseClass && mappedAttribute(model, baseClass, name, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** `relationship`, `Column`, ...: the name of an ORM or schema function, through imports or a Flask-SQLAlchemy `db`. */
export function ormFunctionName(model: ModuleModel, fn: Node): string | undefined {
  const qualified = model.qualifiedName(fn);
  if (qualified) return qualified.startsWith('sqlalchemy.') ? qualified.slice(qualified.lastIndexOf('.') + 1) : undefined;
  if (fn.type !== 'attribute') return undefined;
  const object = fn.childForFieldName('object');
  return object && receiversOf(model).kindOf(object) === 'flaskDb' ? fn.childForFieldName('attribute')?.text : undefined;
}

function collect(model: ModuleModel): Map<string, MappedClass> {
  const classes = new Map<string, MappedClass>();
  const pending: PendingRelationship[] = [];
  for (const node of model.nodesWithWords('class_definition', ['class'])) {
    if (model.scopeNodeOf(node).id !== model.root.id) continue;
    const name = node.childForFieldName('name')?.text;
    if (!name) continue;
    const bases = (node.childForFieldName('superclasses')?.namedChildren ?? []).filter((b): b is Node => b?.type === 'identifier').map((b) => b.text);
    const mapped: MappedClass = { name, node, bases, attributes: new Map(), foreignTables: new Set(), foreignClasses: new Set() };
    for (const statement of node.childForFieldName('body')?.namedChildren ?? []) {
      const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
      if (assignment?.type !== 'assignment') continue;
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right');
      const annotation = assignment.childForFieldName('type') ?? undefined;
      if (left?.type !== 'identifier') continue;
      if (left.text === '__tablename__' && right?.type === 'string') mapped.tableName = stringContent(right);
      if (right?.type !== 'call') {
        // `id: Mapped[int]` with no value is a column in the 2.0 declarative style.
        if (!right && annotation && /^Mapped\[/.test(annotation.text)) mapped.attributes.set(left.text, { name: left.text, kind: 'column' });
        continue;
      }
      const fnName = ormFunctionName(model, right.childForFieldName('function')!);
      if (fnName && COLUMN_FUNCTIONS.has(fnName)) {
        mapped.attributes.set(left.text, { name: left.text, kind: 'column' });
        collectForeignKeys(model, right, mapped);
      } else if (fnName && RELATIONSHIP_FUNCTIONS.has(fnName)) {
        const attribute: MappedAttribute = { name: left.text, kind: 'relationship', target: relationshipTarget(right) };
        mapped.attributes.set(left.text, attribute);
        const keywords = keywordsOf(right);
        const uselist = keywords.get('uselist')?.type;
        pending.push({ owner: mapped, attribute, annotation, uselist: uselist === 'true' ? true : uselist === 'false' ? false : undefined, secondary: keywords.has('secondary') });
      }
    }
    classes.set(name, mapped);
  }
  for (const relationship of pending) relationship.attribute.collection = isCollection(classes, relationship);
  // Only classes that map something, themselves or through a base of this module.
  const isMapped = (c: MappedClass, depth: number): boolean =>
    c.attributes.size > 0 || !!c.tableName || (depth < 10 && c.bases.some((b) => classes.has(b) && isMapped(classes.get(b)!, depth + 1)));
  for (const [name, c] of classes) if (!isMapped(c, 0)) classes.delete(name);
  return classes;
}

function stringContent(node: Node): string | undefined {
  const match = /^[rRuU]?(['"])([^'"\\]*)\1$/.exec(node.text);
  return match?.[2];
}

function keywordsOf(call: Node): Map<string, Node> {
  const result = new Map<string, Node>();
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (arg?.type !== 'keyword_argument') continue;
    const name = arg.childForFieldName('name')?.text;
    const value = arg.childForFieldName('value');
    if (name && value) result.set(name, value);
  }
  return result;
}

/** `relationship("Address")`, `relationship(Address)`, `relationship(lambda: Address)`: the class name. */
function relationshipTarget(call: Node): string | undefined {
  const first = call.childForFieldName('arguments')?.namedChildren.find((a) => a?.type !== 'comment');
  if (!first) return undefined;
  if (first.type === 'identifier') return first.text;
  if (first.type === 'lambda') {
    const body = first.childForFieldName('body');
    return body?.type === 'identifier' ? body.text : undefined;
  }
  const text = first.type === 'string' ? stringContent(first) : undefined;
  return text && /^[A-Za-z_]\w*$/.test(text) ? text : undefined;
}

function collectForeignKeys(model: ModuleModel, column: Node, owner: MappedClass): void {
  for (const call of column.descendantsOfType('call')) {
    const fn = call?.childForFieldName('function');
    const fnName = fn ? ormFunctionName(model, fn) : undefined;
    if (!call || !fnName || !FOREIGN_KEY_FUNCTIONS.has(fnName)) continue;
    const first = call.childForFieldName('arguments')?.namedChildren[0];
    if (first?.type === 'string') {
      const table = stringContent(first)?.split('.').slice(0, -1).join('.');
      if (table) owner.foreignTables.add(table);
    } else if (first?.type === 'attribute') {
      const object = first.childForFieldName('object');
      if (object?.type === 'identifier') owner.foreignClasses.add(object.text);
    }
  }
}

/** A list or a single object: `uselist=`, `secondary=`, a `Mapped[...]` annotation, or which side holds the foreign key. */
function isCollection(classes: Map<string, MappedClass>, relationship: PendingRelationship): boolean | undefined {
  if (relationship.uselist !== undefined) return relationship.uselist;
  if (relationship.secondary) return true;
  const annotation = relationship.annotation?.text.replace(/\s+/g, '');
  if (annotation) {
    if (/^Mapped\[(typing\.)?(List|list|Set|set|Sequence|Collection|Dict|dict)\[/.test(annotation)) return true;
    if (/^Mapped\[/.test(annotation)) return false;
  }
  const owner = relationship.owner;
  const target = relationship.attribute.target ? classes.get(relationship.attribute.target) : undefined;
  if (!target || target === owner) return undefined;
  const pointsAt = (from: MappedClass, to: MappedClass) => (!!to.tableName && from.foreignTables.has(to.tableName)) || from.foreignClasses.has(to.name);
  const ownerHoldsKey = pointsAt(owner, target);
  const targetHoldsKey = pointsAt(target, owner);
  if (ownerHoldsKey && !targetHoldsKey) return false;
  if (targetHoldsKey && !ownerHoldsKey) return true;
  return undefined;
}
