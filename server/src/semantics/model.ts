import type { Node } from '../parse/parser';
import { ChunkedTree, descendantAt, rootsOf, type SyntaxTree } from '../parse/chunkedTree';
import type { WordIndex } from './wordIndex';
import { DBAPI_ROOTS, SQLALCHEMY_ROOTS, mentionsSqlAlchemy } from './names';
import { moduleLevelStatements } from './moduleStatements';
import { ownCopy } from '../parse/ownCopy';

export type BindingKind = 'import' | 'assign' | 'param' | 'with' | 'for' | 'def' | 'class' | 'other';

/** One place where a name gets a value. */
export interface Binding {
  name: string;
  kind: BindingKind;
  /** The identifier that is bound. */
  target: Node;
  /** `import`: the dotted name the local name stands for. */
  qualified?: string;
  /** `assign`: the right-hand side; `with`: the context expression; `for`: the iterable. */
  value?: Node;
  /** `param` and annotated `assign`: the annotation. */
  annotation?: Node;
}

interface Scope {
  node: Node;
  isClass: boolean;
  bindings: Map<string, Binding[]>;
  /** Names whose binding list is out of source order (bindings arrive unit by unit). */
  unsorted: Set<string>;
  /** The text a scope covers: a function or lambda whole, a class its body only. */
  start: number;
  end: number;
  /** The enclosing scope; none for the module. */
  parent?: Scope;
  /** This scope and those around it, innermost first: made once, many names are looked up from each scope. */
  chain?: Scope[];
}

/**
 * What the rest of the module needs to know of one top-level statement without looking at its
 * nodes: plain data, so that it outlives the tree and can be reused after edits elsewhere.
 */
export interface UnitSummary {
  /** Identifier-like words anywhere in the statement's text (code, strings and comments). */
  words: ReadonlySet<string>;
  /** Names the statement binds in the module scope. */
  moduleNames: readonly string[];
  /** Names whose meaning elsewhere the statement can change: its module names, `x` of `x.attr = ...`, `global x`. */
  exports: readonly string[];
  /** First components of the modules it imports, at any depth. */
  importRoots: readonly string[];
  /** For a function or class: what other statements can learn from it (`interfaceText`), once asked. */
  interface?: string;
}

/** One top-level statement (or comment) of the module and, once looked at, its nodes and scopes. */
interface Unit {
  /** Made on first need (`nodeOf`): most statements of an edited document are never looked at. */
  node?: Node;
  /** In a document parsed in chunks: the chunk holding the statement. */
  chunk?: number;
  start: number;
  end: number;
  /** The node's type, read once (each read crosses into the parser). */
  type?: string;
  nodes?: Map<string, Node[]>;
  /** Function, lambda and class scopes inside the unit, sorted by start. */
  scopes?: Scope[];
  moduleNames?: Set<string>;
  exports?: Set<string>;
  importRoots?: Set<string>;
  /** Roots of `x.attr = ...` targets, until the unit's bindings are known. */
  attributeRoots?: Node[];
  summary?: UnitSummary;
}

/** Every field set from the start: units of one shape keep the code that reads them optimized. */
function newUnit(node: Node | undefined, chunk: number | undefined, start: number, end: number): Unit {
  return {
    node, chunk, start, end, type: undefined, nodes: undefined, scopes: undefined, moduleNames: undefined,
    exports: undefined, importRoots: undefined, attributeRoots: undefined, summary: undefined,
  };
}

/** Every field set from the start, like units: scopes of one shape keep the lookups that read them optimized. */
function newScope(node: Node, isClass: boolean, start: number, end: number): Scope {
  return { node, isClass, bindings: new Map(), unsorted: new Set(), start, end, parent: undefined, chain: undefined };
}

const COLLECTED_TYPES = [
  'call', 'import_statement', 'import_from_statement', 'assignment', 'with_item', 'for_statement',
  'for_in_clause', 'function_definition', 'lambda', 'class_definition', 'comment', 'named_expression',
  'augmented_assignment', 'global_statement', 'subscript', 'comparison_operator',
];

const WORD = /[A-Za-z_][A-Za-z0-9_]*/g;

const wordPatterns = new Map<string, RegExp>();

/** A global regex for the words as whole words (not inside longer names). */
export function wordsPattern(words: readonly string[]): RegExp {
  const key = words.join(' ');
  let pattern = wordPatterns.get(key);
  if (!pattern) {
    const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(`(?<![A-Za-z0-9_])(?:${escaped.join('|')})(?![A-Za-z0-9_])`, 'g');
    // Word lists are fixed by the rules and by module names: bounded, but keep the cache from growing without end.
    if (wordPatterns.size > 5000) wordPatterns.clear();
    wordPatterns.set(key, pattern);
  }
  return pattern;
}

