import type { ColumnInfo, RelationshipInfo } from './modelIndex';
import { SQL_TYPE_TO_PYTHON, type PythonType } from './declarativeNames';
import { FLASK_MODEL_SUFFIX, MAX_DEPTH, ModelResolver, type ClassRef } from './modelResolver';

export type { ClassKind, ClassRef, Resolved } from './modelResolver';

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

/**
 * Questions about models, asked from one file; that file's index is the given current one:
 * is a class mapped, which columns and table does it have, what does a relationship hold.
 */
export class ProjectView extends ModelResolver {
  private readonly columnsMemo = new Map<string, OwnedColumn[]>();
  private readonly tableMemo = new Map<string, ClassRef | undefined>();

  /** The class's own columns, then those it inherits from mixins and mapped parents. */
  columns(ref: ClassRef, depth = 0): OwnedColumn[] {
    const key = `${ref.file}#${ref.cls.name}`;
    let columns = this.columnsMemo.get(key);
    if (!columns) {
      columns = this.computeColumns(ref, depth);
      if (depth === 0) this.columnsMemo.set(key, columns);
    }
    return columns;
  }

  private computeColumns(ref: ClassRef, depth: number): OwnedColumn[] {
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
    const key = `${table}\u0000${registry}`;
    if (!this.tableMemo.has(key)) this.tableMemo.set(key, this.findClassOfTable(table, registry));
    return this.tableMemo.get(key);
  }

  private findClassOfTable(table: string, registry: string | undefined): ClassRef | undefined {
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
