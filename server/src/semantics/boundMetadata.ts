import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import { SCOPED_SESSIONS, SESSIONMAKERS, SESSION_CLASSES } from './names';
import { isSessionLike, receiversOf } from './receivers';
import { callParts, keywordName, keywordValue } from '../rules/helpers';
import type { TextEdit } from '../rules/types';
import { spellingsOf } from './spellings';
import { ContextStrings, StatementFacts } from './statementFacts';
import { bindSiteWords, collectBindSites, type BoundHolder, type BoundMetadata } from './bindSites';
import { ModelMemo } from './modelMemo';

export type { BindSite, BoundHolder, BoundMetadata } from './bindSites';

/** A call that ran on the bound engine: `create_all()` with no bind, `Table(..., autoload=True)`. */
export interface BindlessUse {
  node: Node;
  kind: 'schema-call' | 'autoload';
  engine: Node;
  /** The edit that passes the engine explicitly, if the engine's name means the same thing there. */
  fix?: TextEdit;
}

const SCHEMA_CALLS = new Set(['create_all', 'drop_all', 'reflect']);
/** Imported callables that receivers take for session factories by their name alone. */
const SESSION_FACTORY_SPELLINGS = ['Session', 'SessionLocal', 'ScopedSession', 'session_factory', 'make_session'];
const cache = new ModelMemo<BoundMetadata>();

export function boundMetadata(model: ModuleModel): BoundMetadata {
  return cache.of(model, collectBindSites);
}

/** What the one fix over the module needs of every use: the edits that pass the engine, and whether it can be offered. */
export interface UnbindPlan {
  edits: TextEdit[];
  /** A use the fix cannot rewrite, or code that needs the binding (implicit execution, a bind-less session). */
  blocked: boolean;
}

/** One statement's part of the plan, its edits relative to the statement's start, kept for the bound names and engines it was made for. */
const statementPlans = new StatementFacts<UnbindPlan>();
const plans = new ModelMemo<UnbindPlan>();
const planKeys = new ContextStrings();

/**
 * The plan over the whole module. Statements the rules do not check keep the part an earlier
 * analysis made for them, as long as the bound names and engines are the same; what one statement
 * contributes depends on its own text and on names whose changes re-check it.
 */
export function unbindPlan(model: ModuleModel): UnbindPlan {
  let plan = plans.get(model);
  if (plan) return plan;
  const bound = boundMetadata(model);
  // Interned: every kept part compares its key with it, by identity when they are the same.
  const key = planKeys.intern(JSON.stringify([...bound.holders].map(([name, { engine, declarative }]) => [name, engine.text, declarative])));
  const words = bindUseWords(model);
  plan = { edits: [], blocked: false };
  // A statement that spells none of the words has no use of bound metadata.
  for (const i of model.candidateUnits(words)) {
    if (!model.unitSpells(i, words)) continue;
    const start = model.unitSpan(i).start;
    const part = statementPlans.of(model, i, () => statementPlan(model, bound.holders, i, start), key);
    for (const edit of part.edits) plan.edits.push({ start: edit.start + start, end: edit.end + start, newText: edit.newText });
    plan.blocked ||= part.blocked;
  }
  plans.set(model, plan);
  return plan;
}

/** The plan's part for statement `i`, with edits relative to its `start`. */
function statementPlan(model: ModuleModel, holders: BoundMetadata['holders'], i: number, start: number): UnbindPlan {
  const { uses, blockers } = collectUses(model, holders, model.unitNodes(i, 'call'));
  const edits = uses.flatMap((use) => (use.fix ? [{ start: use.fix.start - start, end: use.fix.end - start, newText: use.fix.newText }] : []));
  return { edits, blocked: blockers.length > 0 || uses.some((use) => !use.fix) };
}

/** `metadata` bound above, or `Base.metadata` of a bound declarative base. */
function isMetaDataHolder(model: ModuleModel, node: Node, boundNames: Map<string, BoundHolder>): boolean {
  if (node.type === 'identifier') return boundNames.get(node.text)?.declarative === false || receiversOf(model).kindOf(node) === 'metadata';
  if (node.type === 'attribute' && node.childForFieldName('attribute')?.text === 'metadata') {
    const object = node.childForFieldName('object');
    return object?.type === 'identifier' && boundNames.get(object.text)?.declarative === true;
  }
  return false;
}

function engineFor(node: Node, boundNames: Map<string, BoundHolder>): Node | undefined {
  const base = node.type === 'attribute' ? node.childForFieldName('object') : node;
  return base?.type === 'identifier' ? boundNames.get(base.text)?.engine : undefined;
}

/** The engine expression, if it means the same at `site` as where it was bound. */
export function engineTextAt(model: ModuleModel, engine: Node, site: Node): string | undefined {
  if (engine.type !== 'identifier') return undefined;
  const atBind = model.lookup(engine.text, engine);
  const atUse = model.lookup(engine.text, site);
  if (!atBind || !atUse || atBind.length !== atUse.length || atBind.some((b, i) => b.target.id !== atUse[i].target.id)) return undefined;
  return engine.text;
}

