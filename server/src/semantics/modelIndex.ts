import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import { COMPOUND_UNITS, classesOfUnit, moduleLevelClasses, moduleLevelStatements } from './moduleStatements';
import { ContextStrings } from './statementFacts';
import { ownCopy } from '../parse/ownCopy';
import { FLASK_SQLALCHEMY } from './names';
import { AS_DECLARATIVE, DECLARATIVE_BASE_CLASSES, DECLARATIVE_BASE_FACTORIES, REGISTRY_CLASSES, type PythonType } from './declarativeNames';
import {
  classAssignments, classBody, classMethods, columnFacts, columnIsNullable, flaskHeadOf, isColumnCall, isMappedColumnCall, isRelationshipCall,
  mappedAnnotationType, relationshipFacts, stringValue, boolValue, type ColumnFacts, type FlaskDbTest,
} from './declarative';

/**
 * What one module declares about its ORM models, as plain data (no tree nodes), so that a project
 * can keep it for files that are not open. Offsets are UTF-16 code units into the module's text.
 */
export interface ModuleIndex {
  file: string;
  /** Module-level names that matter for mapping: classes, bases, registries, Flask `db`, imports. */
  names: Map<string, NameDef>;
  classes: Map<string, ClassInfo>;
}

export type NameDef =
  | { kind: 'class'; name: string }
  /** `Base = declarative_base()`, `Base = registry().generate_base()`. */
  | { kind: 'base'; name: string }
  | { kind: 'registry'; name: string }
  | { kind: 'flaskDb'; name: string }
  /** `Model = db.Model`: another name for what `head.path` stands for. */
  | { kind: 'alias'; name: string; ref: SymbolRef }
  /** `from module import name` (module may be relative: `.models`), or `import module` when name is absent. */
  | { kind: 'import'; name: string; module: string; imported?: string };

/** A dotted expression as written: `db.Model` is head `db`, path `['Model']`. */
export interface SymbolRef {
  head: string;
  path: string[];
}

export interface ColumnInfo {
  attribute: string;
  /** The SQL name: the first string argument of `Column(...)`, else the attribute name. */
  columnName: string;
  typeName?: string;
  /** The type argument was written bare (`Integer`), not called (`String(50)`). */
  typeIsBare: boolean;
  enumClass?: string;
  asDecimal?: boolean;
  nullable: boolean;
  primaryKey: boolean;
  foreignKey?: string;
  /** The Python type a `Mapped[...]` annotation gives a `mapped_column()` without a SQL type. */
  pythonType?: PythonType;
  /** Set when the column is a Flask `db.Column` through an imported `db`: it counts when that name is one. */
  via?: string;
  annotated: boolean;
}

export interface RelationshipInfo {
  attribute: string;
  target?: string;
  targetIsString: boolean;
  backref?: string;
  backPopulates?: string;
  uselist?: boolean;
  lazy?: string;
  secondary: boolean;
  customJoin: boolean;
  remoteSide: boolean;
  collectionClass: boolean;
  via?: string;
}

export interface ClassInfo {
  name: string;
  start: number;
  end: number;
  superclasses: SymbolRef[];
  /** Subclasses `DeclarativeBase` or is decorated `@as_declarative()`: a base itself. */
  declarativeRoot: boolean;
  /** `@mapper_registry.mapped`. */
  mappedByDecorator: boolean;
  abstract: boolean;
  tablename?: string;
  hasTable: boolean;
  columns: ColumnInfo[];
  relationships: RelationshipInfo[];
  /** Every name the class body defines. */
  attributes: string[];
  definesInit: boolean;
  /** Where a new class-level line goes: the end of the last assignment line (before its line break), and its indentation. */
  insertAt: number;
  indent: string;
}

