import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import { DECLARATIVE_BASE_FUNCTIONS, METADATA_CLASSES } from './names';
import { receiversOf } from './receivers';
import { callParts, keywordName, keywordValue, removeArgumentEdit, type CallParts } from '../rules/helpers';
import type { TextEdit } from '../rules/types';
import { spellingsOf } from './spellings';
import { StatementFacts } from './statementFacts';

/** A place where a MetaData gets an engine: `MetaData(bind=e)`, `MetaData(e)`, `declarative_base(bind=e)`, `m.bind = e`. */
export interface BindSite {
  readonly node: Node;
  readonly engine: Node;
  /** The edit that takes the engine off this site. */
  removal: TextEdit;
}

/** A name assigned a bound MetaData (`metadata`) or a bound declarative base (`Base`), with the engine. */
export interface BoundHolder {
  readonly engine: Node;
  declarative: boolean;
}

export interface BoundMetadata {
  sites: BindSite[];
  holders: Map<string, BoundHolder>;
}

/** Where a node is, relative to the start of its top-level statement, and its type: enough to find it again. */
interface NodeSpan {
  start: number;
  end: number;
  type: string;
}

/** `MetaData(bind=e)` or `declarative_base(bind=e)` in one statement. */
interface CallSiteFact {
  /** The argument that passes the engine. */
  argument: NodeSpan;
  engine: NodeSpan;
  removal: TextEdit;
  /** The name the call's result is assigned to. */
  target?: string;
  declarative: boolean;
}

/** `holder.bind = engine` in one statement; whether it binds a MetaData depends on the module's other sites. */
interface AttributeSiteFact {
  assignment: NodeSpan;
  engine: NodeSpan;
  /** The statement holding the assignment: it must fill its lines for the binding to be removed. */
  statementStart: number;
  statementEnd: number;
  /** `metadata.bind`, and whether the receivers take `metadata` for a MetaData; or `Base.metadata.bind`. */
  holder?: { name: string; isMetaData: boolean } | { base: string };
}

/** One statement's bind sites, in source order within each kind. */
interface StatementSites {
  calls: CallSiteFact[];
  attributes: AttributeSiteFact[];
}

const statementSites = new StatementFacts<StatementSites>();

/**
 * The module's bind sites. What a statement holds depends on its own text and on what its names
 * mean, whose changes check it again, so statements not checked reuse an earlier analysis's facts.
 */
