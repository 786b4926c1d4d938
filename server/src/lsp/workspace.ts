import * as fs from 'fs';
import * as path from 'path';
import { URI } from 'vscode-uri';
import { Minimatch, minimatch } from 'minimatch';
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { AnalysisEngine } from '../engine/engine';
import { analyze } from '../engine/analyze';
import { skipReason } from '../engine/limits';
import { parseText } from '../parse/parser';
import { moduleIndexOf, textDigest, type IndexEntry, type ProjectModels } from '../semantics/projectModels';
import { collectPythonFilesAsync, isLeftOutOfWalk, readSource, type WalkOptions } from '../cli/files';
import { summarize, type QuestionAnswers } from '../engine/scanFile';
import { projectModuleRoots } from '../engine/standalone';
import { ScanPool, type FileResult, type ScanGroup, type ScanHandle, type ScanOutcome, type ScanSettings } from '../engine/scanPool';
import type { FileProgress, FindingSummary, ProgressReport } from '../protocol';
import { ProgressChangedNotification } from '../protocol';
import type { Settings, SettingsCache } from './settings';
import { projectOptions } from './projectOptions';

// Where the summaries are made (the scan workers make them too); kept importable from here.
export { summarize };

/** How far below the main thread the scan workers run (where the system lets a thread lower itself). */
export const SCAN_NICENESS = 10;

/** How long scanned files' indexes wait before they join the project's models. */
const INDEX_FLUSH_MS = 5000;
/** Scanned files' indexes stored per turn of the event loop (about a millisecond's work). */
const INDEX_FLUSH_SLICE = 25;
/** How long the models stay as they are before the closed files that depend on a change are analyzed again. */
const DEPENDENTS_DELAY_MS = 1500;

function isExcluded(file: string, folder: string, settings: Settings): boolean {
  const relative = path.relative(folder, file).split(path.sep).join('/');
  return settings.exclude.some((glob) => minimatch(relative, glob, { dot: true }));
}

/**
 * What the workspace scan leaves out of a folder besides `sqlaUpgrade.exclude`: `files.exclude`
 * (a folder it names is not entered) and, unless turned off, what `.gitignore` files ignore.
 */
function scanExclusion(settings: Settings): WalkOptions {
  const own = settings.exclude.map((glob) => new Minimatch(glob, { dot: true }));
  const hidden = settings.filesExclude.map(({ glob, when }) => ({ pattern: new Minimatch(glob, { dot: true }), when }));
  return {
    respectGitIgnore: settings.respectGitIgnore,
    excluded: (relative, isFolder, full) =>
      (!isFolder && own.some((pattern) => pattern.match(relative))) ||
      hidden.some(({ pattern, when }) => pattern.match(relative) && (when === undefined || siblingExists(full, when))),
  };
}

/** The part of a folder's settings its scanned files need. */
function scanSettings(settings: Settings, projectRoots: ReadonlySet<string> | undefined): ScanSettings {
  return { rules: settings.rules, targetVersion: settings.targetVersion, maxFileSizeMB: settings.maxFileSizeMB, projectRoots };
}

/** A `when` clause of `files.exclude`: `$(basename)` stands for the name without its extension. */
function siblingExists(full: string, when: string): boolean {
  const name = path.basename(full, path.extname(full));
  return fs.existsSync(path.join(path.dirname(full), when.split('$(basename)').join(name)));
}

/**
 * The workspace's Python files and their findings: filled by a background scan (with
 * `window/workDoneProgress`), kept current by open-document analysis and file events.
 */
