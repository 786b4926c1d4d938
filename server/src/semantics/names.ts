/** Qualified names that matter to the rules, kept apart from the checkers as data. */

export const SQLALCHEMY_ROOTS = new Set(['sqlalchemy', 'flask_sqlalchemy', 'sqlmodel']);

/** Whether a source text spells one of those roots: a module that imports SQLAlchemy must. */
export function mentionsSqlAlchemy(text: string): boolean {
  return SQLALCHEMY_ROOT_TEXT.test(text);
}

// Every root above contains one of these (a test in names.test checks it); one regex scans fastest.
export const SQLALCHEMY_ROOT_TEXT = /sqlalchemy|sqlmodel/;

/** Top-level modules whose objects are never SQLAlchemy ones, even when named like them. */
export const FOREIGN_ROOTS = new Set([
  'sqlite3', 'psycopg2', 'psycopg', 'pymysql', 'MySQLdb', 'mysql', 'cx_Oracle', 'oracledb', 'pyodbc',
  'asyncpg', 'aiosqlite', 'pandas', 'polars', 'numpy', 'requests', 'httpx', 'aiohttp', 'urllib', 'select',
  'duckdb', 'pymongo', 'redis', 'boto3', 'peewee', 'pony', 'django', 'rich', 'tortoise', 'databases',
]);

/** DBAPI drivers: a file that imports one may name its raw connections `conn`. */
export const DBAPI_ROOTS = new Set([
  'sqlite3', 'psycopg2', 'psycopg', 'pymysql', 'MySQLdb', 'mysql', 'cx_Oracle', 'oracledb', 'pyodbc',
  'asyncpg', 'aiosqlite', 'duckdb',
]);

export const ENGINE_FACTORIES = new Set([
  'sqlalchemy.create_engine', 'sqlalchemy.engine.create_engine', 'sqlalchemy.future.create_engine',
  'sqlalchemy.engine_from_config', 'sqlalchemy.engine.engine_from_config',
]);

export const SESSION_CLASSES = new Set([
  'sqlalchemy.orm.Session', 'sqlalchemy.orm.session.Session', 'sqlmodel.Session', 'sqlmodel.orm.session.Session',
]);

export const SESSIONMAKERS = new Set(['sqlalchemy.orm.sessionmaker', 'sqlalchemy.orm.session.sessionmaker']);

export const SCOPED_SESSIONS = new Set(['sqlalchemy.orm.scoped_session', 'sqlalchemy.orm.scoping.scoped_session']);

export const METADATA_CLASSES = new Set(['sqlalchemy.MetaData', 'sqlalchemy.schema.MetaData', 'sqlalchemy.sql.schema.MetaData']);

export const FLASK_SQLALCHEMY = new Set(['flask_sqlalchemy.SQLAlchemy']);

export const ENGINE_TYPES = new Set([
  'sqlalchemy.engine.Engine', 'sqlalchemy.engine.base.Engine', 'sqlalchemy.future.Engine', 'sqlalchemy.Engine',
]);

export const CONNECTION_TYPES = new Set([
  'sqlalchemy.engine.Connection', 'sqlalchemy.engine.base.Connection', 'sqlalchemy.future.Connection', 'sqlalchemy.Connection',
]);

/** The asyncio extension (1.4+): engines, connections and sessions whose I/O methods are awaited. */
export const ASYNC_ENGINE_FACTORIES = new Set([
  'sqlalchemy.ext.asyncio.create_async_engine', 'sqlalchemy.ext.asyncio.engine.create_async_engine',
]);

export const ASYNC_ENGINE_TYPES = new Set(['sqlalchemy.ext.asyncio.AsyncEngine', 'sqlalchemy.ext.asyncio.engine.AsyncEngine']);

export const ASYNC_CONNECTION_TYPES = new Set(['sqlalchemy.ext.asyncio.AsyncConnection', 'sqlalchemy.ext.asyncio.engine.AsyncConnection']);

export const ASYNC_SESSION_CLASSES = new Set([
  'sqlalchemy.ext.asyncio.AsyncSession', 'sqlalchemy.ext.asyncio.session.AsyncSession',
  'sqlmodel.ext.asyncio.session.AsyncSession',
]);

/** 2.0's factory; 1.4 code writes `sessionmaker(..., class_=AsyncSession)` instead. */
export const ASYNC_SESSIONMAKERS = new Set(['sqlalchemy.ext.asyncio.async_sessionmaker', 'sqlalchemy.ext.asyncio.session.async_sessionmaker']);

export const QUERY_TYPES = new Set(['sqlalchemy.orm.Query', 'sqlalchemy.orm.query.Query']);

/** Every spelling of the Core `select()` construct. */
export const SELECT_FUNCTIONS = new Set([
  'sqlalchemy.select', 'sqlalchemy.sql.select', 'sqlalchemy.sql.expression.select', 'sqlalchemy.future.select',
  'sqlalchemy.sql.selectable.select',
]);

export const TEXT_FUNCTIONS = new Set(['sqlalchemy.text', 'sqlalchemy.sql.text', 'sqlalchemy.sql.expression.text']);

export const FUNC_OBJECTS = new Set(['sqlalchemy.func', 'sqlalchemy.sql.func', 'sqlalchemy.sql.expression.func']);

export const DECLARATIVE_BASE_FUNCTIONS = new Set([
  'sqlalchemy.orm.declarative_base', 'sqlalchemy.ext.declarative.declarative_base',
]);

/** Query methods that return a Query and exist on `Select` with the same meaning. */
export const SELECT_COMPATIBLE_BUILDERS = new Set([
  'filter', 'filter_by', 'join', 'outerjoin', 'options', 'order_by', 'group_by', 'having', 'limit', 'offset',
  'distinct', 'select_from', 'with_for_update', 'execution_options', 'where', 'correlate',
]);

/** Query methods that return a Query but have no `Select` twin with the same call shape. */
export const OTHER_QUERY_BUILDERS = new Set([
  'populate_existing', 'yield_per', 'with_entities', 'add_entity', 'add_columns', 'enable_eagerloads',
  'with_polymorphic', 'from_self', 'select_entity_from', 'reset_joinpoint', 'with_parent', 'params',
  'autoflush', 'enable_assertions', 'with_labels', 'with_session', 'with_hint', 'prefix_with', 'suffix_with',
  'union', 'union_all', 'except_', 'intersect', 'correlate', 'filter', 'apply_labels', 'set_label_style',
  'with_transformation', 'execution_options', 'merge_result', 'only_return_tuples', 'slice', 'group_by',
  // `select().from_statement()` returns a FromStatement, which lacks `limit()` and the other builders.
  'from_statement',
]);

/** Names that, in a file using SQLAlchemy, almost always hold a Session. */
export function looksLikeSessionName(name: string): boolean {
  return /^(session|sess|db_session|dbsession|db_sess|orm_session|s_?ession)$/.test(name) || /_session$/.test(name);
}

export function looksLikeEngineName(name: string): boolean {
  return name === 'engine' || /_engine$/.test(name) || name === 'db_engine';
}

export function looksLikeConnectionName(name: string): boolean {
  return name === 'conn' || name === 'connection' || /_conn(ection)?$/.test(name);
}
