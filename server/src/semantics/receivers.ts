import type { Node } from '../parse/parser';
import type { Binding, ModuleModel } from './model';
import { flaskModelDb } from './flask';
import {
  ASYNC_CONNECTION_TYPES, ASYNC_ENGINE_FACTORIES, ASYNC_ENGINE_TYPES, ASYNC_SESSION_CLASSES, ASYNC_SESSIONMAKERS,
  CONNECTION_TYPES, ENGINE_FACTORIES, ENGINE_TYPES, FLASK_SQLALCHEMY, FOREIGN_ROOTS, METADATA_CLASSES,
  OTHER_QUERY_BUILDERS, QUERY_TYPES, SCOPED_SESSIONS, SELECT_COMPATIBLE_BUILDERS, SESSION_CLASSES, SESSIONMAKERS,
  SQLALCHEMY_ROOTS,
  looksLikeConnectionName, looksLikeEngineName, looksLikeSessionName,
} from './names';
import { ModelMemo } from './modelMemo';

/**
 * What a receiver is, as far as the rules care. `foreign` is known not to be SQLAlchemy.
 * The `async*` kinds are the asyncio extension's objects, whose I/O methods are awaited.
 */
export type ReceiverKind =
  | 'engine' | 'connection' | 'session' | 'sessionFactory' | 'scopedSession' | 'query' | 'metadata'
  | 'asyncEngine' | 'asyncConnection' | 'asyncSession' | 'asyncSessionFactory'
  | 'flaskDb' | 'flaskQuery' | 'dbapi' | 'list' | 'string' | 'foreign' | 'unknown';

/** An AsyncSession takes the same statements as a Session, so rules about statements treat it alike. */
const SESSION_LIKE = new Set<ReceiverKind>(['session', 'scopedSession', 'asyncSession']);
const MAX_DEPTH = 400;
/** Annotations from these modules (`Any`, `Union[...]`) say nothing about the value. */
const TYPING_ROOTS = new Set(['typing', 'typing_extensions']);

/** A Session's `query()`, or Flask-SQLAlchemy's `Model.query`: the legacy Query API either way. */
export function isQueryLike(kind: ReceiverKind): boolean {
  return kind === 'query' || kind === 'flaskQuery';
}

export function isSessionLike(kind: ReceiverKind): boolean {
  return SESSION_LIKE.has(kind);
}

/**
 * Infers receiver kinds; one instance per analysis, memoized by node id. With `guessing` off,
 * names (`session`, `SessionLocal`, `db.session`) prove nothing: only imports, calls and annotations do.
 */
export class Receivers {
  private readonly memo = new Map<number, ReceiverKind>();
  private readonly inProgress = new Set<number>();
  private readonly byBindings = new WeakMap<Binding[], ReceiverKind>();

  constructor(private readonly model: ModuleModel, private readonly guessing = true) {}

  kindOf(node: Node): ReceiverKind {
    const cached = this.memo.get(node.id);
    if (cached) return cached;
    // Pathological nesting (thousands of chained calls) must not overflow the stack.
    if (this.inProgress.has(node.id) || this.inProgress.size > MAX_DEPTH) return 'unknown';
    this.inProgress.add(node.id);
    const kind = this.compute(node);
    this.inProgress.delete(node.id);
    this.memo.set(node.id, kind);
    return kind;
  }

  private compute(node: Node): ReceiverKind {
    switch (node.type) {
      case 'identifier':
        return this.kindOfName(node);
      case 'attribute':
        return this.kindOfAttribute(node);
      case 'call':
        return this.kindOfCall(node);
      case 'parenthesized_expression': {
        const inner = node.namedChildren[0];
        return inner ? this.kindOf(inner) : 'unknown';
      }
      case 'list':
      case 'list_comprehension':
        return 'list';
      case 'string':
      case 'concatenated_string':
        return 'string';
      default:
        return 'unknown';
    }
  }