/** What the rules know of one module: its nodes by type, its scopes and bindings. */
export class ModuleModel {
  /** The module node (the first chunk's, for a document parsed in chunks): the module scope's node. */
  readonly root: Node;
  /** The root of each tree the module is parsed in, in order. */
  private readonly treeRoots: Node[];
  /** In a document parsed in chunks: the index of each chunk's first statement. */
  private readonly chunkFirstUnit: number[] = [];
  private readonly units: Unit[];
  private readonly moduleScope: Scope;
  private readonly allNodes = new Map<string, Node[]>();
  private readonly checked = new Map<string, Node[]>();
  /** Top-level statements the rules check; all of them without a focus. */
  private readonly focus: Set<number> | undefined;
  private summaries: ReadonlyArray<UnitSummary | undefined> = [];
  private materializedCount = 0;
  /** Module-level names whose binding statements were looked at (lookAtModuleName). */
  private readonly namesLookedAt = new Set<string>();
  /** Module-scope name -> top-level statements that bind it (from summaries), built on first need. */
  private nameIndex: Map<string, number[]> | undefined;
  private errorRanges: Array<[number, number]> | undefined;
  private readonly qualifiedNames = new Map<number, string | undefined>();
  /** Values derived from this model by other modules, by kind (see ModelMemo). */
  readonly memos = new Map<object, unknown>();

  /**
   * Without `focused`, the whole module is looked at and checked. With it, no statement is checked
   * until `addFocus`, and the others are looked at only when a question needs them.
   */
  constructor(readonly text: string, readonly tree: SyntaxTree, focused = false) {
    this.treeRoots = rootsOf(tree);
    this.root = this.treeRoots[0];
    this.units = [];
    if (tree instanceof ChunkedTree) {
      const { starts, ends, chunkOf } = tree.unitSpans();
      for (let i = 0; i < starts.length; i++) {
        while (this.chunkFirstUnit.length <= chunkOf[i]) this.chunkFirstUnit.push(i);
        this.units.push(newUnit(undefined, chunkOf[i], starts[i], ends[i]));
      }
    } else {
      for (const node of this.root.namedChildren) if (node) this.units.push(newUnit(node, undefined, node.startIndex, node.endIndex));
    }
    this.moduleScope = newScope(this.root, false, 0, text.length);
    if (focused) {
      this.focus = new Set();
      return;
    }
    // The whole module: one query for all nodes, split among the top-level statements by position.
    const all = this.treeRoots.flatMap((root) => root.descendantsOfType(COLLECTED_TYPES));
    const perUnit = this.units.map(() => new Map<string, Node[]>());
    let u = 0;
    for (const node of all) {
      if (!node) continue;
      while (u < this.units.length - 1 && node.startIndex >= this.units[u].end && node.startIndex >= this.units[u + 1].start) u++;
      const map = perUnit[u];
      if (!map) continue;
      const list = map.get(node.type);
      if (list) list.push(node);
      else map.set(node.type, [node]);
    }
    this.units.forEach((unit, i) => this.materialize(unit, perUnit[i]));
  }

  /**
   * A model of the whole module. One that cannot import SQLAlchemy looks at each statement only
   * when a question needs it, since most rules have nothing to look for there.
   */
  static ofModule(text: string, tree: SyntaxTree): ModuleModel {
    if (mentionsSqlAlchemy(text)) return new ModuleModel(text, tree);
    const model = new ModuleModel(text, tree, true);
    for (let i = 0; i < model.units.length; i++) model.focus!.add(i);
    model.sqlAlchemyUse = false;
    model.lazyWhole = true;
    return model;
  }

  private sqlAlchemyUse: boolean | undefined;

  /** Whether the module imports SQLAlchemy (or a library built on it); name-based guesses need this. */
  get usesSqlAlchemy(): boolean {
    // The text test first: it spares looking at every statement of a module that cannot import it.
    return (this.sqlAlchemyUse ??= mentionsSqlAlchemy(this.text) && [...this.importRoots()].some((r) => SQLALCHEMY_ROOTS.has(r)));
  }

  get importsDbapi(): boolean {
    return [...this.importRoots()].some((r) => DBAPI_ROOTS.has(r));
  }

  private roots: Set<string> | undefined;

  private importRoots(): Set<string> {
    if (this.roots) return this.roots;
    const roots = new Set<string>();
    // Only import statements have roots, and they spell `import`.
    for (const i of this.candidateUnits(['import'])) {
      for (const root of this.units[i].importRoots ?? this.summaryOrLook(i).importRoots) roots.add(root);
    }
    return (this.roots = roots);
  }

  /** Summaries of top-level statements from an earlier analysis (same index as here), for those not looked at. */
  useSummaries(summaries: ReadonlyArray<UnitSummary | undefined>): void {
    this.summaries = summaries;
    this.nameIndex = undefined;
    this.roots = undefined;
    this.sqlAlchemyUse = undefined;
    this.carriedUnits = undefined;
  }

  private wordIndex: WordIndex | undefined;
  /** Carried summary -> its statement here; the statements without one (the edited ones). */
  private carriedUnits: { of: Map<UnitSummary, number>; without: number[] } | undefined;

  /**
   * Which statements spell each word, for the carried summaries (it may also hold summaries of
   * statements an edit removed; those are passed over). Only a model with a focus uses it.
   */
  useWordIndex(index: WordIndex): void {
    this.wordIndex = index;
  }