export function collectBindSites(model: ModuleModel): BoundMetadata {
  const result: BoundMetadata = { sites: [], holders: new Map() };
  if (!model.usesSqlAlchemy) return result;
  const boundNames = new Map<string, BoundHolder>();
  // Only statements that spell `bind` or one of the factories (or an alias of one) can bind.
  const siteWords = bindSiteWords(model);
  const attributeSites: Array<{ fact: AttributeSiteFact; base: number }> = [];
  for (const i of model.candidateUnits(siteWords)) {
    if (!model.unitSpells(i, siteWords)) continue;
    const base = model.unitSpan(i).start;
    const sites = statementSites.of(model, i, () => sitesIn(model, i, base));
    for (const fact of sites.calls) {
      const engine = lazyNode(model, fact.engine, base);
      result.sites.push(bindSite(lazyNode(model, fact.argument, base), engine, shift(fact.removal, base)));
      if (fact.target !== undefined) boundNames.set(fact.target, boundHolder(engine, fact.declarative));
    }
    for (const fact of sites.attributes) attributeSites.push({ fact, base });
  }
  // `metadata.bind = engine` after every call site: whether it binds a MetaData may depend on a later one.
  for (const { fact, base } of attributeSites) {
    const holder = fact.holder;
    const isHolder = holder === undefined ? false
      : 'base' in holder ? boundNames.get(holder.base)?.declarative === true
      : boundNames.get(holder.name)?.declarative === false || holder.isMetaData;
    if (!isHolder) continue;
    // The line's text after the statement may belong to another statement (a comment): read it now.
    const start = fact.statementStart + base;
    const end = fact.statementEnd + base;
    const lineStart = model.text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = model.text.indexOf('\n', end);
    const whole = /^[ \t]*$/.test(model.text.slice(lineStart, start)) && /^[ \t]*(#.*)?\r?$/.test(model.text.slice(end, lineEnd === -1 ? undefined : lineEnd));
    if (!whole) continue;
    const engine = lazyNode(model, fact.engine, base);
    result.sites.push(bindSite(lazyNode(model, fact.assignment, base), engine, { start: lineStart, end: lineEnd === -1 ? model.text.length : lineEnd + 1, newText: '' }));
    if (holder && 'name' in holder) boundNames.set(holder.name, boundHolder(engine, false));
  }
  if (result.sites.length === 0) return result;
  result.holders = boundNames;
  return result;
}

function sitesIn(model: ModuleModel, i: number, base: number): StatementSites {
  return { calls: callSitesIn(model, i, base), attributes: model.unitSpells(i, ['bind']) ? attributeSitesIn(model, i, base) : [] };
}

function bindArgument(parts: CallParts): Node | undefined {
  const keyword = parts.keywords.find((k) => keywordName(k) === 'bind');
  if (keyword) return keyword;
  return parts.positional[0];
}

function callSitesIn(model: ModuleModel, i: number, base: number): CallSiteFact[] {
  const facts: CallSiteFact[] = [];
  for (const call of model.unitNodes(i, 'call')) {
    const parts = callParts(call);
    const qualified = parts ? model.qualifiedName(parts.fn) : undefined;
    if (!parts || !qualified) continue;
    const isMetaData = METADATA_CLASSES.has(qualified);
    if (!isMetaData && !DECLARATIVE_BASE_FUNCTIONS.has(qualified)) continue;
    const argument = bindArgument(parts);
    if (!argument) continue;
    const engine = argument.type === 'keyword_argument' ? keywordValue(argument) : argument;
    if (!engine || engine.type === 'none') continue;
    const assignment = call.parent?.type === 'assignment' ? call.parent : undefined;
    const target = assignment?.childForFieldName('left');
    facts.push({
      argument: spanOf(argument, base),
      engine: spanOf(engine, base),
      removal: shift(removeArgumentEdit(model, parts.argumentList, argument), -base),
      target: target?.type === 'identifier' ? target.text : undefined,
      declarative: !isMetaData,
    });
  }
  return facts;
}

function attributeSitesIn(model: ModuleModel, i: number, base: number): AttributeSiteFact[] {
  const facts: AttributeSiteFact[] = [];
  for (const assignment of model.unitNodes(i, 'assignment')) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'attribute' || left.childForFieldName('attribute')?.text !== 'bind' || !right) continue;
    const holder = left.childForFieldName('object')!;
    const statement = assignment.parent!;
    const fact: AttributeSiteFact = { assignment: spanOf(assignment, base), engine: spanOf(right, base), statementStart: statement.startIndex - base, statementEnd: statement.endIndex - base };
    if (holder.type === 'identifier') fact.holder = { name: holder.text, isMetaData: receiversOf(model).kindOf(holder) === 'metadata' };
    else if (holder.type === 'attribute' && holder.childForFieldName('attribute')?.text === 'metadata') {
      const object = holder.childForFieldName('object');
      if (object?.type === 'identifier') fact.holder = { base: object.text };
    }
    facts.push(fact);
  }
  return facts;
}

function spanOf(node: Node, base: number): NodeSpan {
  return { start: node.startIndex - base, end: node.endIndex - base, type: node.type };
}

function shift(edit: TextEdit, by: number): TextEdit {
  return by === 0 ? edit : { start: edit.start + by, end: edit.end + by, newText: edit.newText };
}

/** The node at a span of the current tree, looked up when first needed (most sites' nodes never are). */
function lazyNode(model: ModuleModel, span: NodeSpan, base: number): () => Node {
  let node: Node | undefined;
  return () => (node ??= nodeAt(model, span, base));
}

// Classes rather than object literals with getters: with getters made anew for each object, V8
// cannot give the objects one shared hidden class, and what it keeps for them outlived the
// analysis: the young collector kept every analyzed file's nodes alive until the next full
// collection (test/unit/youngGarbage.test.ts).
class LazyBindSite implements BindSite {
  constructor(private readonly nodeOf: () => Node, private readonly engineOf: () => Node, public removal: TextEdit) {}

  get node(): Node {
    return this.nodeOf();
  }

  get engine(): Node {
    return this.engineOf();
  }
}

class LazyBoundHolder implements BoundHolder {
  constructor(private readonly engineOf: () => Node, public declarative: boolean) {}

  get engine(): Node {
    return this.engineOf();
  }
}

function bindSite(node: () => Node, engine: () => Node, removal: TextEdit): BindSite {
  return new LazyBindSite(node, engine, removal);
}

function boundHolder(engine: () => Node, declarative: boolean): BoundHolder {
  return new LazyBoundHolder(engine, declarative);
}

function nodeAt(model: ModuleModel, span: NodeSpan, base: number): Node {
  const start = span.start + base;
  const end = span.end + base;
  // The smallest node over the span, or an ancestor over the same span (`call` in `expression_statement`).
  for (let node: Node | null = model.descendantForIndex(start, end); node && node.startIndex === start && node.endIndex === end; node = node.parent) {
    if (node.type === span.type) return node;
  }
  throw new Error(`no ${span.type} at ${start}..${end}: statement facts out of date`);
}

export function bindSiteWords(model: ModuleModel): string[] {
  return ['bind', ...spellingsOf(model, [...METADATA_CLASSES, ...DECLARATIVE_BASE_FUNCTIONS])];
}