export class WorkspaceIndex {
  private readonly files = new Map<string, FileProgress>();
  private folders: string[] = [];
  private scanState = { running: false, done: 0, total: 0 };
  private scanGeneration = 0;
  private notifyTimer: NodeJS.Timeout | undefined;
  private running: ScanHandle | undefined;
  private pendingIndexes: IndexEntry[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  /** The batch being stored, slice by slice. */
  private flushing: Promise<void> | undefined;
  private readonly pool: ScanPool;
  /**
   * Per closed file (by path): the questions its last analysis asked of the other files' models,
   * each with how often other files had changed its answer by then (ProjectModels.changesOutsideOf).
   */
  private readonly dependencies = new Map<string, Array<[question: string, changesSeen: number]>>();
  private dependentsTimer: NodeJS.Timeout | undefined;
  /** The models' change count when the dependents' check was last scheduled. */
  private changesScheduled = -1;
  private rechecking: Promise<void> | undefined;
  /** The first names of the project's modules, as the last scan found them (see ScanSettings). */
  private projectRoots: ReadonlySet<string> | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly engine: AnalysisEngine,
    private readonly settings: SettingsCache,
    /** Open documents are analyzed from the editor's text, not from disk. */
    private readonly isOpen: (uri: string) => boolean,
    /** Mapped classes of the whole workspace, shared with the open-document analysis. */
    readonly models: ProjectModels,
    /** The workers of the cold scan; by default one per core. */
    pool?: ScanPool,
  ) {
    // A fresh worker starts from the models known so far; a file a worker cannot finish is analyzed
    // against them. The workers run below the main thread: an edit's diagnostics come before the scan.
    this.pool = pool ?? new ScanPool({ seed: () => this.models.entries(), models, niceness: SCAN_NICENESS });
  }

  setFolders(uris: string[]): void {
    this.folders = uris.map((u) => URI.parse(u)).filter((u) => u.scheme === 'file').map((u) => u.fsPath);
  }

  /** True when the file lies in a workspace folder and matches one of its `sqlaUpgrade.exclude` globs. */
  isExcluded(uri: string, settings: Settings): boolean {
    const parsed = URI.parse(uri);
    if (parsed.scheme !== 'file' || settings.exclude.length === 0) return false;
    const folder = this.folders.find((f) => parsed.fsPath.startsWith(f + path.sep));
    return !!folder && isExcluded(parsed.fsPath, folder, settings);
  }

  get uris(): string[] {
    return [...this.files.keys()];
  }

  entry(uri: string): FileProgress | undefined {
    return this.files.get(uri);
  }

  /**
   * Scans every folder again; a scan already running is abandoned. The files go to the worker
   * pool; their results stream into the report as they arrive, so that the main thread stays free
   * for the open documents.
   */
  async scan(): Promise<void> {
    const generation = ++this.scanGeneration;
    this.running?.cancel();
    this.running = undefined;
    const progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
    const found: Array<{ file: string; folder: string; settings: Settings }> = [];
    for (const folder of this.folders) {
      const settings = await this.settings.get(URI.file(folder).toString());
      if (!settings.enable) continue;
      // Walked a slice at a time: edits arriving meanwhile are served between the slices.
      for (const file of (await collectPythonFilesAsync([folder], scanExclusion(settings))).files) found.push({ file, folder, settings });
    }
    if (generation !== this.scanGeneration) {
      progress?.done();
      return;
    }
    const keep = new Set(found.map((f) => URI.file(f.file).toString()));
    for (const uri of this.files.keys()) if (!keep.has(uri) && !this.isOpen(uri)) this.files.delete(uri);
    for (const file of this.dependencies.keys()) if (!keep.has(URI.file(file).toString())) this.dependencies.delete(file);
    this.scanState = { running: true, done: 0, total: found.length };
    progress?.begin('SQLAlchemy Upgrade: scanning', 0, `0/${found.length} files`, true);
    // Files open in the editor are analyzed from its text: they count as done at once.
    const groups = new Map<Settings, ScanGroup>();
    const projectRoots = projectModuleRoots(found.map((f) => f.file));
    this.projectRoots = projectRoots;
    for (const { file, settings } of found) {
      if (this.isOpen(URI.file(file).toString())) {
        this.scanState.done++;
        continue;
      }
      let group = groups.get(settings);
      if (!group) groups.set(settings, (group = { files: [], settings: scanSettings(settings, projectRoots) }));
      group.files.push(file);
    }
    let lastReport = Date.now();
    const reportNow = () => {
      lastReport = Date.now();
      progress?.report(Math.floor((100 * this.scanState.done) / Math.max(1, found.length)), `${this.scanState.done}/${found.length} files`);
      this.changed();
    };
    const answered = new Map<string, QuestionAnswers>();
    const first = await this.runScan([...groups.values()], progress?.token, (result) => {
      if (this.received(result) && result.status === 'analyzed' && result.answers) answered.set(result.file, result.answers);
      this.scanState.done++;
      if (Date.now() - lastReport > 100) reportNow();
    });
    await this.flushIndexes();
    // A file analyzed before a file it asked about (scanned later, or by the other worker) is
    // analyzed again, now that every file's classes are known: the scan's answers do not depend
    // on the order the files went through the workers.
    const recheck = first.cancelled || generation !== this.scanGeneration ? [] : this.filesToRecheck(answered, groups);
    if (recheck.length > 0) {
      const count = recheck.reduce((n, group) => n + group.files.length, 0);
      progress?.report(100, `${found.length}/${found.length} files; rechecking ${count} that use files scanned after them`);
      await this.runScan(recheck, progress?.token, (result) => {
        // Same text as in the first pass: same index, which the models have already.
        const storeIndex = result.status !== 'analyzed' || result.digest !== this.models.digestOf(result.file);
        if (this.received(result, storeIndex) && result.status === 'analyzed' && result.answers) answered.set(result.file, result.answers);
      });
      await this.flushIndexes();
    }
    if (generation === this.scanGeneration) {
      // From here on, a change of the models analyzes again the closed files it concerns.
      for (const [file, answers] of answered) this.recordDependencies(file, answers.map(([question]) => question));
      this.scanState.running = false;
      this.running = undefined;
    }
    progress?.done();
    this.changed();
  }

