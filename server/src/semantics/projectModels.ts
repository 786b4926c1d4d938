import * as path from 'path';
import { createHash } from 'crypto';
import type { Parser } from 'web-tree-sitter';
import { parseText } from '../parse/parser';
import { readSource } from '../cli/files';
import { ModuleModel } from './model';
import { indexModule, type ModuleIndex } from './modelIndex';
import { ProjectView, snakeCase } from './projectView';
import { ModelMemo } from './modelMemo';

interface StoredModule {
  /** Undefined for a file stored without one (see storeDeferred): made from the file on disk when first needed. */
  index?: ModuleIndex;
  /** Kept for files indexed from a text in hand; a file indexed elsewhere (a scan worker) keeps its digest only. */
  text?: string;
  digest?: string;
}

/** One file's index computed elsewhere (say, in a scan worker), with the digest of the text it was computed from. */
export interface IndexEntry {
  file: string;
  /** Absent for a module whose text shows it cannot use SQLAlchemy (see cannotUseSqlAlchemy): indexed when first asked about. */
  index?: ModuleIndex;
  digest: string;
}

/** A short fingerprint of a file's text: enough to tell whether the file on disk is still what was indexed. */
export function textDigest(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/** Kinds of questions asked of the project's models, as prefixes of their recorded keys. */
const FILE_KEY = 'file\u0000';
const MODULE_KEY = 'module\u0000';
const CLASS_KEY = 'class\u0000';
const TABLE_KEY = 'table\u0000';
const SUPERCLASS_KEY = 'superclass\u0000';

/** How many trailing path parts a file's dotted module names may have (`app.models` for `src/app/models.py`). */
const MAX_MODULE_DEPTH = 8;

/**
 * The ORM models of many modules, kept as plain data and resolved across files through imports.
 * The CLI fills it with every file before analyzing any; an editor updates it as files change.
 */
export class ProjectModels {
  private readonly modules = new Map<string, StoredModule>();
  /** Secondary indexes: dotted module name, class name, table name, superclass name → files. */
  private readonly byModuleName = new Map<string, Set<string>>();
  private readonly byClassName = new Map<string, Set<string>>();
  private readonly byTable = new Map<string, Set<string>>();
  private readonly bySuperclassName = new Map<string, Set<string>>();
  /** The secondary index that answers each kind of question. */
  private readonly indexOfKind = new Map<string, Map<string, Set<string>>>([
    [MODULE_KEY, this.byModuleName],
    [CLASS_KEY, this.byClassName],
    [TABLE_KEY, this.byTable],
    [SUPERCLASS_KEY, this.bySuperclassName],
  ]);
  private changes = 0;

  /** The parser is needed to index texts and to edit other files; a project fed ModuleModels alone can go without. */
  constructor(private readonly parser?: Parser) {}

  /** Indexes (again) one file, from its text or from a model the caller has parsed already. */
  update(filePath: string, source: string | ModuleModel): void {
    const file = path.resolve(filePath);
    if (typeof source !== 'string') {
      this.store(file, moduleIndexOf(source, file), source.text);
      return;
    }
    if (!this.parser) throw new Error('ProjectModels needs a parser to index text');
    const tree = parseText(this.parser, source);
    try {
      this.store(file, indexModule(ModuleModel.ofModule(source, tree), file), source);
    } finally {
      tree.delete();
    }
  }

  /**
   * Keeps a file's text without indexing it yet: for a module whose text shows it cannot use
   * SQLAlchemy (see cannotUseSqlAlchemy), indexed only if a question needs it.
   */
  updateUnindexed(filePath: string, text: string): void {
    const file = path.resolve(filePath);
    this.unlink(file);
    this.link(file, { text });
  }

  /**
   * Stores indexes computed elsewhere, without their texts (a closed file's text is read again
   * from disk when an edit needs it).
   */
  storeIndexes(entries: Iterable<IndexEntry>): void {
    for (const { file: filePath, index, digest } of entries) {
      const file = path.resolve(filePath);
      this.unlink(file);
      this.link(file, { index, digest });
    }
  }

  /** Every stored index with the digest of its text: what a fresh scan worker starts from. */
  entries(): IndexEntry[] {
    const result: IndexEntry[] = [];
    for (const [file, stored] of this.modules) {
      stored.digest ??= stored.text === undefined ? undefined : textDigest(stored.text);
      if (stored.digest !== undefined) result.push({ file, index: stored.index, digest: stored.digest });
    }
    return result;
  }

  /** The digest of the text a file was indexed from; undefined for a file not stored. */
  digestOf(filePath: string): string | undefined {
    const stored = this.modules.get(path.resolve(filePath));
    if (stored && stored.digest === undefined && stored.text !== undefined) stored.digest = textDigest(stored.text);
    return stored?.digest;
  }

  remove(filePath: string): void {
    const file = path.resolve(filePath);
    this.unlink(file);
  }

  has(filePath: string): boolean {
    const file = path.resolve(filePath);
    this.asked(FILE_KEY, file);
    return this.modules.has(file);
  }

  /**
   * The text a file was indexed from: edits to that file are offsets into it. For an index stored
   * without its text, the file on disk, if it still has the digest; undefined when it changed since.
   */
  textOf(filePath: string): string | undefined {
    this.asked(FILE_KEY, path.resolve(filePath));
    const stored = this.modules.get(path.resolve(filePath));
    if (!stored) return undefined;
    if (stored.text !== undefined || stored.digest === undefined) return stored.text;
    const { text } = readSource(path.resolve(filePath));
    return text !== undefined && textDigest(text) === stored.digest ? text : undefined;
  }

  indexOf(filePath: string): ModuleIndex | undefined {
    const file = path.resolve(filePath);
    this.asked(FILE_KEY, file);
    const stored = this.modules.get(file);
    if (!stored) return undefined;
    return stored.index ?? this.indexDeferred(file, stored);
  }

  /**
   * Indexes a file stored without an index, from its text kept or on disk. Its classes join the secondary
   * indexes without counting as changed answers: a module that cannot use SQLAlchemy has no class
   * that a question about models would keep (see cannotUseSqlAlchemy).
   */
  private indexDeferred(file: string, stored: StoredModule): ModuleIndex {
    const text = stored.text ?? readSource(file).text;
    let index: ModuleIndex = { file, names: new Map(), classes: new Map() };
    if (text !== undefined && this.parser) {
      const tree = parseText(this.parser, text);
      try {
        index = indexModule(ModuleModel.ofModule(text, tree), file);
      } finally {
        tree.delete();
      }
    }
    stored.index = index;
    if (text !== undefined && stored.text === undefined) stored.digest = textDigest(text);
    // Its module names are in the secondary indexes already.
    this.addKeys(file, this.keysOf(file, index, false));
    return index;
  }

  /** Parses a stored file and hands its model to `use`; the tree is freed afterwards. */
  withModel<T>(filePath: string, use: (model: ModuleModel) => T): T | undefined {
    const text = this.textOf(filePath);
    if (text === undefined || !this.parser) return undefined;
    const tree = parseText(this.parser, text);
    try {
      return use(new ModuleModel(text, tree));
    } finally {
      tree.delete();
    }
  }

  /** Queries as seen from one file, whose current index (say, of unsaved or half-fixed text) replaces the stored one. */
  view(filePath: string, current?: ModuleIndex): ProjectView {
    const file = path.resolve(filePath);
    return new ProjectView(this, file, current ?? this.indexOf(file) ?? { file, names: new Map(), classes: new Map() });
  }

  /** Files that define a module of this dotted name, nearest to `from` first. */
  filesOfModule(dotted: string, from: string): string[] {
    this.asked(MODULE_KEY, dotted);
    const files = [...(this.byModuleName.get(dotted) ?? [])];
    return files.sort((a, b) => commonPrefix(b, from) - commonPrefix(a, from) || a.localeCompare(b));
  }

  filesWithClass(name: string): string[] {
    this.asked(CLASS_KEY, name);
    return [...(this.byClassName.get(name) ?? [])];
  }

  filesWithTable(table: string): string[] {
    this.asked(TABLE_KEY, table);
    return [...(this.byTable.get(table) ?? [])];
  }

  filesWithSuperclass(name: string): string[] {
    this.asked(SUPERCLASS_KEY, name);
    return [...(this.bySuperclassName.get(name) ?? [])];
  }

  /**
   * Per question (a key of a secondary index, or a file): how many times files changed its
   * answer, in all and per file. What an open document's findings depend on is the questions its
   * analyses asked (`recordQueries`); a file that answers none of them cannot change them.
   */
  private readonly keyChanges = new Map<string, { total: number; byFile: Map<string, number> }>();
  private recording: Set<string> | undefined;

  /** Runs `work` and returns, with its result, the questions it asked of these models. */
  recordQueries<T>(work: () => T): { result: T; questions: Set<string> } {
    const outer = this.recording;
    const questions = new Set<string>();
    this.recording = questions;
    try {
      return { result: work(), questions };
    } finally {
      this.recording = outer;
      if (outer) for (const question of questions) outer.add(question);
    }
  }

  /** How many times files other than this one changed the answer to a recorded question. */
  changesOutsideOf(question: string, filePath: string): number {
    const changes = this.keyChanges.get(question);
    return changes ? changes.total - (changes.byFile.get(path.resolve(filePath)) ?? 0) : 0;
  }

  /**
   * How many files other than `filePath` answer a recorded question now. Within a cold scan files
   * are only added, so a count above the one an analysis saw means an answer it did not have.
   */
  answersOutsideOf(question: string, filePath: string): number {
    const file = path.resolve(filePath);
    const kindEnd = question.indexOf('\u0000') + 1;
    const kind = question.slice(0, kindEnd);
    const key = question.slice(kindEnd);
    if (kind === FILE_KEY) return key !== file && this.modules.has(key) ? 1 : 0;
    const files = this.indexOfKind.get(kind)?.get(key);
    return files ? files.size - (files.has(file) ? 1 : 0) : 0;
  }

  private asked(kind: string, key: string): void {
    this.recording?.add(kind + key);
  }

  /** How many times a file was stored or removed: equal counts, same answers. */
  get changeCount(): number {
    return this.changes;
  }

  /** Every answer that a file's index takes part in changes. */
  private answersChanged(file: string, index: ModuleIndex | undefined): void {
    this.changes++;
    const count = (question: string) => {
      let changes = this.keyChanges.get(question);
      if (!changes) this.keyChanges.set(question, (changes = { total: 0, byFile: new Map() }));
      changes.total++;
      changes.byFile.set(file, (changes.byFile.get(file) ?? 0) + 1);
    };
    count(FILE_KEY + file);
    for (const [, kind, keys] of this.keysOf(file, index)) for (const key of keys) count(kind + key);
  }

  private store(file: string, index: ModuleIndex, text: string): void {
    this.remove(file);
    this.link(file, { index, text });
  }

  private link(file: string, stored: StoredModule): void {
    this.modules.set(file, stored);
    this.answersChanged(file, stored.index);
    this.addKeys(file, this.keysOf(file, stored.index));
  }

  private addKeys(file: string, keysOf: Array<[Map<string, Set<string>>, string, string[]]>): void {
    for (const [map, , keys] of keysOf) {
      for (const key of keys) {
        let files = map.get(key);
        if (!files) map.set(key, (files = new Set()));
        files.add(file);
      }
    }
  }

  private unlink(file: string): void {
    const stored = this.modules.get(file);
    if (!stored) return;
    this.modules.delete(file);
    this.answersChanged(file, stored.index);
    for (const [map, , keys] of this.keysOf(file, stored.index)) for (const key of keys) map.get(key)?.delete(file);
  }

  /**
   * Each secondary index, the kind of question it answers, and the keys this file has in it. A
   * file without its index yet has its module names only.
   */
  private keysOf(file: string, index: ModuleIndex | undefined, withModuleNames = true): Array<[Map<string, Set<string>>, string, string[]]> {
    const classes = index ? [...index.classes.values()] : [];
    return [
      [this.byModuleName, MODULE_KEY, withModuleNames ? moduleNamesOf(file) : []],
      [this.byClassName, CLASS_KEY, classes.map((c) => c.name)],
      // A class without `__tablename__` may be a Flask-SQLAlchemy model, whose table is named after it.
      [this.byTable, TABLE_KEY, classes.map((c) => c.tablename ?? snakeCase(c.name))],
      [this.bySuperclassName, SUPERCLASS_KEY, classes.flatMap((c) => c.superclasses.map((s) => s.path[s.path.length - 1] ?? s.head))],
    ];
  }
}

/** `/src/app/models.py` → `models`, `app.models`, `src.app.models`; a package's `__init__.py` names the package. */
export function moduleNamesOf(file: string): string[] {
  const parts = file.split(/[\\/]/).filter((p) => p.length > 0);
  const last = parts.pop();
  if (!last?.endsWith('.py')) return [];
  if (last !== '__init__.py') parts.push(last.slice(0, -3));
  const names: string[] = [];
  for (let i = parts.length - 1; i >= 0 && parts.length - i <= MAX_MODULE_DEPTH; i--) {
    const candidate = parts.slice(i);
    if (!candidate.every((p) => /^[A-Za-z_]\w*$/.test(p))) break;
    names.push(candidate.join('.'));
  }
  return names;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

const views = new ModelMemo<ProjectView>();

/**
 * The model view the rules of one analysis share: the project's, with this module indexed afresh
 * (its text may be newer than the project's copy), or this module alone when there is no project.
 */
export function projectViewOf(model: ModuleModel, models?: ProjectModels, filePath?: string): ProjectView {
  let view = views.get(model);
  if (view) return view;
  const file = filePath ? path.resolve(filePath) : path.resolve('<module>.py');
  const index = moduleIndexOf(model, file);
  view = models ? models.view(file, index) : new ProjectView(undefined, file, index);
  views.set(model, view);
  return view;
}

const indexes = new ModelMemo<{ file: string; index: ModuleIndex }>();

/** The module's index, made once per model: the rules' view and the project's copy share it. */
export function moduleIndexOf(model: ModuleModel, file: string): ModuleIndex {
  const cached = indexes.get(model);
  if (cached && cached.file === file) return cached.index;
  const index = indexModule(model, file);
  indexes.set(model, { file, index });
  return index;
}
