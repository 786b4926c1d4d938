import * as path from 'path';
import type { ProjectModels } from './projectModels';
import type { ClassInfo, ColumnInfo, ModuleIndex, RelationshipInfo, SymbolRef } from './modelIndex';
import { SQL_TYPE_TO_PYTHON, type PythonType } from './declarativeNames';

/** What a name stands for once imports and aliases are followed. */
export type Resolved =
  | { kind: 'class'; file: string; cls: ClassInfo }
  | { kind: 'base' | 'registry' | 'flaskDb' | 'flaskModel'; file: string; name: string };

export interface ClassRef {
  file: string;
  cls: ClassInfo;
}

/**
 * How a class takes part in mapping. `registry` names the declarative base it maps through, so that
 * string names (`relationship("Address")`) are looked up among classes of the same registry.
 */
export interface ClassKind {
  kind: 'base' | 'mapped' | 'abstract' | 'mixin';
  registry: string;
}

export interface OwnedColumn {
  column: ColumnInfo;
  owner: ClassRef;
}

/** A relationship's Python type: a list of the target, or one (possibly absent) target. */
export interface RelationshipShape {
  target: ClassRef;
  collection: boolean;
  optional: boolean;
}

const MAX_DEPTH = 12;
const FLASK_MODEL_SUFFIX = '.Model';

/** Questions about models, asked from one file; that file's index is the given current one. */
export class ProjectView {
  private readonly kinds = new Map<string, ClassKind | undefined>();
  private readonly inProgress = new Set<string>();

  constructor(private readonly project: ProjectModels | undefined, readonly file: string, private readonly current: ModuleIndex) {}

  index(file: string): ModuleIndex | undefined {
    return file === this.file ? this.current : this.project?.indexOf(file);
  }

  /** The class of this name in `file`'s own module, if it defines one. */
  localClass(name: string, file = this.file): ClassRef | undefined {
    const cls = this.index(file)?.classes.get(name);
    return cls ? { file, cls } : undefined;
  }

  resolve(file: string, ref: SymbolRef, depth = 0): Resolved | undefined {
    const index = this.index(file);
    const def = index?.names.get(ref.head);
    if (!index || !def || depth > MAX_DEPTH) return undefined;
    switch (def.kind) {
      case 'class': {
        const cls = index.classes.get(def.name);
        return cls && ref.path.length === 0 ? { kind: 'class', file, cls } : undefined;
      }
      case 'base':
      case 'registry':
        return ref.path.length === 0 ? { kind: def.kind, file, name: def.name } : undefined;
      case 'flaskDb':
        if (ref.path.length === 0) return { kind: 'flaskDb', file, name: def.name };
        return ref.path.length === 1 && ref.path[0] === 'Model' ? { kind: 'flaskModel', file, name: def.name } : undefined;
      case 'alias':
        return this.resolve(file, { head: def.ref.head, path: [...def.ref.path, ...ref.path] }, depth + 1);
      case 'import':
        return this.resolveImport(file, def.module, def.imported, ref.path, depth);
    }
  }

  private resolveImport(file: string, module: string, imported: string | undefined, rest: string[], depth: number): Resolved | undefined {
    if (imported !== undefined) {
      const target = this.moduleFile(file, module);
      if (target) {
        const found = this.resolve(target, { head: imported, path: rest }, depth + 1);
        if (found) return found;
      }
      // `from app import models`, then `models.User`.
      const submodule = this.moduleFile(file, module.endsWith('.') ? `${module}${imported}` : `${module}.${imported}`);
      return submodule && rest.length > 0 ? this.resolve(submodule, { head: rest[0], path: rest.slice(1) }, depth + 1) : undefined;
    }
    // `import app.models` binds `app`: the longest known module prefix of the path holds the name.
    for (let k = rest.length - 1; k >= 0; k--) {
      const target = this.moduleFile(file, [module, ...rest.slice(0, k)].join('.'));
      if (target) return this.resolve(target, { head: rest[k], path: rest.slice(k + 1) }, depth + 1);
    }
    return undefined;
  }

