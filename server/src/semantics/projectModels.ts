import * as path from 'path';
import { createHash } from 'crypto';
import type { Parser } from 'web-tree-sitter';
import { parseText } from '../parse/parser';
import { readSource } from '../cli/files';
import { ModuleModel } from './model';
import { indexModule, type ModuleIndex } from './modelIndex';
import { ProjectView, snakeCase } from './projectView';

interface StoredModule {
  index: ModuleIndex;
  /** Kept for files indexed from a text in hand; a file indexed elsewhere (a scan worker) keeps its digest only. */
  text?: string;
  digest?: string;
}

/** One file's index computed elsewhere (say, in a scan worker), with the digest of the text it was computed from. */
export interface IndexEntry {
  file: string;
  index: ModuleIndex;
  digest: string;
}

/** A short fingerprint of a file's text: enough to tell whether the file on disk is still what was indexed. */
export function textDigest(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

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
      this.store(file, indexModule(new ModuleModel(source, tree), file), source);
    } finally {
      tree.delete();
    }
  }

  /**
   * Stores indexes computed elsewhere, without their texts (a closed file's text is read again
   * from disk when an edit needs it). The whole batch counts as one change, so that an open
   * document re-analyzed while a scan streams in is not analyzed from scratch for every file.
   */
  storeIndexes(entries: Iterable<IndexEntry>): void {
    let any = false;
    for (const { file: filePath, index, digest } of entries) {
      const file = path.resolve(filePath);
      this.unlink(file);
      this.link(file, { index, digest });
      any = true;
    }
    if (any) this.totalChanges++;
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

  remove(filePath: string): void {
    const file = path.resolve(filePath);
    if (!this.modules.has(file)) return;
    this.countChange(file);
    this.unlink(file);
  }

  has(filePath: string): boolean {
    return this.modules.has(path.resolve(filePath));
  }

  /**
   * The text a file was indexed from: edits to that file are offsets into it. For an index stored
   * without its text, the file on disk, if it still has the digest; undefined when it changed since.
   */
  textOf(filePath: string): string | undefined {
    const stored = this.modules.get(path.resolve(filePath));
    if (!stored) return undefined;
    if (stored.text !== undefined || stored.digest === undefined) return stored.text;
    const { text } = readSource(path.resolve(filePath));
    return text !== undefined && textDigest(text) === stored.digest ? text : undefined;
  }

  indexOf(filePath: string): ModuleIndex | undefined {
    return this.modules.get(path.resolve(filePath))?.index;
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
    const files = [...(this.byModuleName.get(dotted) ?? [])];
    return files.sort((a, b) => commonPrefix(b, from) - commonPrefix(a, from) || a.localeCompare(b));
  }

  filesWithClass(name: string): string[] {
    return [...(this.byClassName.get(name) ?? [])];
  }

  filesWithTable(table: string): string[] {
    return [...(this.byTable.get(table) ?? [])];
  }

  filesWithSuperclass(name: string): string[] {
    return [...(this.bySuperclassName.get(name) ?? [])];
  }

  private totalChanges = 0;
  private readonly changesByFile = new Map<string, number>();

  /** How many times files other than this one were indexed or removed: a change means its analysis may differ. */
  changesOutside(filePath: string): number {
    return this.totalChanges - (this.changesByFile.get(path.resolve(filePath)) ?? 0);
  }

  private countChange(file: string): void {
    this.totalChanges++;
    this.changesByFile.set(file, (this.changesByFile.get(file) ?? 0) + 1);
  }

  private store(file: string, index: ModuleIndex, text: string): void {
    this.remove(file);
    this.countChange(file);
    this.link(file, { index, text });
  }

  private link(file: string, stored: StoredModule): void {
    this.modules.set(file, stored);
    for (const [map, keys] of this.keysOf(file, stored.index)) {
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
    for (const [map, keys] of this.keysOf(file, stored.index)) for (const key of keys) map.get(key)?.delete(file);
  }

  private keysOf(file: string, index: ModuleIndex): Array<[Map<string, Set<string>>, string[]]> {
    const classes = [...index.classes.values()];
    return [
      [this.byModuleName, moduleNamesOf(file)],
      [this.byClassName, classes.map((c) => c.name)],
      // A class without `__tablename__` may be a Flask-SQLAlchemy model, whose table is named after it.
      [this.byTable, classes.map((c) => c.tablename ?? snakeCase(c.name))],
      [this.bySuperclassName, classes.flatMap((c) => c.superclasses.map((s) => s.path[s.path.length - 1] ?? s.head))],
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

const views = new WeakMap<ModuleModel, ProjectView>();

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

const indexes = new WeakMap<ModuleModel, { file: string; index: ModuleIndex }>();

/** The module's index, made once per model: the rules' view and the project's copy share it. */
export function moduleIndexOf(model: ModuleModel, file: string): ModuleIndex {
  const cached = indexes.get(model);
  if (cached && cached.file === file) return cached.index;
  const index = indexModule(model, file);
  indexes.set(model, { file, index });
  return index;
}