  /**
   * The same object for every model of one document's successive versions (its word index moves
   * on from edit to edit): facts about the last version can be kept under it.
   */
  get lineage(): object | undefined {
    return this.wordIndex;
  }

  private carried(): { of: Map<UnitSummary, number>; without: number[] } {
    if (this.carriedUnits) return this.carriedUnits;
    const of = new Map<UnitSummary, number>();
    const without: number[] = [];
    for (let i = 0; i < this.units.length; i++) {
      const summary = this.summaries[i];
      if (summary) of.set(summary, i);
      else without.push(i);
    }
    return (this.carriedUnits = { of, without });
  }

  /** Statements that may spell one of the words, in source order: those the word index names, else every one. */
  candidateUnits(words: readonly string[]): number[] {
    // A whole module: one search of its text names them (in source order, as the text is searched).
    if (!this.focus) return [...this.unitsSpelling(words)];
    return this.unitsSpellingAny(words) ?? Array.from({ length: this.units.length }, (_, i) => i);
  }

  /**
   * Top-level statements whose text spells one of the words, in source order, found through the
   * word index; undefined without one (the caller then looks at each statement).
   */
  unitsSpellingAny(words: readonly string[]): number[] | undefined {
    if (!this.focus) return undefined;
    // A module looked at on demand, with nothing carried over: one search of its text names them.
    if (this.lazyWhole && this.summaries.length === 0) return [...this.unitsSpelling(words)].sort((a, b) => a - b);
    if (!this.wordIndex) return undefined;
    // Marked, then read in order: no set or sort for the common words that many statements spell.
    const { of, without } = this.carried();
    const spells = new Uint8Array(this.units.length);
    for (const word of words) {
      const summaries = this.wordIndex.spelling(word);
      if (!summaries) continue;
      for (const summary of summaries) {
        const i = of.get(summary);
        if (i !== undefined) spells[i] = 1;
      }
    }
    for (const i of without) if (spells[i] === 0 && this.unitSpells(i, words)) spells[i] = 1;
    const found: number[] = [];
    for (let i = 0; i < spells.length; i++) if (spells[i] === 1) found.push(i);
    return found;
  }

  /** Whether a statement with a carried summary spells the word. */
  private carriesSpelling(index: WordIndex, word: string): boolean {
    const { of } = this.carried();
    for (const summary of index.spelling(word) ?? []) if (of.has(summary)) return true;
    return false;
  }

  /** Every node of a type in the module, in source order (with a focus, this looks at every statement). */
  nodes(type: string): Node[] {
    let list = this.allNodes.get(type);
    if (list) return list;
    list = [];
    for (const unit of this.units) list.push(...(this.materialize(unit).get(type) ?? []));
    if (this.materializedCount === this.units.length) this.allNodes.set(type, list);
    return list;
  }

  /** Nodes of a type in the statements the rules check: what a rule reports on. */
  checkedNodes(type: string): Node[] {
    if (!this.focus) return this.nodes(type);
    let list = this.checked.get(type);
    if (list) return list;
    list = [];
    for (const i of [...this.focus].sort((a, b) => a - b)) list.push(...(this.materialize(this.units[i]).get(type) ?? []));
    this.checked.set(type, list);
    return list;
  }

  /**
   * Nodes of a type in the statements whose text has one of the words: the module-wide nodes a
   * rule needs when it knows what they must spell, without looking at the other statements.
   */
  nodesWithWords(type: string, words: Iterable<string>): Node[] {
    if (this.materializedCount === this.units.length) {
      // Every statement is looked at already: one scan of the text picks those that spell a word.
      const spelling = this.unitsSpelling([...words]);
      if (spelling.size === this.units.length) return this.nodes(type);
      const result: Node[] = [];
      for (const i of spelling) result.push(...(this.units[i].nodes!.get(type) ?? []));
      return result;
    }
    if (!this.focus) return this.nodes(type);
    return [...this.eachNodeWithWords(type, words)];
  }

  private readonly spellingUnits = new Map<string, Set<number>>();

  /** Top-level statements whose text spells one of the words as a whole word, in source order. */
  unitsSpelling(words: readonly string[]): Set<number> {
    const key = words.join(' ');
    let units = this.spellingUnits.get(key);
    if (units) return units;
    units = new Set();
    if (words.length > 0) {
      const pattern = wordsPattern(words);
      // The pattern is shared and global: start from the beginning whatever an earlier search left.
      pattern.lastIndex = 0;
      for (const match of this.text.matchAll(pattern)) {
        const i = this.unitIndexAt(match.index!);
        if (i !== undefined) units.add(i);
      }
    }
    this.spellingUnits.set(key, units);
    return units;
  }

  /** The same, statement by statement in source order, for callers that stop at the first match. */
  *eachNodeWithWords(type: string, words: Iterable<string>): Generator<Node> {
    if (!this.focus || this.materializedCount === this.units.length) {
      yield* this.nodes(type);
      return;
    }
    const wanted = [...words];
    const spelling = this.unitsSpellingAny(wanted);
    if (spelling) {
      for (const i of spelling) yield* this.materialize(this.units[i]).get(type) ?? [];
      return;
    }
    for (let i = 0; i < this.units.length; i++) {
      const unit = this.units[i];
      if (!unit.nodes) {
        const summary = this.summaries[i];
        if (summary && !wanted.some((w) => summary.words.has(w))) continue;
      }
      yield* this.materialize(unit).get(type) ?? [];
    }
  }

