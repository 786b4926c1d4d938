/** ORM names the Query and Session rules look for, kept apart from the checkers as data. */

/** Loader options that take relationship paths: `joinedload("orders.items")`. */
export const RELATIONSHIP_LOADERS = new Set([
  'joinedload', 'subqueryload', 'selectinload', 'lazyload', 'noload', 'raiseload', 'defaultload',
  'immediateload', 'contains_eager',
]);

/** Loader options that take column paths: `defer("name")`, `load_only("name", "email")`. */
export const COLUMN_LOADERS = new Set(['defer', 'undefer', 'load_only']);

/** Loaders that fetch a relationship in the same SELECT as its parent: rows repeat per child. */
export const JOINED_LOADERS = new Set(['joinedload', 'contains_eager']);

/** Modules that export the loader functions. */
export const LOADER_MODULES = new Set(['sqlalchemy.orm', 'sqlalchemy.orm.strategy_options']);

export const LOAD_CLASSES = new Set(['sqlalchemy.orm.Load', 'sqlalchemy.orm.strategy_options.Load']);

export const WITH_PARENT_FUNCTIONS = new Set(['sqlalchemy.orm.with_parent', 'sqlalchemy.orm.util.with_parent']);

export const RELATIONSHIP_FUNCTIONS = new Set(['relationship', 'relation']);
export const COLUMN_FUNCTIONS = new Set(['Column', 'mapped_column', 'column_property', 'deferred']);
export const FOREIGN_KEY_FUNCTIONS = new Set(['ForeignKey']);

export const UPDATE_FUNCTIONS = new Set(['sqlalchemy.update', 'sqlalchemy.sql.update', 'sqlalchemy.sql.expression.update']);
export const DELETE_FUNCTIONS = new Set(['sqlalchemy.delete', 'sqlalchemy.sql.delete', 'sqlalchemy.sql.expression.delete']);
export const DEFAULTLOAD_FUNCTIONS = new Set(['sqlalchemy.orm.defaultload', 'sqlalchemy.orm.strategy_options.defaultload']);
export const CLOSE_ALL_SESSIONS_FUNCTIONS = new Set(['sqlalchemy.orm.close_all_sessions', 'sqlalchemy.orm.session.close_all_sessions']);

/** Flask-SQLAlchemy's and SQLAlchemy's Query base classes. */
export const QUERY_BASE_CLASSES = new Set([
  'sqlalchemy.orm.Query', 'sqlalchemy.orm.query.Query', 'flask_sqlalchemy.BaseQuery', 'flask_sqlalchemy.query.Query',
]);

export const BAKED_MODULE = 'sqlalchemy.ext.baked';
