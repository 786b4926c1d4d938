/** Qualified names of the declarative API and the SQL type table, kept apart from the checkers as data. */

export const DECLARATIVE_BASE_FACTORIES = new Set([
  'sqlalchemy.orm.declarative_base', 'sqlalchemy.orm.decl_api.declarative_base',
  'sqlalchemy.ext.declarative.declarative_base', 'sqlalchemy.ext.declarative.api.declarative_base',
]);

/** 2.0's base classes: a direct subclass of one is a declarative base. */
export const DECLARATIVE_BASE_CLASSES = new Set([
  'sqlalchemy.orm.DeclarativeBase', 'sqlalchemy.orm.DeclarativeBaseNoMeta',
  'sqlalchemy.orm.decl_api.DeclarativeBase', 'sqlalchemy.orm.decl_api.DeclarativeBaseNoMeta',
]);

export const AS_DECLARATIVE = new Set([
  'sqlalchemy.orm.as_declarative', 'sqlalchemy.orm.decl_api.as_declarative',
  'sqlalchemy.ext.declarative.as_declarative', 'sqlalchemy.ext.declarative.api.as_declarative',
]);

export const REGISTRY_CLASSES = new Set(['sqlalchemy.orm.registry', 'sqlalchemy.orm.decl_api.registry']);

export const COLUMN_FUNCTIONS = new Set(['sqlalchemy.Column', 'sqlalchemy.schema.Column', 'sqlalchemy.sql.schema.Column']);

export const MAPPED_COLUMN_FUNCTIONS = new Set(['sqlalchemy.orm.mapped_column', 'sqlalchemy.orm._orm_constructors.mapped_column']);

/** `relation` is 1.x's alias of `relationship`: same construct, so the index reads both. */
export const RELATIONSHIP_FUNCTIONS = new Set([
  'sqlalchemy.orm.relationship', 'sqlalchemy.orm.relationships.relationship', 'sqlalchemy.orm.relation',
]);

export const BACKREF_FUNCTIONS = new Set(['sqlalchemy.orm.backref', 'sqlalchemy.orm.relationships.backref']);

export const FOREIGN_KEY_FUNCTIONS = new Set(['sqlalchemy.ForeignKey', 'sqlalchemy.schema.ForeignKey', 'sqlalchemy.sql.schema.ForeignKey']);

export const MAPPER_FUNCTIONS = new Set(['sqlalchemy.orm.mapper', 'sqlalchemy.orm.mapperlib.mapper', 'sqlalchemy.orm.mapper.mapper']);

/** The typed containers: an annotation using one of these is already 2.0 style. */
export const MAPPED_CONTAINERS = new Set([
  'sqlalchemy.orm.Mapped', 'sqlalchemy.orm.attributes.Mapped', 'sqlalchemy.orm.base.Mapped',
  'sqlalchemy.orm.WriteOnlyMapped', 'sqlalchemy.orm.DynamicMapped',
]);

/** Names that Flask-SQLAlchemy's `db` object re-exports from `sqlalchemy.orm` rather than `sqlalchemy`. */
export const FLASK_ORM_NAMES = new Set(['relationship', 'relation', 'backref', 'dynamic_loader', 'column_property', 'synonym', 'deferred']);

/** A Python type as the fix writes it: a builtin, or a class of a stdlib module. */
export interface PythonType {
  /** `int`, or the class name of `module`. */
  name: string;
  module?: 'datetime' | 'decimal' | 'typing';
}

const INT: PythonType = { name: 'int' };
const STR: PythonType = { name: 'str' };
const BOOL: PythonType = { name: 'bool' };
const FLOAT: PythonType = { name: 'float' };
const BYTES: PythonType = { name: 'bytes' };
const DATETIME: PythonType = { name: 'datetime', module: 'datetime' };
const DATE: PythonType = { name: 'date', module: 'datetime' };
const TIME: PythonType = { name: 'time', module: 'datetime' };
const TIMEDELTA: PythonType = { name: 'timedelta', module: 'datetime' };
const DECIMAL: PythonType = { name: 'Decimal', module: 'decimal' };
const ANY: PythonType = { name: 'Any', module: 'typing' };

/** SQL type class name (the last part of its qualified name) → the Python type its values have. */
export const SQL_TYPE_TO_PYTHON: ReadonlyMap<string, PythonType> = new Map([
  ...['Integer', 'SmallInteger', 'BigInteger', 'INTEGER', 'INT', 'SMALLINT', 'BIGINT'].map((n) => [n, INT] as const),
  ...['String', 'Text', 'Unicode', 'UnicodeText', 'VARCHAR', 'NVARCHAR', 'CHAR', 'NCHAR', 'TEXT', 'CLOB'].map((n) => [n, STR] as const),
  ...['Boolean', 'BOOLEAN'].map((n) => [n, BOOL] as const),
  ...['Float', 'REAL', 'FLOAT', 'Double', 'DOUBLE', 'DOUBLE_PRECISION'].map((n) => [n, FLOAT] as const),
  ...['Numeric', 'NUMERIC', 'DECIMAL'].map((n) => [n, DECIMAL] as const),
  ...['LargeBinary', 'BLOB', 'BINARY', 'VARBINARY'].map((n) => [n, BYTES] as const),
  ...['DateTime', 'DATETIME', 'TIMESTAMP'].map((n) => [n, DATETIME] as const),
  ...['Date', 'DATE'].map((n) => [n, DATE] as const),
  ...['Time', 'TIME'].map((n) => [n, TIME] as const),
  ['Interval', TIMEDELTA],
  ['JSON', ANY],
]);

/**
 * SQL types that 2.0 derives from the annotation alone (its default type map): written bare, as
 * `Column(Integer)`, they can go; `String(50)` or `Text` carry more than the annotation and stay.
 */
export const DEFAULT_SQL_TYPE_OF: ReadonlyMap<string, string> = new Map([
  ['int', 'Integer'], ['str', 'String'], ['bool', 'Boolean'], ['float', 'Float'], ['bytes', 'LargeBinary'],
  ['datetime.datetime', 'DateTime'], ['datetime.date', 'Date'], ['datetime.time', 'Time'],
  ['datetime.timedelta', 'Interval'], ['decimal.Decimal', 'Numeric'],
]);

/** Python types as annotations spell them (`Mapped[int]`, `Mapped[datetime.date]`) → the type. */
export const ANNOTATION_TYPES: ReadonlyMap<string, PythonType> = new Map([
  ['int', INT], ['str', STR], ['bool', BOOL], ['float', FLOAT], ['bytes', BYTES],
  ['datetime', DATETIME], ['datetime.datetime', DATETIME], ['date', DATE], ['datetime.date', DATE],
  ['time', TIME], ['datetime.time', TIME], ['timedelta', TIMEDELTA], ['datetime.timedelta', TIMEDELTA],
  ['Decimal', DECIMAL], ['decimal.Decimal', DECIMAL],
]);

export function pythonTypeKey(type: PythonType): string {
  return type.module && type.module !== 'typing' ? `${type.module}.${type.name}` : type.name;
}