  /** Descendants of other types in the statements whose text has one of the words. */
  descendantsWithWords(types: string | string[], words: Iterable<string>): Node[] {
    return this.descendantsInUnits(types, [...words], false);
  }

  /** The same, in the statements the rules check only: what a rule reports on. */
  checkedDescendantsWithWords(types: string | string[], words: Iterable<string>): Node[] {
    return this.descendantsInUnits(types, [...words], true);
  }

  private descendantsInUnits(types: string | string[], wanted: string[], checkedOnly: boolean): Node[] {
    const result: Node[] = [];
    const indexed = this.unitsSpellingAny(wanted);
    if (indexed) {
      for (const i of indexed) {
        if (checkedOnly && !this.focus!.has(i)) continue;
        for (const node of this.nodeOf(this.units[i]).descendantsOfType(types)) if (node) result.push(node);
      }
      return result;
    }
    let spelling: Set<number> | undefined;
    for (let i = 0; i < this.units.length; i++) {
      if (checkedOnly && this.focus && !this.focus.has(i)) continue;
      const unit = this.units[i];
      if (unit.nodes || unit.summary) {
        spelling ??= this.unitsSpelling(wanted);
        if (!spelling.has(i)) continue;
      } else {
        const summary = this.summaries[i];
        if (summary && !wanted.some((w) => summary.words.has(w))) continue;
      }
      for (const node of this.nodeOf(unit).descendantsOfType(types)) if (node) result.push(node);
    }
    return result;
  }

  /** Whether only some top-level statements are checked. */
  get hasFocus(): boolean {
    return !!this.focus;
  }

  /** Whether a node lies in a statement the rules check. */
  isChecked(offset: number): boolean {
    if (!this.focus) return true;
    const i = this.unitIndexAt(offset);
    return i !== undefined && this.focus.has(i);
  }

  // --- Top-level statements ------------------------------------------------------------------

  get unitCount(): number {
    return this.units.length;
  }

  unitNode(i: number): Node {
    return this.nodeOf(this.units[i]);
  }

  /** Where a top-level statement lies, without reading its type. */
  unitSpan(i: number): { start: number; end: number } {
    return this.units[i];
  }

  /** A statement's type known from elsewhere (an earlier analysis of the same text). */
  knowUnitType(i: number, type: string): void {
    this.units[i].type = type;
  }

  unitRange(i: number): { start: number; end: number; type: string } {
    const unit = this.units[i];
    return { start: unit.start, end: unit.end, type: this.unitType(i) };
  }

  /** A top-level statement's node type (read from the tree once). */
  unitType(i: number): string {
    const unit = this.units[i];
    return (unit.type ??= this.nodeOf(unit).type);
  }

  /** Adds top-level statements to those the rules check (before they run). */
  addFocus(units: Iterable<number>): void {
    if (!this.focus) return;
    for (const i of units) {
      if (i < 0 || i >= this.units.length) continue;
      this.focus.add(i);
      this.materialize(this.units[i]);
    }
    this.checked.clear();
  }

  /** Whether the rules check a top-level statement. */
  isUnitChecked(i: number): boolean {
    return !this.focus || this.focus.has(i);
  }

  /**
   * The summary a later analysis will carry for a statement: the one given by an earlier analysis
   * of the same text, else the one computed here (undefined when neither exists yet).
   */
  carriedSummary(i: number): UnitSummary | undefined {
    return this.summaries[i] ?? this.units[i].summary;
  }

  /** Nodes of a collected type in one top-level statement (looked at on demand). */
  unitNodes(i: number, type: string): Node[] {
    return this.materialize(this.units[i]).get(type) ?? [];
  }

  /**
   * Set when the summaries of this model's statements will be kept for a later analysis (an
   * editor's document): facts worth reusing are then stored with them.
   */
  keepsSummaries = false;

  /** A whole-module model that looks at statements on demand (not an edit's focus). */
  private lazyWhole = false;

  /** Whether facts of a statement should be stored with its summary for a later analysis. */
  get storesStatementFacts(): boolean {
    return this.keepsSummaries || (!!this.focus && !this.lazyWhole);
  }

  private readonly spelledWords = new Map<string, Set<string>>();

  /** Which of the words the module spells (as whole words): from statement summaries where they are known. */
  wordsSpelled(words: readonly string[]): Set<string> {
    const key = words.join(' ');
    let found = this.spelledWords.get(key);
    if (found) return found;
    found = new Set();
    const pattern = wordsPattern(words);
    if (!this.focus) {
      // One pass over the text for every word.
      pattern.lastIndex = 0;
      for (const match of this.text.matchAll(pattern)) found.add(match[0]);
    } else if (this.wordIndex) {
      for (const word of words) if (this.carriesSpelling(this.wordIndex, word)) found.add(word);
      for (const i of this.carried().without) for (const word of words) if (!found.has(word) && this.unitSpells(i, [word])) found.add(word);
    } else {
      for (let i = 0; i < this.units.length && found.size < words.length; i++) {
        const summary = this.carriedSummary(i);
        if (summary) {
          for (const word of words) if (summary.words.has(word)) found.add(word);
          continue;
        }
        pattern.lastIndex = 0;
        for (const match of this.text.slice(this.units[i].start, this.units[i].end).matchAll(pattern)) found.add(match[0]);
      }
    }
    this.spelledWords.set(key, found);
    return found;
  }