/** Extracts the ORM declarations of a module. */
export function indexModule(model: ModuleModel, file: string): ModuleIndex {
  if (model.hasFocus && model.storesStatementFacts) return indexByStatement(model, file);
  const names = new Map<string, NameDef>();
  const classes = new Map<string, ClassInfo>();
  // Later definitions win, as they do when the module runs.
  for (const statement of model.moduleLevelStatements()) indexStatement(model, statement, names);
  const localFlask = (name: string) => names.get(name)?.kind === 'flaskDb';
  const imported = (name: string) => names.get(name)?.kind === 'import';
  const isFlaskDb: FlaskDbTest = (name) => localFlask(name) || imported(name);
  const context = contexts.intern(JSON.stringify([...names]));
  for (const cls of moduleLevelClasses(model)) {
    const info = cachedClassInfo(model, cls, context, () => indexClass(model, cls, names, isFlaskDb, localFlask));
    if (info) classes.set(info.name, info);
  }
  return { file, names, classes };
}

/** What indexing reads and writes of the names so far. */
type NameTable = Pick<Map<string, NameDef>, 'get' | 'set'>;

function indexStatement(model: ModuleModel, statement: Node, names: NameTable): void {
  const node = statement.type === 'expression_statement' ? statement.namedChildren[0] : statement;
  if (!node || model.isInError(node)) return;
  if (node.type === 'import_statement') indexImport(node, names);
  else if (node.type === 'import_from_statement') indexImportFrom(node, names);
  else if (node.type === 'assignment') indexAssignment(model, node, names);
  else if (node.type === 'class_definition') {
    const name = node.childForFieldName('name')?.text;
    if (name) names.set(name, { kind: 'class', name });
  }
}

/** One top-level statement's part of the index: the names it sets, in order, and its classes' facts relative to its start. */
interface StatementIndex {
  start: number;
  names: Array<[string, NameDef]>;
  /** The module's names the class facts were made with. */
  context: string;
  classes: ClassInfo[];
}

/** Parts by the statement summary an incremental analysis carries: same text, same part. */
const statementIndexes = new WeakMap<object, StatementIndex>();

function shiftClass(info: ClassInfo, by: number): ClassInfo {
  return by === 0 ? info : { ...info, start: info.start + by, end: info.end + by, insertAt: info.insertAt + by };
}

/**
 * The same index, statement by statement, for a model that checks some statements only: the
 * others reuse what an earlier analysis found in them. What a statement sets depends on its own
 * text and on imports (whose edits analyze the whole module) and, for a registry's
 * `generate_base()`, on a name whose edit re-checks the statement.
 */
function indexByStatement(model: ModuleModel, file: string): ModuleIndex {
  const names = new Map<string, NameDef>();
  const parts: Array<{ part: StatementIndex; fresh: boolean; unit: number }> = [];
  for (let i = 0; i < model.unitCount; i++) {
    const carried = model.carriedSummary(i);
    const start = model.unitSpan(i).start;
    const earlier = carried && !model.isUnitChecked(i) ? statementIndexes.get(carried) : undefined;
    if (earlier) {
      for (const [name, def] of earlier.names) names.set(name, def);
      parts.push({ part: earlier, fresh: false, unit: i });
      continue;
    }
    const unit = model.unitNode(i);
    const set: Array<[string, NameDef]> = [];
    const recording: NameTable = {
      get: (name) => names.get(name),
      set: (name, def) => {
        names.set(name, def);
        set.push([name, def]);
        return names;
      },
    };
    for (const statement of COMPOUND_UNITS.has(model.unitType(i)) ? moduleLevelStatements(unit) : [unit]) indexStatement(model, statement, recording);
    parts.push({ part: { start, names: set, context: '', classes: [] }, fresh: true, unit: i });
  }
  const localFlask = (name: string) => names.get(name)?.kind === 'flaskDb';
  const imported = (name: string) => names.get(name)?.kind === 'import';
  const isFlaskDb: FlaskDbTest = (name) => localFlask(name) || imported(name);
  const lineage = model.lineage;
  const before = lineage && namesBefore.get(lineage);
  const changed = before && changedNames(before.names, names);
  // Interned: every kept part compares its context with it, by identity when they are the same.
  // Names that say the same as before make the same context, without writing it out again.
  const context = changed?.length === 0 ? before!.context : contexts.intern(JSON.stringify([...names]));
  if (lineage) namesBefore.set(lineage, { names, context });
  const classes = new Map<string, ClassInfo>();
  for (const { part, fresh, unit } of parts) {
    const start = model.unitSpan(unit).start;
    if (!fresh && (part.context === context || (changed !== undefined && !model.unitSpells(unit, changed)))) {
      for (const info of part.classes) classes.set(info.name, shiftClass(info, start - part.start));
      continue;
    }
    const found: ClassInfo[] = [];
    for (const cls of classesOfUnit(model, unit)) {
      const info = cachedClassInfo(model, cls, context, () => indexClass(model, cls, names, isFlaskDb, localFlask));
      if (info) {
        classes.set(info.name, info);
        found.push(info);
      }
    }
    statementIndexes.set(model.carriedSummary(unit) ?? model.summaryOf(unit), { start, names: part.names, context, classes: found });
  }
  return { file, names, classes };
}