  private kindOfQualified(qualified: string): ReceiverKind | undefined {
    if (ENGINE_TYPES.has(qualified)) return 'engine';
    if (CONNECTION_TYPES.has(qualified)) return 'connection';
    if (SESSION_CLASSES.has(qualified)) return 'session';
    if (QUERY_TYPES.has(qualified)) return 'query';
    if (SCOPED_SESSIONS.has(qualified)) return 'scopedSession';
    if (ASYNC_ENGINE_TYPES.has(qualified)) return 'asyncEngine';
    if (ASYNC_CONNECTION_TYPES.has(qualified)) return 'asyncConnection';
    if (ASYNC_SESSION_CLASSES.has(qualified)) return 'asyncSession';
    if (ASYNC_SESSIONMAKERS.has(qualified)) return 'asyncSessionFactory';
    return undefined;
  }

  private kindOfName(node: Node): ReceiverKind {
    const name = node.text;
    const bindings = this.model.lookup(name, node);
    if (!bindings) return 'unknown';
    // Every use that sees the same bindings has the same kind: compute it once per binding list.
    const known = this.byBindings.get(bindings);
    if (known) return known;
    const kinds = new Set<ReceiverKind>();
    for (const binding of bindings) {
      // Bindings that build on this very name (`q = q.filter(...)`) add nothing new.
      if (binding.kind === 'assign' && binding.value && chainBase(binding.value)?.text === name) continue;
      const kind = this.kindOfBinding(binding, node);
      if (kind !== undefined) kinds.add(kind);
    }
    let result: ReceiverKind = 'unknown';
    if (kinds.size === 1) result = [...kinds][0];
    else if (kinds.has('foreign') || kinds.has('dbapi')) result = 'foreign';
    this.byBindings.set(bindings, result);
    return result;
  }

  private kindOfBinding(binding: Binding, use: Node): ReceiverKind | undefined {
    switch (binding.kind) {
      case 'import': {
        const root = binding.qualified?.split('.')[0] ?? '';
        if (FOREIGN_ROOTS.has(root)) return 'foreign';
        return this.guessFromName(binding.name) ?? 'unknown';
      }
      case 'param': {
        if (binding.annotation) {
          const annotated = this.kindOfAnnotation(binding.annotation);
          if (annotated) return annotated;
        }
        return this.guessFromName(binding.name) ?? 'unknown';
      }
      case 'assign': {
        if (binding.annotation) {
          const annotated = this.kindOfAnnotation(binding.annotation);
          if (annotated) return annotated;
        }
        if (!binding.value) return 'unknown';
        if (binding.value.id === use.id || this.inProgress.has(binding.value.id)) return undefined;
        return this.kindOf(binding.value);
      }
      case 'with': {
        if (!binding.value) return 'unknown';
        return this.kindOfContext(binding.value);
      }
      default:
        return 'unknown';
    }
  }

  private kindOfAnnotation(annotation: Node): ReceiverKind | undefined {
    let expr: Node | null = annotation.type === 'type' ? annotation.namedChildren[0] : annotation;
    // Optional[Session] and Session | None name the same receiver.
    if (expr?.type === 'generic_type' || expr?.type === 'subscript') {
      const inner = expr.descendantsOfType(['identifier', 'attribute']).find((n) => n && this.model.qualifiedName(n) && !/Optional$/.test(n.text));
      expr = inner ?? null;
    } else if (expr?.type === 'binary_operator') {
      expr = expr.childForFieldName('left');
    }
    if (!expr) return undefined;
    const qualified = this.model.qualifiedName(expr);
    if (!qualified) return this.isPlainLocalClass(expr) ? 'unknown' : undefined;
    const known = this.kindOfQualified(qualified);
    if (known) return known;
    // A type from another library (`requests.Session`): the parameter's name proves nothing then.
    const root = qualified.split('.')[0];
    if (FOREIGN_ROOTS.has(root)) return 'foreign';
    return root && !SQLALCHEMY_ROOTS.has(root) && !TYPING_ROOTS.has(root) ? 'unknown' : undefined;
  }

  /** A class of this module with no base classes, which cannot be a Session or Engine subclass. */
  private isPlainLocalClass(expr: Node): boolean {
    if (expr.type !== 'identifier') return false;
    const bindings = this.model.lookup(expr.text, expr);
    if (bindings?.length !== 1 || bindings[0].kind !== 'class') return false;
    const superclasses = bindings[0].value?.childForFieldName('superclasses');
    return !superclasses || superclasses.namedChildCount === 0;
  }

