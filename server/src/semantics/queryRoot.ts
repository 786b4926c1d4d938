import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import type { BuilderCall } from './queryChain';
import { flaskModelDb } from './flask';
import { isSessionLike, receiversOf } from './receivers';
import { SELECT_FUNCTIONS } from './names';

/** Where an inline query chain starts: `session.query(...)`, Flask-SQLAlchemy's `Model.query`, or `select(...)`. */
export interface QueryRoot {
  kind: 'session' | 'flask' | 'select';
  /** The `session.query(...)` or `select(...)` call, or the `Model.query` attribute. */
  node: Node;
  entities: Node[];
  /** Builder calls from the root outwards, the given expression last when it is one. */
  builders: BuilderCall[];
  /** `session` of `session.query(...)`. */
  session?: Node;
  /** `db` of the model's `db.Model` base. */
  db?: Node;
}

/** Takes apart an inline chain; undefined for anything else (a variable, a function's result). */
export function queryRootOf(model: ModuleModel, expression: Node): QueryRoot | undefined {
  const receivers = receiversOf(model);
  const builders: BuilderCall[] = [];
  let current = expression;
  for (let depth = 0; depth < 200; depth++) {
    if (current.type === 'parenthesized_expression' && current.namedChildCount === 1) {
      current = current.namedChildren[0]!;
      continue;
    }
    if (current.type === 'attribute' && current.childForFieldName('attribute')?.text === 'query') {
      const modelClass = current.childForFieldName('object')!;
      const db = flaskModelDb(model, modelClass, (n) => receivers.kindOf(n) === 'flaskDb');
      if (!db) return undefined;
      return { kind: 'flask', node: current, entities: [modelClass], builders: builders.reverse(), db };
    }
    if (current.type !== 'call') return undefined;
    const fn = current.childForFieldName('function')!;
    if (SELECT_FUNCTIONS.has(model.qualifiedName(fn) ?? '')) {
      return { kind: 'select', node: current, entities: argumentsOf(current), builders: builders.reverse() };
    }
    if (fn.type !== 'attribute') return undefined;
    const object = fn.childForFieldName('object');
    const method = fn.childForFieldName('attribute')?.text;
    if (!object || !method) return undefined;
    if (method === 'query' && isSessionLike(receivers.kindOf(object))) {
      return { kind: 'session', node: current, entities: argumentsOf(current), builders: builders.reverse(), session: object };
    }
    builders.push({ method, call: current });
    current = object;
  }
  return undefined;
}

/** The whole method chain a call belongs to: from `a.b()` in `a.b().c().d()`, the `d()` call. */
export function outermostCall(call: Node): Node {
  let current = call;
  for (;;) {
    const attribute = current.parent;
    const outer = attribute?.parent;
    if (attribute?.type !== 'attribute' || attribute.childForFieldName('object')?.id !== current.id || outer?.type !== 'call') return current;
    current = outer;
  }
}

export function argumentsOf(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((n): n is Node => !!n && n.type !== 'comment');
}

/** The single mapped-class-looking entity of a root, if it selects exactly one plain name. */
export function soleEntityName(root: QueryRoot): Node | undefined {
  return root.entities.length === 1 && root.entities[0].type === 'identifier' ? root.entities[0] : undefined;
}