  /** The file of a module imported from `from`, relative (`..models`) or absolute (`app.models`). */
  moduleFile(from: string, module: string): string | undefined {
    const relative = /^(\.+)(.*)$/.exec(module);
    if (relative) {
      let dir = path.dirname(from);
      for (let i = 1; i < relative[1].length; i++) dir = path.dirname(dir);
      const parts = relative[2] ? relative[2].split('.') : [];
      const base = path.join(dir, ...parts);
      const candidates = parts.length > 0 ? [`${base}.py`, path.join(base, '__init__.py')] : [path.join(base, '__init__.py')];
      return candidates.find((c) => this.index(c));
    }
    return this.project?.filesOfModule(module, from)[0];
  }

  /** The class a name means in `file`: a class there, or one it imports. */
  classNamed(name: string, file = this.file): ClassRef | undefined {
    const found = this.resolve(file, { head: name, path: [] });
    return found?.kind === 'class' ? { file: found.file, cls: found.cls } : undefined;
  }

  isFlaskDb(name: string, file = this.file): boolean {
    return this.resolve(file, { head: name, path: [] })?.kind === 'flaskDb';
  }

  /** Base, mapped class, abstract mapped class, mixin used by a mapped class, or nothing to the ORM. */
  classKind(ref: ClassRef, depth = 0): ClassKind | undefined {
    return this.mappingKind(ref) ?? this.mixinKind(ref, depth);
  }

  isMapped(ref: ClassRef): boolean {
    return this.classKind(ref)?.kind === 'mapped';
  }

  /** What a class is through its own bases: a declarative base, or mapped (abstract) through one. */
  private mappingKind(ref: ClassRef): ClassKind | undefined {
    const key = `${ref.file}#${ref.cls.name}`;
    if (this.kinds.has(key)) return this.kinds.get(key);
    if (this.inProgress.has(key)) return undefined;
    this.inProgress.add(key);
    const kind = this.computeKind(ref, key);
    this.inProgress.delete(key);
    this.kinds.set(key, kind);
    return kind;
  }

  private computeKind(ref: ClassRef, key: string): ClassKind | undefined {
    const { cls, file } = ref;
    if (cls.declarativeRoot) return { kind: 'base', registry: key };
    if (cls.mappedByDecorator) return { kind: cls.abstract ? 'abstract' : 'mapped', registry: `${file}#@${cls.name}` };
    for (const superclass of cls.superclasses) {
      const found = this.resolve(file, superclass);
      let registry: string | undefined;
      if (found?.kind === 'base') registry = `${found.file}#${found.name}`;
      else if (found?.kind === 'flaskModel') registry = `${found.file}#${found.name}${FLASK_MODEL_SUFFIX}`;
      else if (found?.kind === 'class') registry = this.mappingKind({ file: found.file, cls: found.cls })?.registry;
      if (registry) return { kind: cls.abstract ? 'abstract' : 'mapped', registry };
    }
    return undefined;
  }