  /** What `with EXPR as name` binds: the value `__enter__` returns. */
  private kindOfContext(expr: Node): ReceiverKind {
    if (expr.type === 'call') {
      const fn = expr.childForFieldName('function');
      if (fn?.type === 'attribute') {
        const object = fn.childForFieldName('object');
        const method = fn.childForFieldName('attribute')?.text;
        const objectKind = object ? this.kindOf(object) : 'unknown';
        if (objectKind === 'engine' && (method === 'connect' || method === 'begin')) return 'connection';
        if (objectKind === 'sessionFactory' && method === 'begin') return 'session';
        if (objectKind === 'asyncEngine' && (method === 'connect' || method === 'begin')) return 'asyncConnection';
        if (objectKind === 'asyncSessionFactory' && method === 'begin') return 'asyncSession';
        if ((objectKind === 'connection' || isSessionLike(objectKind)) && (method === 'begin' || method === 'begin_nested')) return 'unknown';
      }
    }
    const kind = this.kindOf(expr);
    return kind === 'scopedSession' ? 'session' : kind;
  }

  private kindOfAttribute(node: Node): ReceiverKind {
    const qualified = this.model.qualifiedName(node);
    if (qualified) {
      const root = qualified.split('.')[0];
      if (FOREIGN_ROOTS.has(root)) return 'foreign';
    }
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute')?.text ?? '';
    if (!object) return 'unknown';
    const objectKind = this.kindOf(object);
    if (objectKind === 'foreign' || objectKind === 'dbapi') return 'foreign';
    if (objectKind === 'connection' && (attribute === 'connection' || attribute === 'dbapi_connection')) return 'dbapi';
    if (objectKind === 'flaskDb' && attribute === 'session') return 'scopedSession';
    if (attribute === 'query' && flaskModelDb(this.model, object, (db) => this.kindOf(db) === 'flaskDb')) return 'flaskQuery';
    if (!this.guessing) return 'unknown';
    if (attribute === 'session' && object.type === 'identifier' && object.text === 'db' && objectKind === 'unknown' && this.model.usesSqlAlchemy) {
      return 'scopedSession';
    }
    if (object.type === 'identifier' && (object.text === 'self' || object.text === 'cls') && this.model.usesSqlAlchemy) {
      return this.guessFromName(attribute) ?? 'unknown';
    }
    return 'unknown';
  }

  private kindOfCall(node: Node): ReceiverKind {
    const fn = node.childForFieldName('function');
    if (!fn) return 'unknown';
    const qualified = this.model.qualifiedName(fn);
    if (qualified) {
      if (ENGINE_FACTORIES.has(qualified)) return 'engine';
      if (SESSION_CLASSES.has(qualified)) return 'session';
      if (SESSIONMAKERS.has(qualified)) return this.makesAsyncSessions(node) ? 'asyncSessionFactory' : 'sessionFactory';
      if (ASYNC_ENGINE_FACTORIES.has(qualified)) return 'asyncEngine';
      if (ASYNC_SESSION_CLASSES.has(qualified)) return 'asyncSession';
      if (ASYNC_SESSIONMAKERS.has(qualified)) return 'asyncSessionFactory';
      if (SCOPED_SESSIONS.has(qualified)) return 'scopedSession';
      if (METADATA_CLASSES.has(qualified)) return 'metadata';
      if (FLASK_SQLALCHEMY.has(qualified)) return 'flaskDb';
      if (FOREIGN_ROOTS.has(qualified.split('.')[0])) return 'foreign';
    }
    if (fn.type === 'attribute') {
      const object = fn.childForFieldName('object');
      const method = fn.childForFieldName('attribute')?.text ?? '';
      const objectKind = object ? this.kindOf(object) : 'unknown';
      switch (objectKind) {
        case 'engine':
          if (method === 'connect' || method === 'begin') return 'connection';
          if (method === 'raw_connection') return 'dbapi';
          if (method === 'execution_options') return 'engine';
          return 'unknown';
        case 'asyncEngine':
          if (method === 'connect' || method === 'begin') return 'asyncConnection';
          if (method === 'execution_options') return 'asyncEngine';
          return 'unknown';
        case 'connection':
          if (method === 'execution_options') return 'connection';
          return 'unknown';
        case 'sessionFactory':
          return 'unknown';
        case 'session':
        case 'scopedSession':
          if (method === 'query') return 'query';
          if (method === 'connection') return 'connection';
          return 'unknown';
        case 'query':
        case 'flaskQuery':
          if (SELECT_COMPATIBLE_BUILDERS.has(method) || OTHER_QUERY_BUILDERS.has(method)) return objectKind;
          return 'unknown';
        case 'foreign':
        case 'dbapi':
          return 'foreign';
        default:
          return 'unknown';
      }
    }
    if (fn.type === 'identifier') {
      const returned = this.kindOfReturn(fn);
      if (returned) return returned;
    }
    const calleeKind = this.kindOf(fn);
    if (calleeKind === 'sessionFactory' || calleeKind === 'scopedSession') return 'session';
    if (calleeKind === 'asyncSessionFactory') return 'asyncSession';
    if (calleeKind === 'foreign') return 'foreign';
    if (!this.guessing) return 'unknown';
    // `SessionLocal()` where the factory comes from another module of the project.
    if (fn.type === 'identifier' && /^(Session|SessionLocal|ScopedSession|session_factory|make_session)$/.test(fn.text)) {
      const bindings = this.model.lookup(fn.text, fn);
      if (bindings?.every((b) => b.kind === 'import' && !FOREIGN_ROOTS.has(b.qualified?.split('.')[0] ?? ''))) return 'session';
    }
    return 'unknown';
  }