/**
 * The module's names (and their context) at the last index of a document, by its models' lineage.
 * A kept statement was checked against them (or indexed with them), so its classes stay right
 * unless it spells a name that changed since: class facts read module names only through words
 * the class spells.
 */
const namesBefore = new WeakMap<object, { names: Map<string, NameDef>; context: string }>();

/**
 * Names whose definition changed, with the aliases that stand for one of them; undefined when the
 * names before are unknown. Kept statements keep their definitions, the very objects: only those
 * of statements indexed again are compared by content.
 */
function changedNames(before: Map<string, NameDef> | undefined, after: Map<string, NameDef>): string[] | undefined {
  if (!before) return undefined;
  const changed = new Set<string>();
  for (const [name, def] of after) {
    const was = before.get(name);
    if (was !== def && (was === undefined || JSON.stringify(was) !== JSON.stringify(def))) changed.add(name);
  }
  for (const name of before.keys()) if (!after.has(name)) changed.add(name);
  for (let grew = changed.size > 0; grew; ) {
    grew = false;
    for (const [name, def] of after) {
      if (def.kind !== 'alias' || changed.has(name) || !changed.has(def.ref.head)) continue;
      changed.add(name);
      grew = true;
    }
  }
  return [...changed];
}

/** The module names of recent indexes, as the very strings kept parts and class facts hold. */
const contexts = new ContextStrings();

/**
 * Class facts by module names (interned: its hash is computed once) then class text, positions
 * relative to the class: an edit elsewhere reuses them.
 */
const classInfoCache = new Map<string, Map<string, ClassInfo | undefined>>();
let cachedClassCount = 0;
const CLASS_CACHE_LIMIT = 20000;

function cachedClassInfo(model: ModuleModel, cls: Node, context: string, compute: () => ClassInfo | undefined): ClassInfo | undefined {
  const lineStart = model.text.lastIndexOf('\n', cls.startIndex - 1) + 1;
  const classText = model.text.slice(lineStart, cls.endIndex);
  const at = cls.startIndex;
  let byText = classInfoCache.get(context);
  if (byText?.has(classText)) {
    const relative = byText.get(classText);
    return relative && { ...relative, start: relative.start + at, end: relative.end + at, insertAt: relative.insertAt + at };
  }
  const info = compute();
  if (cachedClassCount >= CLASS_CACHE_LIMIT) {
    classInfoCache.clear();
    cachedClassCount = 0;
    byText = undefined;
  }
  if (!byText) classInfoCache.set(context, (byText = new Map()));
  // A copy: the slice would keep this version's whole text alive as long as the entry.
  byText.set(ownCopy(classText), info && { ...info, start: info.start - at, end: info.end - at, insertAt: info.insertAt - at });
  cachedClassCount++;
  return info;
}

function indexImport(statement: Node, names: NameTable): void {
  for (const imported of statement.childrenForFieldName('name')) {
    if (imported?.type === 'aliased_import') {
      const alias = imported.childForFieldName('alias')?.text;
      const module = imported.childForFieldName('name')?.text;
      if (alias && module) names.set(alias, { kind: 'import', name: alias, module });
    } else if (imported?.type === 'dotted_name') {
      const first = imported.namedChildren[0]?.text;
      if (first) names.set(first, { kind: 'import', name: first, module: first });
    }
  }
}