  /** A plain class is a mixin when a mapped class (or another such mixin) lists it among its bases. */
  private mixinKind(ref: ClassRef, depth: number): ClassKind | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const files = new Set([this.file, ...(this.project?.filesWithSuperclass(ref.cls.name) ?? [])]);
    for (const file of files) {
      for (const user of this.index(file)?.classes.values() ?? []) {
        const usesIt = user.superclasses.some((s) => {
          if ((s.path[s.path.length - 1] ?? s.head) !== ref.cls.name) return false;
          const found = this.resolve(file, s);
          return found?.kind === 'class' && found.file === ref.file && found.cls.name === ref.cls.name;
        });
        const kind = usesIt ? this.classKind({ file, cls: user }, depth + 1) : undefined;
        if (kind && kind.kind !== 'base') return { kind: 'mixin', registry: kind.registry };
      }
    }
    return undefined;
  }

  /** Superclasses that are classes of the project, nearest first. */
  parents(ref: ClassRef): ClassRef[] {
    const result: ClassRef[] = [];
    for (const superclass of ref.cls.superclasses) {
      const found = this.resolve(ref.file, superclass);
      if (found?.kind === 'class') result.push({ file: found.file, cls: found.cls });
    }
    return result;
  }

  /** The class's own columns, then those it inherits from mixins and mapped parents. */
  columns(ref: ClassRef, depth = 0): OwnedColumn[] {
    const own = ref.cls.columns.filter((c) => !c.via || this.isFlaskDb(c.via, ref.file)).map((column) => ({ column, owner: ref }));
    if (depth > MAX_DEPTH) return own;
    const seen = new Set(ref.cls.attributes);
    const inherited = this.parents(ref).flatMap((p) => this.columns(p, depth + 1)).filter((c) => !seen.has(c.column.attribute));
    return [...own, ...inherited];
  }

  relationships(ref: ClassRef): RelationshipInfo[] {
    return ref.cls.relationships.filter((r) => !r.via || this.isFlaskDb(r.via, ref.file));
  }

  /** `__tablename__`, the one a single-table subclass shares with its mapped parent, or Flask-SQLAlchemy's default. */
  tableOf(ref: ClassRef, depth = 0): string | undefined {
    if (ref.cls.tablename || ref.cls.hasTable || depth > MAX_DEPTH) return ref.cls.tablename;
    for (const parent of this.parents(ref)) {
      const table = this.tableOf(parent, depth + 1);
      if (table) return table;
    }
    // Flask-SQLAlchemy names the table of a `db.Model` class after the class, in snake case.
    const kind = this.classKind(ref);
    if (kind?.kind === 'mapped' && kind.registry.endsWith(FLASK_MODEL_SUFFIX)) {
      return snakeCase(ref.cls.name);
    }
    return undefined;
  }

  /** The mapped class a string like `"Address"` names in a registry: exactly one, or none. */
  mappedClassByName(name: string, registry: string): ClassRef | undefined {
    const files = new Set([this.file, ...(this.project?.filesWithClass(name) ?? [])]);
    const found = [...files].map((file) => this.localClass(name, file)).filter((r): r is ClassRef => {
      const kind = r && this.classKind(r);
      return !!kind && (kind.kind === 'mapped' || kind.kind === 'abstract') && kind.registry === registry;
    });
    return found.length === 1 ? found[0] : undefined;
  }

  /** The mapped class of a table, preferring the given registry. */
  classOfTable(table: string, registry: string | undefined): ClassRef | undefined {
    const files = new Set([this.file, ...(this.project?.filesWithTable(table) ?? [])]);
    const owners: Array<{ ref: ClassRef; registry: string }> = [];
    for (const file of files) {
      for (const cls of this.index(file)?.classes.values() ?? []) {
        const kind = this.tableOf({ file, cls }) === table ? this.classKind({ file, cls }) : undefined;
        if (kind?.kind === 'mapped' || kind?.kind === 'abstract') owners.push({ ref: { file, cls }, registry: kind.registry });
      }
    }
    const same = owners.filter((o) => o.registry === registry);
    if (same.length === 1) return same[0].ref;
    return owners.length === 1 ? owners[0].ref : undefined;
  }

  /** The Python type of a column's values: from its SQL type, or through its foreign key from the column it points at. */
  columnPythonType(owned: OwnedColumn, depth = 0): PythonType | undefined {
    const { column } = owned;
    if (column.enumClass) return depth === 0 ? { name: column.enumClass } : undefined;
    if (column.pythonType) return column.pythonType;
    if (column.typeName) {
      const type = SQL_TYPE_TO_PYTHON.get(column.typeName);
      if (type?.name === 'Decimal' && column.asDecimal === false) return { name: 'float' };
      if (type?.name === 'float' && column.asDecimal === true) return { name: 'Decimal', module: 'decimal' };
      return type;
    }
    if (!column.foreignKey || depth > MAX_DEPTH) return undefined;
    const target = this.foreignKeyTarget(owned);
    return target ? this.columnPythonType(target, depth + 1) : undefined;
  }

  /** The column a `ForeignKey("table.column")` points at, when its class is known. */
  foreignKeyTarget(owned: OwnedColumn): OwnedColumn | undefined {
    const target = splitForeignKey(owned.column.foreignKey);
    if (!target) return undefined;
    const registry = this.classKind(owned.owner)?.registry;
    const tableClass = this.classOfTable(target.table, registry);
    return tableClass ? this.columns(tableClass).find((c) => c.column.columnName === target.column) : undefined;
  }

  /** The class a relationship points at, looked up as SQLAlchemy does: by registry for strings, by import otherwise. */
  relationshipTarget(owner: ClassRef, rel: RelationshipInfo): ClassRef | undefined {
    if (!rel.target) return undefined;
    if (!rel.targetIsString) return this.classNamed(rel.target, owner.file);
    if (rel.target.includes('.')) return undefined;
    const registry = this.classKind(owner)?.registry;
    return registry ? this.mappedClassByName(rel.target, registry) : undefined;
  }

  /**
   * Collection or scalar, as SQLAlchemy decides: `uselist=` when given, `secondary=` makes a
   * collection, else the side that holds the foreign key (this side: many-to-one, a scalar).
   */
  relationshipShape(owner: ClassRef, rel: RelationshipInfo): RelationshipShape | undefined {
    const target = this.relationshipTarget(owner, rel);
    if (!target || rel.collectionClass) return undefined;
    if (rel.uselist === true || (rel.uselist === undefined && rel.secondary)) return { target, collection: true, optional: false };
    const side = this.foreignKeySide(owner, rel, target);
    const localKeysNullable = () => this.foreignKeysBetween(owner, target).some((c) => c.column.nullable);
    // One-to-one: the row on the other side may be missing, unless this side holds a NOT NULL key.
    if (rel.uselist === false) return { target, collection: false, optional: side === 'local' ? localKeysNullable() : true };
    if (side === 'local') return { target, collection: false, optional: localKeysNullable() };
    return side === 'remote' ? { target, collection: true, optional: false } : undefined;
  }

  /**
   * Which side holds the foreign key: `local` (the relationship's own class, many-to-one),
   * `remote` (the target, one-to-many), `secondary` (an association table), or unknown.
   */
  foreignKeySide(owner: ClassRef, rel: RelationshipInfo, target = this.relationshipTarget(owner, rel)): 'local' | 'remote' | 'secondary' | undefined {
    if (!target) return undefined;
    if (rel.secondary) return 'secondary';
    const self = target.file === owner.file && target.cls.name === owner.cls.name;
    if (self) return rel.remoteSide ? 'local' : rel.customJoin ? undefined : 'remote';
    const local = this.foreignKeysBetween(owner, target).length > 0;
    const remote = this.foreignKeysBetween(target, owner).length > 0;
    if (local && !remote) return 'local';
    if (remote && !local) return 'remote';
    return undefined;
  }

  /** Columns of `from` whose foreign key points at `to`'s table. */
  private foreignKeysBetween(from: ClassRef, to: ClassRef): OwnedColumn[] {
    const table = this.tableOf(to);
    if (!table) return [];
    return this.columns(from).filter((c) => splitForeignKey(c.column.foreignKey)?.table === table);
  }
}

/** `users.id` → users / id; `schema.users.id` → users / id. */
function splitForeignKey(target: string | undefined): { table: string; column: string } | undefined {
  const parts = target?.split('.');
  if (!parts || parts.length < 2) return undefined;
  return { table: parts[parts.length - 2], column: parts[parts.length - 1] };
}

/** Flask-SQLAlchemy's default table name for a model class: `UserRole` → `user_role`. */
export function snakeCase(name: string): string {
  return name.replace(/((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))/g, '_$1').toLowerCase().replace(/^_+/, '');
}