  /** Whether a top-level statement spells one of the words, from its summary or its text. */
  unitSpells(i: number, words: readonly string[]): boolean {
    const summary = this.carriedSummary(i);
    if (summary) {
      for (const word of words) if (summary.words.has(word)) return true;
      return false;
    }
    // A whole module is asked about statement after statement: one search of its text per word list answers them all.
    if (!this.focus) return this.unitsSpelling(words).has(i);
    const pattern = wordsPattern(words);
    pattern.lastIndex = 0;
    return pattern.test(this.text.slice(this.units[i].start, this.units[i].end));
  }

  get focusSize(): number {
    return this.focus ? this.focus.size : this.units.length;
  }

  /** The summary of one top-level statement, computed from its nodes when not given. */
  summaryOf(i: number): UnitSummary {
    const unit = this.units[i];
    if (unit.summary) return unit.summary;
    this.materialize(unit);
    const words = new Set<string>();
    for (const match of this.text.slice(unit.start, unit.end).matchAll(WORD)) {
      // Copies: the summary outlives this version of the text.
      if (!words.has(match[0])) words.add(ownCopy(match[0]));
    }
    unit.summary = { words, moduleNames: [...unit.moduleNames!], exports: [...unit.exports!], importRoots: [...unit.importRoots!] };
    return unit.summary;
  }

  private summaryOrLook(i: number): UnitSummary {
    return this.units[i].nodes ? this.summaryOf(i) : (this.summaries[i] ?? this.summaryOf(i));
  }

  private unitIndexAt(offset: number, end = offset): number | undefined {
    return spanIndexAt(this.units, offset, end);
  }

  // --- Text and errors -----------------------------------------------------------------------

  /** Ranges of ERROR and MISSING nodes in the module. */
  syntaxErrors(): Array<[number, number]> {
    return (this.errorRanges ??= this.treeRoots.flatMap((root) => syntaxErrorRanges(root)));
  }

  /** The smallest node over a span (or one holding it). */
  descendantForIndex(start: number, end = start): Node {
    return descendantAt(this.tree, start, end);
  }

  /** Descendants of a scope node (`scopeNodeOf`); the module's are in every tree it is parsed in. */
  scopeDescendants(scope: Node, types: string | string[]): Node[] {
    const roots = scope.id === this.root.id ? this.treeRoots : [scope];
    const result: Node[] = [];
    for (const root of roots) for (const node of root.descendantsOfType(types)) if (node) result.push(node);
    return result;
  }

  /** Where the text of a scope node ends: the module's at the end of the text. */
  scopeEnd(scope: Node): number {
    return scope.id === this.root.id ? this.text.length : scope.endIndex;
  }

  /** Statements that run in the module's scope, in source order. */
  moduleLevelStatements(): Node[] {
    return this.treeRoots.flatMap((root) => moduleLevelStatements(root));
  }