function collectUses(model: ModuleModel, boundNames: Map<string, BoundHolder>, calls: Node[]): { uses: BindlessUse[]; blockers: Node[] } {
  const result = { uses: [] as BindlessUse[], blockers: [] as Node[] };
  const receivers = receiversOf(model);
  // Schema calls, autoloads, implicit execution, and sessions built from an imported factory.
  for (const call of calls) {
    const parts = callParts(call);
    if (!parts) continue;
    if (parts.object && parts.method && SCHEMA_CALLS.has(parts.method)) {
      if (!isMetaDataHolder(model, parts.object, boundNames)) continue;
      if (parts.positional.length > 0 || parts.keywords.some((k) => keywordName(k) === 'bind')) continue;
      const engine = engineFor(parts.object, boundNames)!;
      const engineText = engine && engineTextAt(model, engine, call);
      const inside = parts.argumentList.startIndex + 1;
      const separator = parts.keywords.length > 0 ? ', ' : '';
      const fix = engineText ? { start: inside, end: inside, newText: `${engineText}${separator}` } : undefined;
      result.uses.push({ node: call, kind: 'schema-call', engine, fix });
      continue;
    }
    const qualified = model.qualifiedName(parts.fn);
    if (qualified === 'sqlalchemy.Table' || qualified === 'sqlalchemy.schema.Table') {
      const autoload = parts.keywords.find((k) => keywordName(k) === 'autoload' && keywordValue(k)?.type === 'true');
      const metadataArg = parts.positional[1];
      if (!autoload || parts.keywords.some((k) => keywordName(k) === 'autoload_with')) continue;
      if (!metadataArg || !isMetaDataHolder(model, metadataArg, boundNames)) continue;
      const engine = engineFor(metadataArg, boundNames)!;
      const engineText = engine && engineTextAt(model, engine, call);
      const fix = engineText ? { start: autoload.startIndex, end: autoload.endIndex, newText: `autoload_with=${engineText}` } : undefined;
      result.uses.push({ node: autoload, kind: 'autoload', engine, fix });
      continue;
    }
    // Implicit execution on a statement, and sessions that find their engine through the metadata.
    if (parts.object && (parts.method === 'execute' || parts.method === 'scalar')) {
      const kind = receivers.kindOf(parts.object);
      const executor = kind === 'connection' || kind === 'engine' || isSessionLike(kind) || kind === 'foreign' || kind === 'dbapi';
      // Results have `scalar()` too; only a statement's own `execute()`/`scalar()` is implicit execution (with or without parameters).
      const bare = parts.positional.length === 0 && parts.method === 'execute';
      if (!executor && (bare || looksLikeStatement(model, parts.object, 0))) result.blockers.push(call);
    }
    const sessionKind = receivers.kindOf(call);
    if ((sessionKind === 'session' || sessionKind === 'sessionFactory') && qualified && parts.positional.length === 0 && !parts.keywords.some((k) => keywordName(k) === 'bind' || keywordName(k) === 'binds')) {
      result.blockers.push(call);
    }
  }
  return result;
}

const usesCache = new ModelMemo<BindlessUse[]>();

/** The uses of bound metadata in the statements the rules check (all of them without a focus). */
export function checkedBindlessUses(model: ModuleModel): BindlessUse[] {
  const bound = boundMetadata(model);
  if (bound.sites.length === 0) return [];
  let uses = usesCache.get(model);
  if (!uses) {
    const calls = model.hasFocus ? model.checkedNodes('call') : model.nodesWithWords('call', bindUseWords(model));
    uses = collectUses(model, bound.holders, calls).uses;
    usesCache.set(model, uses);
  }
  return uses;
}

const STATEMENT_METHODS = new Set(['select', 'insert', 'update', 'delete', 'where', 'values', 'order_by', 'group_by', 'limit', 'offset', 'filter', 'join', 'outerjoin', 'correlate', 'alias', 'label']);

/** A Core statement built here: `select(...)...`, `table.select()...`, or a name bound to one. */
function looksLikeStatement(model: ModuleModel, node: Node, depth: number): boolean {
  if (depth > 20) return false;
  if (node.type === 'identifier') {
    const bindings = model.lookup(node.text, node);
    return bindings?.length === 1 && !!bindings[0].value && bindings[0].kind === 'assign' && looksLikeStatement(model, bindings[0].value, depth + 1);
  }
  if (node.type !== 'call') return false;
  const fn = node.childForFieldName('function');
  if (!fn) return false;
  const qualified = model.qualifiedName(fn);
  if (qualified) return /^sqlalchemy(\.sql)?(\.expression)?\.(select|insert|update|delete|text|union|union_all|exists)$/.test(qualified);
  if (fn.type !== 'attribute') return false;
  const method = fn.childForFieldName('attribute')?.text ?? '';
  if (!STATEMENT_METHODS.has(method)) return false;
  const object = fn.childForFieldName('object')!;
  return ['select', 'insert', 'update', 'delete'].includes(method) || looksLikeStatement(model, object, depth + 1);
}

function bindUseWords(model: ModuleModel): string[] {
  return [...SCHEMA_CALLS, 'autoload', 'execute', 'scalar', ...spellingsOf(model, [...SESSION_CLASSES, ...SESSIONMAKERS, ...SCOPED_SESSIONS]), ...SESSION_FACTORY_SPELLINGS];
}

/** Every word a statement that binds metadata, uses bound metadata or blocks the fix must spell. */
export function boundMetadataWords(model: ModuleModel): string[] {
  return [...bindSiteWords(model), ...bindUseWords(model)];
}