function indexImportFrom(statement: Node, names: NameTable): void {
  const module = statement.childForFieldName('module_name')?.text.replace(/\s+/g, '');
  if (!module) return;
  for (const imported of statement.childrenForFieldName('name')) {
    if (!imported) continue;
    const original = imported.type === 'aliased_import' ? imported.childForFieldName('name')?.text : imported.text;
    const local = imported.type === 'aliased_import' ? imported.childForFieldName('alias')?.text : imported.text;
    if (original && local) names.set(local, { kind: 'import', name: local, module, imported: original });
  }
}

function indexAssignment(model: ModuleModel, assignment: Node, names: NameTable): void {
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  if (left?.type !== 'identifier' || !right) return;
  const name = left.text;
  const ref = symbolRef(right);
  if (ref) {
    names.set(name, { kind: 'alias', name, ref });
    return;
  }
  if (right.type !== 'call') return;
  const fn = right.childForFieldName('function');
  const qualified = fn ? model.qualifiedName(fn) ?? '' : '';
  if (DECLARATIVE_BASE_FACTORIES.has(qualified)) names.set(name, { kind: 'base', name });
  else if (REGISTRY_CLASSES.has(qualified)) names.set(name, { kind: 'registry', name });
  else if (FLASK_SQLALCHEMY.has(qualified)) names.set(name, { kind: 'flaskDb', name });
  else if (fn?.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'generate_base') {
    // `registry().generate_base()` or `mapper_registry.generate_base()`.
    const object = fn.childForFieldName('object');
    if (object && isRegistry(model, object, names)) names.set(name, { kind: 'base', name });
  }
}

function isRegistry(model: ModuleModel, node: Node, names: NameTable): boolean {
  if (node.type === 'identifier') return names.get(node.text)?.kind === 'registry';
  if (node.type !== 'call') return false;
  const fn = node.childForFieldName('function');
  return !!fn && REGISTRY_CLASSES.has(model.qualifiedName(fn) ?? '');
}

/** How long a dotted name may be to count as a reference to a class or base (longer ones are not). */
const MAX_REF_LENGTH = 16;

export function symbolRef(node: Node): SymbolRef | undefined {
  const path: string[] = [];
  let current: Node | null = node;
  while (current?.type === 'attribute') {
    const attribute = current.childForFieldName('attribute')?.text;
    if (!attribute || path.length >= MAX_REF_LENGTH) return undefined;
    path.unshift(attribute);
    current = current.childForFieldName('object');
  }
  return current?.type === 'identifier' ? { head: current.text, path } : undefined;
}

function indexClass(model: ModuleModel, cls: Node, names: Map<string, NameDef>, isFlaskDb: FlaskDbTest, localFlask: FlaskDbTest): ClassInfo | undefined {
  const name = cls.childForFieldName('name')?.text;
  const body = classBody(cls);
  if (!name || !body) return undefined;
  const info: ClassInfo = {
    name, start: cls.startIndex, end: cls.endIndex, superclasses: [], declarativeRoot: false, mappedByDecorator: false, abstract: false,
    hasTable: false, columns: [], relationships: [], attributes: [], definesInit: false, insertAt: cls.endIndex, indent: indentOf(model, body),
  };
  for (const superclass of cls.childForFieldName('superclasses')?.namedChildren ?? []) {
    if (!superclass || superclass.type === 'keyword_argument') continue;
    if (DECLARATIVE_BASE_CLASSES.has(model.qualifiedName(superclass) ?? '')) info.declarativeRoot = true;
    const ref = symbolRef(superclass);
    if (ref) info.superclasses.push(ref);
  }
  readDecorators(model, cls, names, info);
  const via = (fn: Node | null) => {
    const head = fn ? flaskHeadOf(model, fn) : undefined;
    return head && !localFlask(head) ? head : undefined;
  };
  for (const { name: target, annotation, value } of classAssignments(cls)) {
    const attribute = target.text;
    info.attributes.push(attribute);
    if (attribute === '__tablename__') info.tablename = stringValue(value);
    else if (attribute === '__table__') info.hasTable = true;
    else if (attribute === '__abstract__') info.abstract = boolValue(value) === true;
    else if (value && isColumnCall(model, value, isFlaskDb)) {
      info.columns.push(columnInfo(attribute, columnFacts(model, value, isFlaskDb), !!annotation, via(value.childForFieldName('function'))));
    } else if (value && isMappedColumnCall(model, value, isFlaskDb)) {
      info.columns.push(mappedColumnInfo(attribute, columnFacts(model, value, isFlaskDb), annotation));
    } else if (value && isRelationshipCall(model, value, isFlaskDb)) {
      const facts = relationshipFacts(model, value, isFlaskDb);
      info.relationships.push({
        attribute, target: facts.target, targetIsString: facts.targetIsString, backref: facts.backref, backPopulates: facts.backPopulates,
        uselist: facts.uselist, lazy: facts.lazy, secondary: !!facts.secondary, customJoin: facts.customJoin, remoteSide: facts.remoteSide,
        collectionClass: !!facts.collectionClass, via: via(value.childForFieldName('function')),
      });
    }
  }
  for (const method of classMethods(cls)) {
    const methodName = method.childForFieldName('name')?.text;
    if (!methodName) continue;
    info.attributes.push(methodName);
    if (methodName === '__init__') info.definesInit = true;
  }
  info.insertAt = insertionPoint(model, body);
  return info;
}

