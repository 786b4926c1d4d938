import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';

/**
 * For a Flask-SQLAlchemy model class (`class User(db.Model)` with `db = SQLAlchemy(app)`, or a
 * subclass of such a class in this module), the `db` node of its `db.Model` base. `isFlaskDb`
 * says whether an expression is the extension object; receivers pass their own inference.
 */
export function flaskModelDb(model: ModuleModel, classRef: Node, isFlaskDb: (node: Node) => boolean, depth = 0): Node | undefined {
  if (classRef.type !== 'identifier' || depth > 10) return undefined;
  const bindings = model.lookup(classRef.text, classRef);
  if (bindings?.length !== 1 || bindings[0].kind !== 'class') return undefined;
  const superclasses = bindings[0].value?.childForFieldName('superclasses');
  for (const base of superclasses?.namedChildren ?? []) {
    if (!base) continue;
    if (base.type === 'attribute' && base.childForFieldName('attribute')?.text === 'Model') {
      const db = base.childForFieldName('object');
      if (db && isFlaskDb(db)) return db;
    }
    const inherited = flaskModelDb(model, base, isFlaskDb, depth + 1);
    if (inherited) return inherited;
  }
  return undefined;
}