  textOf(node: Node): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }

  /** True when the node lies in, or contains, text the parser could not make sense of. */
  isInError(node: Node): boolean {
    if (node.hasError) return true;
    // By position: `node.parent` costs a walk from the root in tree-sitter, too slow on deep trees.
    return this.syntaxErrors().some(([start, end]) => start <= node.startIndex && node.endIndex <= end && start < end);
  }

  // --- Names ---------------------------------------------------------------------------------

  /** The scope node (module, function, lambda or class body) that a name used at `node` is looked up in first. */
  scopeNodeOf(node: Node): Node {
    return this.scopeChain(node)[0].node;
  }

  /** Bindings of `name` visible at `node`, by Python's scoping (class bodies are skipped from methods). */
  lookup(name: string, at: Node): Binding[] | undefined {
    const chain = this.scopeChain(at);
    for (let i = 0; i < chain.length; i++) {
      const scope = chain[i];
      if (scope.isClass && i > 0) continue;
      if (scope === this.moduleScope) this.lookAtModuleName(name);
      const found = this.bindingsIn(scope, name);
      if (found) return found;
    }
    return undefined;
  }

  /** Bindings of `name` made directly in the module scope. */
  moduleBindings(name: string): Binding[] | undefined {
    this.lookAtModuleName(name);
    return this.bindingsIn(this.moduleScope, name);
  }

  private bindingsIn(scope: Scope, name: string): Binding[] | undefined {
    const list = scope.bindings.get(name);
    if (list && scope.unsorted.delete(name)) list.sort((a, b) => a.target.startIndex - b.target.startIndex);
    return list;
  }

  /** With a focus: looks at the statements that bind a module-level name, so that its bindings are complete. */
  private lookAtModuleName(name: string): void {
    if (this.materializedCount === this.units.length || this.namesLookedAt.has(name)) return;
    // Once looked at, every statement binding the name has its nodes: the next look finds nothing new.
    this.namesLookedAt.add(name);
    // A statement that binds a name spells it: the word index names the few to look at.
    const spelling = this.unitsSpellingAny([name]);
    if (spelling) {
      for (const i of spelling) {
        if (!this.units[i].nodes && this.summaryOrLook(i).moduleNames.includes(name)) this.materialize(this.units[i]);
      }
      return;
    }
    if (!this.nameIndex) {
      this.nameIndex = new Map();
      for (let i = 0; i < this.units.length; i++) {
        if (this.units[i].nodes) continue;
        for (const bound of this.summaryOrLook(i).moduleNames) {
          const list = this.nameIndex.get(bound);
          if (list) list.push(i);
          else this.nameIndex.set(bound, [i]);
        }
      }
    }
    for (const i of this.nameIndex.get(name) ?? []) this.materialize(this.units[i]);
  }

  /**
   * The dotted name an expression stands for through imports: `sa.orm.Session` is
   * `sqlalchemy.orm.Session` after `import sqlalchemy as sa`. Undefined for anything else.
   */
  qualifiedName(node: Node): string | undefined {
    if (this.qualifiedNames.has(node.id)) return this.qualifiedNames.get(node.id);
    const name = this.resolveQualifiedName(node);
    this.qualifiedNames.set(node.id, name);
    return name;
  }

  private resolveQualifiedName(node: Node): string | undefined {
    // Iterative, so that very long attribute chains cannot overflow the stack.
    let current: Node = node;
    let depth = 0;
    while (current.type === 'attribute') {
      const object = current.childForFieldName('object');
      if (!object || !current.childForFieldName('attribute')) return undefined;
      current = object;
      depth++;
    }
    if (current.type !== 'identifier') return undefined;
    const bindings = this.lookup(current.text, current);
    if (!bindings || bindings.length !== 1 || bindings[0].kind !== 'import') return undefined;
    // The attributes' names are read only for a chain that starts at an import (most start at a local).
    const root = bindings[0].qualified;
    if (depth === 0 || root === undefined) return root;
    // Joined, not concatenated: a flat string, which the rules then compare and look up often.
    const names = new Array<string>(depth + 1);
    names[0] = root;
    for (let part = node; depth > 0; depth--, part = part.childForFieldName('object')!) names[depth] = part.childForFieldName('attribute')!.text;
    return names.join('.');
  }

  /**
   * Scopes around a node, innermost first (a scope node itself belongs to its parent scope). Found by
   * position over the sorted scopes of its top-level statement, since walking `node.parent` is slow.
   * The array is the scope's own, shared by every caller: read it, never change it.
   */
  private scopeChain(node: Node): Scope[] {
    const start = node.startIndex;
    const end = node.endIndex;
    const unitIndex = this.unitIndexAt(start, end);
    let scope: Scope | undefined;
    if (unitIndex !== undefined) {
      const unit = this.units[unitIndex];
      this.materialize(unit);
      const scopes = unit.scopes!;
      let low = 0;
      let high = scopes.length - 1;
      let found = -1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        if (scopes[mid].start <= start) {
          found = mid;
          low = mid + 1;
        } else high = mid - 1;
      }
      scope = found >= 0 ? scopes[found] : undefined;
      while (scope && !(scope.start <= start && end <= scope.end && scope.node.id !== node.id)) scope = scope.parent;
    }
    const innermost = scope ?? this.moduleScope;
    if (innermost.chain) return innermost.chain;
    const chain: Scope[] = [];
    for (let s: Scope | undefined = innermost; s; s = s.parent) chain.push(s);
    return (innermost.chain = chain);
  }

  // --- Building one top-level statement's scopes and bindings -----------------------------------

  /** Looks at one top-level statement: its nodes, scopes and bindings (once). */
  private nodeOf(unit: Unit): Node {
    if (unit.node) return unit.node;
    const chunked = this.tree as ChunkedTree;
    // The chunk's statements are made together: neighbours are often asked for next.
    const base = this.chunkFirstUnit[unit.chunk!];
    const nodes = chunked.unitNodes(unit.chunk!);
    for (let j = 0; j < nodes.length; j++) this.units[base + j].node = nodes[j];
    return unit.node!;
  }

  private materialize(unit: Unit, nodes?: Map<string, Node[]>): Map<string, Node[]> {
    if (unit.nodes) return unit.nodes;
    if (!nodes) {
      nodes = new Map();
      for (const node of this.nodeOf(unit).descendantsOfType(COLLECTED_TYPES)) {
        if (!node) continue;
        const list = nodes.get(node.type);
        if (list) list.push(node);
        else nodes.set(node.type, [node]);
      }
    }
    unit.nodes = nodes;
    unit.moduleNames = new Set();
    unit.exports = new Set();
    unit.importRoots = new Set();
    this.materializedCount++;
    this.allNodes.clear();
    this.collectScopes(unit);
    this.collectBindings(unit);
    return nodes;
  }

  private collectScopes(unit: Unit): void {
    const nodes = (type: string) => unit.nodes!.get(type) ?? [];
    const scopes: Scope[] = [];
    for (const fn of [...nodes('function_definition'), ...nodes('lambda')]) {
      scopes.push(newScope(fn, false, fn.startIndex, fn.endIndex));
    }
    for (const cls of nodes('class_definition')) {
      const body = cls.childForFieldName('body');
      if (body) scopes.push(newScope(cls, true, body.startIndex, body.endIndex));
    }
    // On equal ranges (a method that is a class's whole body) the scope whose node starts first is outer.
    scopes.sort((a, b) => a.start - b.start || b.end - a.end || a.node.startIndex - b.node.startIndex);
    const stack: Scope[] = [];
    for (const scope of scopes) {
      while (stack.length > 0 && !(stack[stack.length - 1].start <= scope.start && scope.end <= stack[stack.length - 1].end)) stack.pop();
      scope.parent = stack[stack.length - 1] ?? this.moduleScope;
      stack.push(scope);
    }
    unit.scopes = scopes;
  }

  private scopeById(unit: Unit, node: Node): Scope | undefined {
    return unit.scopes!.find((s) => s.node.id === node.id);
  }

  private bind(unit: Unit, scope: Scope, binding: Binding): void {
    const list = scope.bindings.get(binding.name);
    if (!list) scope.bindings.set(binding.name, [binding]);
    else {
      if (list[list.length - 1].target.startIndex > binding.target.startIndex) scope.unsorted.add(binding.name);
      list.push(binding);
    }
    if (scope === this.moduleScope) {
      unit.moduleNames!.add(binding.name);
      unit.exports!.add(binding.name);
    }
  }

  private scopeFor(node: Node): Scope {
    return this.scopeChain(node)[0];
  }

  private bindTargets(unit: Unit, target: Node, kind: BindingKind, value?: Node, annotation?: Node): void {
    if (target.type === 'identifier') {
      this.bind(unit, this.scopeFor(target), { name: target.text, kind, target, value, annotation });
      return;
    }
    // Unpacking: each name gets an unknown value.
    if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'as_pattern_target', 'list_splat_pattern', 'parenthesized_expression'].includes(target.type)) {
      const single = target.type === 'as_pattern_target' || target.type === 'parenthesized_expression';
      for (const child of target.namedChildren) if (child) this.bindTargets(unit, child, single ? kind : 'other', single ? value : undefined, annotation);
    }
  }

  private collectBindings(unit: Unit): void {
    const nodes = (type: string) => unit.nodes!.get(type) ?? [];
    for (const fn of nodes('function_definition')) {
      const name = fn.childForFieldName('name');
      if (name) this.bind(unit, this.scopeFor(fn), { name: name.text, kind: 'def', target: name, value: fn });
      this.bindParameters(unit, fn);
    }
    for (const lambda of nodes('lambda')) this.bindParameters(unit, lambda);
    for (const cls of nodes('class_definition')) {
      const name = cls.childForFieldName('name');
      if (name) this.bind(unit, this.scopeFor(cls), { name: name.text, kind: 'class', target: name, value: cls });
    }
    for (const stmt of nodes('import_statement')) this.bindImport(unit, stmt);
    for (const stmt of nodes('import_from_statement')) this.bindImportFrom(unit, stmt);
    for (const assignment of nodes('assignment')) {
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right') ?? undefined;
      const annotation = assignment.childForFieldName('type') ?? undefined;
      if (left) this.bindTargets(unit, left, 'assign', right, annotation);
      this.noteAttributeAssignment(unit, left);
    }
    for (const assignment of [...nodes('augmented_assignment'), ...nodes('named_expression')]) {
      const left = assignment.childForFieldName('left') ?? assignment.childForFieldName('name');
      const right = assignment.childForFieldName('right') ?? assignment.childForFieldName('value') ?? undefined;
      if (left) this.bindTargets(unit, left, assignment.type === 'named_expression' ? 'assign' : 'other', right);
      this.noteAttributeAssignment(unit, left);
    }
    for (const item of nodes('with_item')) {
      const value = item.childForFieldName('value');
      if (value?.type !== 'as_pattern') continue;
      const alias = value.childForFieldName('alias');
      const context = value.namedChildren[0] ?? undefined;
      if (alias) this.bindTargets(unit, alias, 'with', context);
    }
    for (const loop of [...nodes('for_statement'), ...nodes('for_in_clause')]) {
      const left = loop.childForFieldName('left');
      const right = loop.childForFieldName('right') ?? undefined;
      if (left) this.bindTargets(unit, left, 'for', right);
    }
    // `global x` in a function: assignments there change the module's `x`.
    for (const statement of nodes('global_statement')) for (const name of statement.namedChildren) if (name) unit.exports!.add(name.text);
    this.exportAttributeRoots(unit);
  }

  /** `metadata.bind = engine` changes what `metadata` is elsewhere: a root name not bound locally is an export. */
  private noteAttributeAssignment(unit: Unit, left: Node | null): void {
    let current = left;
    while (current && (current.type === 'attribute' || current.type === 'subscript')) current = current.childForFieldName(current.type === 'attribute' ? 'object' : 'value');
    if (current && current !== left && current.type === 'identifier') (unit.attributeRoots ??= []).push(current);
  }

  /** After the unit's bindings are in: roots bound in one of its functions (`self`, a local) stay local. */
  private exportAttributeRoots(unit: Unit): void {
    for (const root of unit.attributeRoots ?? []) {
      const local = this.scopeChain(root).some((scope) => scope !== this.moduleScope && !scope.isClass && scope.bindings.has(root.text));
      if (!local) unit.exports!.add(root.text);
    }
    unit.attributeRoots = undefined;
  }

  private bindParameters(unit: Unit, fn: Node): void {
    const params = fn.childForFieldName('parameters');
    if (!params) return;
    const scope = this.scopeById(unit, fn)!;
    for (const param of params.namedChildren) {
      if (!param) continue;
      let nameNode: Node | null = null;
      let annotation: Node | undefined;
      if (param.type === 'identifier') nameNode = param;
      else if (param.type === 'typed_parameter') {
        nameNode = param.namedChildren.find((c) => c?.type === 'identifier') ?? null;
        annotation = param.childForFieldName('type') ?? undefined;
      } else if (param.type === 'default_parameter' || param.type === 'typed_default_parameter') {
        nameNode = param.childForFieldName('name');
        annotation = param.childForFieldName('type') ?? undefined;
      } else if (param.type === 'list_splat_pattern' || param.type === 'dictionary_splat_pattern') {
        const inner = param.namedChildren[0];
        if (inner?.type === 'identifier') this.bind(unit, scope, { name: inner.text, kind: 'other', target: inner });
        continue;
      }
      if (nameNode?.type === 'identifier') this.bind(unit, scope, { name: nameNode.text, kind: 'param', target: nameNode, annotation });
    }
  }

  private bindImport(unit: Unit, stmt: Node): void {
    const scope = this.scopeFor(stmt);
    for (const name of stmt.childrenForFieldName('name')) {
      if (!name) continue;
      const dotted = name.type === 'aliased_import' ? name.childForFieldName('name') : name;
      const first = dotted?.namedChildren[0];
      if (first) unit.importRoots!.add(first.text);
      if (name.type === 'aliased_import') {
        const alias = name.childForFieldName('alias');
        if (dotted && alias) this.bind(unit, scope, { name: alias.text, kind: 'import', target: alias, qualified: dotted.text });
      } else if (name.type === 'dotted_name' && first) {
        // `import a.b.c` binds `a`.
        this.bind(unit, scope, { name: first.text, kind: 'import', target: first, qualified: first.text });
      }
    }
  }

  private bindImportFrom(unit: Unit, stmt: Node): void {
    const moduleNode = stmt.childForFieldName('module_name');
    if (!moduleNode || moduleNode.type === 'relative_import') return this.bindRelativeImport(unit, stmt);
    if (moduleNode.type === 'dotted_name') unit.importRoots!.add(moduleNode.namedChildren[0]?.text ?? '');
    const scope = this.scopeFor(stmt);
    const moduleName = moduleNode.text.replace(/\s+/g, '');
    for (const name of stmt.childrenForFieldName('name')) {
      if (!name) continue;
      const dotted = name.type === 'aliased_import' ? name.childForFieldName('name') : name;
      const local = name.type === 'aliased_import' ? name.childForFieldName('alias') : name;
      if (!dotted || !local) continue;
      this.bind(unit, scope, { name: local.text, kind: 'import', target: local, qualified: `${moduleName}.${dotted.text}` });
    }
  }

  private bindRelativeImport(unit: Unit, stmt: Node): void {
    // First-party names: bound as imports of a module we cannot see, so name-based guesses still apply.
    const scope = this.scopeFor(stmt);
    for (const name of stmt.childrenForFieldName('name')) {
      if (!name) continue;
      const local = name.type === 'aliased_import' ? name.childForFieldName('alias') : name;
      if (local) this.bind(unit, scope, { name: local.text, kind: 'import', target: local, qualified: `.${local.text}` });
    }
  }
}

/** The span (of spans sorted by start) that holds `offset`..`end`. */
export function spanIndexAt(spans: ReadonlyArray<{ start: number; end: number }>, offset: number, end = offset): number | undefined {
  let low = 0;
  let high = spans.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (spans[mid].start <= offset) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  // Zero-width statements (a MISSING node) may share a start with the next one.
  for (let i = found; i >= 0 && i >= found - 1; i--) {
    if (spans[i].start <= offset && end <= spans[i].end) return i;
  }
  return undefined;
}

/** Ranges of ERROR and MISSING nodes, found without walking the clean parts of the tree. */
export function syntaxErrorRanges(root: Node): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  if (!root.hasError) return ranges;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.isError || node.isMissing) {
      ranges.push([node.startIndex, node.endIndex]);
      continue;
    }
    if (!node.hasError) continue;
    for (const child of node.children) if (child) stack.push(child);
  }
  return ranges;
}