  /** One pass of the pool over the groups, cancelled with the progress. */
  private async runScan(groups: ScanGroup[], token: CancellationToken | undefined, onResult: (result: FileResult) => void): Promise<ScanOutcome> {
    const handle = this.pool.scan(groups, onResult);
    this.running = handle;
    const cancelled = token?.onCancellationRequested(() => handle.cancel());
    try {
      return await handle.done;
    } finally {
      cancelled?.dispose();
    }
  }

  private recordDependencies(file: string, questions: Iterable<string>): void {
    const seen: Array<[string, number]> = [];
    for (const question of questions) seen.push([question, this.models.changesOutsideOf(question, file)]);
    this.dependencies.set(file, seen);
  }

  /** When the models changed, the closed files that asked about the change are analyzed again once they rest. */
  private scheduleDependentsCheck(): void {
    const changes = this.models.changeCount;
    if (this.dependencies.size === 0 || changes === this.changesScheduled) return;
    this.changesScheduled = changes;
    this.checkDependentsLater();
  }

  private checkDependentsLater(): void {
    clearTimeout(this.dependentsTimer);
    this.dependentsTimer = setTimeout(() => {
      this.dependentsTimer = undefined;
      // A scan analyzes every file anyway; a recheck under way is waited for.
      if (this.scanState.running || this.rechecking) this.checkDependentsLater();
      else this.rechecking = this.recheckDependents().finally(() => (this.rechecking = undefined));
    }, DEPENDENTS_DELAY_MS);
  }

  /** Analyzes again, in the scan workers, the closed files for which another file changed an answer their analysis used. */
  private async recheckDependents(): Promise<void> {
    const stale: string[] = [];
    for (const [file, questions] of this.dependencies) {
      if (this.isOpen(URI.file(file).toString())) continue;
      if (questions.some(([question, seen]) => this.models.changesOutsideOf(question, file) !== seen)) stale.push(file);
    }
    if (stale.length === 0) return;
    // The workers answer from the open documents' current text, as the models do.
    for (const entry of this.models.entries()) if (this.isOpen(URI.file(entry.file).toString())) this.pool.share(entry);
    const groups = new Map<Settings, ScanGroup>();
    for (const file of stale) {
      const folder = this.folders.find((f) => file.startsWith(f + path.sep));
      const settings = await this.settings.get(URI.file(folder ?? file).toString());
      let group = groups.get(settings);
      if (!group) groups.set(settings, (group = { files: [], settings: scanSettings(settings, this.projectRoots) }));
      group.files.push(file);
    }
    const progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('SQLAlchemy Upgrade: rechecking', undefined, `${stale.length} ${stale.length === 1 ? 'file uses' : 'files use'} changed files`, true);
    await this.runScan([...groups.values()], progress?.token, (result) => {
      if (result.status !== 'analyzed') {
        this.dependencies.delete(result.file);
        this.received(result);
        return;
      }
      // A file that also changed on disk brings its new index along; the others' are as stored.
      if (this.received(result, result.digest !== this.models.digestOf(result.file)) && result.answers) {
        this.recordDependencies(result.file, result.answers.map(([question]) => question));
      }
    });
    if (this.running && !this.scanState.running) this.running = undefined;
    progress?.done();
    this.changed();
  }