  /** `def recent(session): return session.query(...)`: a local function returning a known receiver. */
  private kindOfReturn(fn: Node): ReceiverKind | undefined {
    const bindings = this.model.lookup(fn.text, fn);
    if (bindings?.length !== 1 || bindings[0].kind !== 'def' || !bindings[0].value) return undefined;
    const definition = bindings[0].value;
    const kinds = new Set<ReceiverKind>();
    for (const ret of definition.descendantsOfType('return_statement')) {
      if (!ret || this.model.scopeNodeOf(ret).id !== definition.id) continue;
      const value = ret.namedChildren[0];
      kinds.add(value ? this.kindOf(value) : 'unknown');
    }
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }

  /** `sessionmaker(engine, class_=AsyncSession)`: how 1.4 code makes an AsyncSession factory. */
  private makesAsyncSessions(call: Node): boolean {
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    return args.some((arg) => {
      if (arg?.type !== 'keyword_argument' || arg.childForFieldName('name')?.text !== 'class_') return false;
      const value = arg.childForFieldName('value');
      return !!value && ASYNC_SESSION_CLASSES.has(this.model.qualifiedName(value) ?? '');
    });
  }

  private guessFromName(name: string): ReceiverKind | undefined {
    if (!this.guessing || !this.model.usesSqlAlchemy) return undefined;
    if (looksLikeSessionName(name)) return 'session';
    if (looksLikeEngineName(name)) return 'engine';
    if (looksLikeConnectionName(name) && !this.model.importsDbapi) return 'connection';
    return undefined;
  }
}

const shared = new ModelMemo<Receivers>();
const sharedProven = new ModelMemo<Receivers>();

/** The receiver inference of a module, shared by all rules of one analysis. */
export function receiversOf(model: ModuleModel): Receivers {
  return shared.of(model, () => new Receivers(model));
}

/** Like `receiversOf`, without guesses from names: for rules where a wrong guess costs more than a miss. */
export function provenReceiversOf(model: ModuleModel): Receivers {
  return sharedProven.of(model, () => new Receivers(model, false));
}

/** The identifier a call/attribute chain starts from: `q` in `q.filter(x).order_by(y)`. */
function chainBase(node: Node): Node | undefined {
  let current: Node | null = node;
  for (let steps = 0; current && steps < 10000; steps++) {
    if (current.type === 'identifier') return current;
    if (current.type === 'call') current = current.childForFieldName('function');
    else if (current.type === 'attribute') current = current.childForFieldName('object');
    else return undefined;
  }
  return undefined;
}
