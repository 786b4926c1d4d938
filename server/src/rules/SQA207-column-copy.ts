import type { Node } from '../parse/parser';
import type { Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { checkedMethodCalls } from './helpers';
import { isTableExpression } from '../semantics/statements';

const COLUMN_CLASSES = new Set(['sqlalchemy.Column', 'sqlalchemy.schema.Column', 'sqlalchemy.sql.schema.Column']);
const COLUMN_COLLECTIONS = new Set(['c', 'columns']);

/**
 * SQA207 column-copy: `Column.copy()`, deprecated since 1.4.
 */
export const columnCopy: Rule = {
  code: 'SQA207',
  id: 'column-copy',
  tier: 'legacy',
  fixable: 'none',
  guide: { anchor: 'migration-core-usage', title: '2.0 Migration - Core Usage' },
  docs: {
    summary: '`Column.copy()` used to duplicate a column',
    what: 'Flags `copy()` on a SQLAlchemy `Column`: a `Column(...)` value, a name bound to one, a column of a Table (`users.c.id`, `users.columns.id`, `users.c["id"]`), or a loop variable over `users.c` / `users.columns`.',
    why: '`Column.copy()` is deprecated since 1.4 and warns in 1.4 and 2.0; it copies only part of a column\'s state and is kept for internal use. Columns shared between tables should be built by a small function, and whole tables copied with `Table.to_metadata()`.',
    example: 'id_column = Column("id", Integer, primary_key=True)\nfirst = Table("first", MetaData(), id_column.copy())',
    useInstead: 'def id_column():\n    return Column("id", Integer, primary_key=True)\n\nfirst = Table("first", MetaData(), id_column())',
    fixSafety: 'No automatic fix: the replacement depends on why the column was copied (a factory function, `Table.to_metadata()`, or a mixin with `declared_attr`).',
  },
  check(context) {
    const { model } = context;
    for (const parts of checkedMethodCalls(model, new Set(['copy']))) {
      if (!parts.object || !isColumn(model, parts.object, 0)) continue;
      context.report(parts.call, 'Column.copy() is deprecated; build the column again or copy the table with to_metadata()');
    }
  },
};

function isColumn(model: ModuleModel, node: Node, depth: number): boolean {
  if (depth > 10) return false;
  switch (node.type) {
    case 'call': {
      const fn = node.childForFieldName('function');
      const qualified = fn && model.qualifiedName(fn);
      return !!qualified && COLUMN_CLASSES.has(qualified);
    }
    case 'attribute': {
      // `users.c.id`
      const collection = node.childForFieldName('object');
      return !!collection && isColumnCollection(model, collection);
    }
    case 'subscript': {
      // `users.c["id"]`
      const collection = node.childForFieldName('value');
      return !!collection && isColumnCollection(model, collection);
    }
    case 'identifier': {
      const bindings = model.lookup(node.text, node);
      if (!bindings || bindings.length === 0) return false;
      return bindings.every((b) => {
        if (!b.value) return false;
        if (b.kind === 'assign') return isColumn(model, b.value, depth + 1);
        // `for column in users.c:`
        return b.kind === 'for' && isColumnCollection(model, b.value);
      });
    }
    default:
      return false;
  }
}

/** `users.c` or `users.columns` on a SQLAlchemy Table. */
function isColumnCollection(model: ModuleModel, node: Node): boolean {
  if (node.type !== 'attribute' || !COLUMN_COLLECTIONS.has(node.childForFieldName('attribute')?.text ?? '')) return false;
  const table = node.childForFieldName('object');
  return !!table && isTableExpression(model, table);
}