  /** The scanned files, by group, that the models now answer more of their questions for than when they were analyzed. */
  private filesToRecheck(answered: Map<string, QuestionAnswers>, groups: Map<Settings, ScanGroup>): ScanGroup[] {
    const result: ScanGroup[] = [];
    for (const group of groups.values()) {
      const files = group.files.filter((file) => {
        const answers = answered.get(file);
        return !!answers && !this.isOpen(URI.file(file).toString()) && answers.some(([question, count]) => this.models.answersOutsideOf(question, file) > count);
      });
      if (files.length > 0) result.push({ files, settings: group.settings });
    }
    return result;
  }

  /** The main thread serves an edit of an open document: the scan workers wait until `editorServed` with the number returned. */
  editorBusy(): number {
    return this.pool.pauseForEditor();
  }

  editorServed(pause: number): void {
    this.pool.resumeAfterEditor(pause);
  }

  /** Ends the scan workers; the index answers from what it has. */
  dispose(): void {
    this.running?.cancel();
    this.pool.dispose();
    clearTimeout(this.notifyTimer);
    clearTimeout(this.flushTimer);
    clearTimeout(this.dependentsTimer);
  }

  /** One file's result from the pool; false when the editor's text of the file wins. */
  private received(result: FileResult, storeIndex = true): boolean {
    const uri = URI.file(result.file).toString();
    // Opened while the scan ran: the editor's text wins.
    if (this.isOpen(uri)) return false;
    if (result.status === 'skipped') {
      this.files.delete(uri);
      return true;
    }
    this.files.set(uri, { uri, usesSqlAlchemy: result.usesSqlAlchemy, findings: result.findings });
    if (!storeIndex) return true;
    this.pendingIndexes.push({ file: result.file, index: result.index, digest: result.digest });
    this.flushTimer ??= setTimeout(() => void this.flushIndexes(), INDEX_FLUSH_MS);
    return true;
  }