function readDecorators(model: ModuleModel, cls: Node, names: Map<string, NameDef>, info: ClassInfo): void {
  if (cls.parent?.type !== 'decorated_definition') return;
  for (const decorator of cls.parent.namedChildren) {
    if (decorator?.type !== 'decorator') continue;
    let expr = decorator.namedChildren[0];
    if (expr?.type === 'call') expr = expr.childForFieldName('function');
    if (!expr) continue;
    if (AS_DECLARATIVE.has(model.qualifiedName(expr) ?? '')) info.declarativeRoot = true;
    if (expr.type !== 'attribute') continue;
    const object = expr.childForFieldName('object');
    const method = expr.childForFieldName('attribute')?.text;
    if (!object || !isRegistry(model, object, names)) continue;
    if (method === 'mapped' || method === 'mapped_as_dataclass') info.mappedByDecorator = true;
    if (method === 'as_declarative_base') info.declarativeRoot = true;
  }
}

function columnInfo(attribute: string, facts: ColumnFacts, annotated: boolean, via: string | undefined): ColumnInfo {
  return {
    attribute, columnName: facts.columnName ?? attribute, typeName: facts.typeName, typeIsBare: !!facts.typeNode && facts.typeNode.type !== 'call',
    enumClass: facts.enumClass, asDecimal: facts.asDecimal, nullable: columnIsNullable(facts), primaryKey: facts.primaryKey,
    foreignKey: facts.foreignKey, via, annotated,
  };
}

/** A 2.0 `x: Mapped[Optional[int]] = mapped_column(...)`: type and nullability come from the annotation unless given. */
function mappedColumnInfo(attribute: string, facts: ColumnFacts, annotation: Node | undefined): ColumnInfo {
  const annotated = annotation ? mappedAnnotationType(annotation) : undefined;
  const info = columnInfo(attribute, facts, !!annotation, undefined);
  info.pythonType = facts.typeNode ? undefined : annotated?.type;
  info.nullable = facts.nullable ?? (facts.primaryKey ? false : annotated ? annotated.optional : true);
  return info;
}

/** The end of the line of the class body's last assignment (or last statement), before its line break. */
function insertionPoint(model: ModuleModel, body: Node): number {
  const statements = body.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  const assignments = statements.filter((s) => s.type === 'expression_statement' || s.type === 'pass_statement');
  const last = assignments[assignments.length - 1] ?? statements[statements.length - 1];
  const end = last ? last.endIndex : body.endIndex;
  const lineEnd = model.text.indexOf('\n', end);
  const stop = lineEnd === -1 ? model.text.length : lineEnd;
  return model.text[stop - 1] === '\r' ? stop - 1 : stop;
}

function indentOf(model: ModuleModel, body: Node): string {
  const lineStart = model.text.lastIndexOf('\n', body.startIndex - 1) + 1;
  const prefix = model.text.slice(lineStart, body.startIndex);
  return /^[ \t]+$/.test(prefix) ? ownCopy(prefix) : '    ';
}