  /**
   * The scanned files' classes join the project's models in batches: every change of the models
   * makes an open document's next analysis a whole one instead of an incremental one. A batch is
   * stored a slice of files per turn of the event loop, so that an edit arriving meanwhile waits
   * for one slice, not for the batch.
   */
  private flushIndexes(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing ??= this.storePendingIndexes().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async storePendingIndexes(): Promise<void> {
    while (this.pendingIndexes.length > 0) {
      this.models.storeIndexes(this.pendingIndexes.splice(0, INDEX_FLUSH_SLICE));
      if (this.pendingIndexes.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** A file changed on disk (or was created): analyze it unless the editor holds it. */
  async fileChanged(uri: string): Promise<void> {
    if (this.isOpen(uri)) return;
    const parsed = URI.parse(uri);
    if (parsed.scheme !== 'file' || !parsed.fsPath.endsWith('.py')) return;
    const folder = this.folders.find((f) => parsed.fsPath.startsWith(f + path.sep));
    const settings = await this.settings.get(folder ? URI.file(folder).toString() : uri);
    if (!settings.enable || (folder && isLeftOutOfWalk(folder, parsed.fsPath, scanExclusion(settings)))) {
      this.files.delete(uri);
    } else this.analyzeFromDisk(uri, parsed.fsPath, settings);
    this.changed();
  }

  fileDeleted(uri: string): void {
    const parsed = URI.parse(uri);
    if (parsed.scheme === 'file') {
      // A scanned index still waiting for its batch would bring the file back.
      this.pendingIndexes = this.pendingIndexes.filter((entry) => path.resolve(entry.file) !== path.resolve(parsed.fsPath));
      this.models.remove(parsed.fsPath);
      this.pool.forget(parsed.fsPath);
      this.dependencies.delete(parsed.fsPath);
      this.scheduleDependentsCheck();
    }
    if (this.files.delete(uri)) this.changed();
  }

  /** The findings of an open document's current text. */
  updateOpen(uri: string, findings: FindingSummary[], usesSqlAlchemy: boolean): void {
    // Its analysis may have changed the models (a class edited, say).
    this.scheduleDependentsCheck();
    const before = this.files.get(uri);
    if (before && before.usesSqlAlchemy === usesSqlAlchemy && sameSummaries(before.findings, findings)) return;
    this.files.set(uri, { uri, usesSqlAlchemy, findings });
    this.changed();
  }

  /** A closed document goes back to what is on disk. */
  async closed(uri: string): Promise<void> {
    await this.fileChanged(uri);
  }

  report(): ProgressReport {
    const files = [...this.files.values()].filter((f) => f.usesSqlAlchemy || f.findings.length > 0).sort((a, b) => (a.uri < b.uri ? -1 : 1));
    return {
      files,
      filesUsingSqlAlchemy: files.length,
      filesMigrated: files.filter((f) => f.findings.length === 0).length,
      findingsLeft: files.reduce((n, f) => n + f.findings.length, 0),
      scan: { ...this.scanState },
    };
  }

  private analyzeFromDisk(uri: string, file: string, settings: Settings): void {
    const source = readSource(file);
    if (source.text === undefined || skipReason(source.text, settings.maxFileSizeMB)) {
      this.files.delete(uri);
      return;
    }
    const options = projectOptions(uri);
    if (!options) {
      this.files.delete(uri);
      return;
    }
    const text = source.text;
    const tree = parseText(this.engine.parser, text);
    try {
      const targetVersion = settings.targetVersion === '2.0' ? '2.0' : options.targetVersion;
      const { result: analysis, questions } = this.models.recordQueries(() => analyze(text, tree, { ...options, targetVersion, filePath: file, models: this.models }));
      // The mapped classes of every file feed the cross-file answers (relationship sides, column types).
      this.models.update(file, analysis.model);
      this.recordDependencies(file, questions);
      this.scheduleDependentsCheck();
      this.pool.share({ file, index: moduleIndexOf(analysis.model, path.resolve(file)), digest: textDigest(text) });
      this.files.set(uri, { uri, usesSqlAlchemy: analysis.model.usesSqlAlchemy, findings: summarize(analysis.findings, analysis.lines, settings) });
    } finally {
      tree.delete();
    }
  }

  /** Tells the client, at most every 150 ms, that the report changed. */
  private changed(): void {
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      const report = this.report();
      void this.connection.sendNotification(ProgressChangedNotification.type, { findingsLeft: report.findingsLeft, scanRunning: report.scan.running });
    }, 150);
  }
}

/** For tests and the report: a file URI as a path relative to the workspace folder that holds it. */
export function relativePath(uri: string, folders: string[]): string {
  const file = URI.parse(uri).fsPath;
  const folder = folders.find((f) => file.startsWith(f + path.sep));
  return folder ? path.relative(folder, file).split(path.sep).join('/') : file;
}

export function readFileText(uri: string): string | undefined {
  const parsed = URI.parse(uri);
  if (parsed.scheme !== 'file' || !fs.existsSync(parsed.fsPath)) return undefined;
  return readSource(parsed.fsPath).text;
}

/** Field by field: this runs after every edit of an open document, on hundreds of findings. */
function sameSummaries(a: FindingSummary[], b: FindingSummary[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.line !== y.line || x.character !== y.character || x.endLine !== y.endLine || x.endCharacter !== y.endCharacter) return false;
    if (x.code !== y.code || x.id !== y.id || x.step !== y.step || x.message !== y.message || x.fix !== y.fix || x.fixTitle !== y.fixTitle) return false;
  }
  return true;
}
