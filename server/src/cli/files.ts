import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import ignore, { type Ignore } from 'ignore';
import { timeSlices } from '../engine/timeSlices';

/** Folders that hold other people's code or tool state, never the project's sources. */
const SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'site-packages', '__pycache__', '.tox', '.nox', '.venv', 'venv', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'dist-packages']);

function isVirtualenv(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'pyvenv.cfg'));
}

export interface PathProblem {
  path: string;
  message: string;
}

export interface CollectedFiles {
  files: string[];
  /** Paths that could not be read: errors. */
  problems: PathProblem[];
  /** Symbolic links leading out of the folder they were found in: left alone, and said so. */
  skipped: PathProblem[];
  /** For each file, the real path of the folder a rewrite of it must stay inside. */
  roots: Map<string, string>;
}

/** True when `child` (a real path) lies strictly inside the folder `root` (a real path). */
export function isInsideFolder(child: string, root: string): boolean {
  const relative = path.relative(root, child);
  return relative !== '' && relative !== '..' && !relative.startsWith('..' + path.sep) && !path.isAbsolute(relative);
}

function realPathOrUndefined(file: string): string | undefined {
  try {
    return fs.realpathSync(file);
  } catch {
    return undefined;
  }
}

/** What a folder's walk leaves out besides the folders every walk skips. */
export interface WalkOptions {
  /**
   * Leave out what the `.gitignore` files in the folder ignore. Those above it are not read (as
   * VS Code's search does by default): a folder opened from inside an ignored one is still walked.
   */
  respectGitIgnore?: boolean;
  /**
   * With `respectGitIgnore`, also read the `.gitignore` files above a walked folder, up to the root
   * of the git repository holding it, as git, ripgrep and ruff do. A folder that those files ignore
   * but that was named to be walked is walked with its own `.gitignore` files only.
   */
  parentGitIgnores?: boolean;
  /**
   * Paths to leave out, relative to the walked folder with `/` separators; a folder left out is
   * not entered.
   */
  excluded?: (relative: string, isFolder: boolean, full: string) => boolean;
}

/**
 * The Python files under the given paths, in a stable order, as given or joined onto the given folder.
 * A folder's walk never follows symbolic links: one leading outside the folder is reported as
 * skipped, one leading inside it needs no following since the walk reaches its target anyway.
 * A file named directly may be a link, as long as its target lies in the folder holding the name.
 */
export function collectPythonFiles(inputs: string[], options: WalkOptions = {}): CollectedFiles {
  const collected = emptyCollection();
  for (const _ of walkInputs(inputs, options, collected)) {
    // Each step reads one folder; a synchronous caller takes them all at once.
  }
  return collected;
}

/**
 * The same, giving the event loop a turn whenever the walk has held it for `sliceMs`: a language
 * server walking a large tree keeps answering the editor meanwhile.
 */
export async function collectPythonFilesAsync(inputs: string[], options: WalkOptions = {}, sliceMs = 8): Promise<CollectedFiles> {
  const collected = emptyCollection();
  const nextSlice = timeSlices(sliceMs);
  for (const _ of walkInputs(inputs, options, collected)) await nextSlice();
  return collected;
}

function emptyCollection(): CollectedFiles {
  return { files: [], problems: [], skipped: [], roots: new Map() };
}

/** Walks the inputs into `out`, pausing (yielding) after each folder it reads. */
function* walkInputs(inputs: string[], options: WalkOptions, out: CollectedFiles): Generator<void> {
  const { files, problems, skipped, roots } = out;
  const seen = new Set<string>();
  const add = (file: string, real: string, root: string) => {
    // Keyed by the real path: a file reached under two names is fixed once.
    if (!seen.has(real)) {
      seen.add(real);
      files.push(file);
      roots.set(file, root);
    }
  };
  const skipLink = (link: string, target: string, root: string) => skipped.push({ path: link, message: `symbolic link to ${target}, outside ${root}` });
  function* walk(dir: string, root: string, top: string, ignores: GitIgnoreLevel[]): Generator<void> {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: dir, message: `cannot read folder: ${(error as Error).message}` });
      return;
    }
    const levels = options.respectGitIgnore && entries.some((entry) => entry.name === '.gitignore') ? withGitIgnoreOf(dir, ignores) : ignores;
    yield;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const leftOut = (full: string, isFolder: boolean) => leftOutBy(options, top, levels, full, isFolder);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        if (SKIPPED_DIRS.has(entry.name)) continue;
        const target = realPathOrUndefined(full);
        if (target === undefined || isInsideFolder(target, root)) continue;
        const targetIsFolder = fs.statSync(target, { throwIfNoEntry: false })?.isDirectory() ?? false;
        if ((targetIsFolder || entry.name.endsWith('.py')) && !leftOut(full, targetIsFolder)) skipLink(full, target, root);
      } else if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name) || isVirtualenv(full) || leftOut(full, true)) continue;
        yield* walk(full, root, top, levels);
      } else if (entry.isFile() && entry.name.endsWith('.py') && !leftOut(full, false)) add(full, realPathOrUndefined(full) ?? path.resolve(full), root);
    }
  }
  for (const input of inputs) {
    let stat: fs.Stats;
    let real: string;
    try {
      stat = fs.statSync(input);
      real = fs.realpathSync(input);
    } catch {
      problems.push({ path: input, message: 'no such file or folder' });
      continue;
    }
    if (stat.isDirectory()) {
      yield* walk(input, real, input, levelsAbove(input, options));
      continue;
    }
    const root = realPathOrUndefined(path.dirname(path.resolve(input)));
    if (root === undefined) problems.push({ path: input, message: 'no such file or folder' });
    else if (!isInsideFolder(real, root)) skipLink(input, real, root);
    else add(input, real, root);
  }
}

/** The patterns of one `.gitignore` file, which apply to paths below its folder. */
interface GitIgnoreLevel {
  folder: string;
  rules: Ignore;
}

/** The levels so far, plus the folder's own `.gitignore` when it has one. */
function withGitIgnoreOf(folder: string, levels: GitIgnoreLevel[]): GitIgnoreLevel[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(folder, '.gitignore'), 'utf8');
  } catch {
    return levels;
  }
  return [...levels, { folder, rules: ignore().add(text) }];
}

/**
 * The `.gitignore` levels of the folders above `folder` up to its git repository's root (the
 * nearest one holding `.git`), outermost first; none outside a repository, or when they ignore
 * the folder itself.
 */
function gitIgnoresAbove(folder: string): GitIgnoreLevel[] {
  const above: string[] = [];
  for (let dir = path.resolve(folder); !fs.existsSync(path.join(dir, '.git')); ) {
    const parent = path.dirname(dir);
    if (parent === dir) return [];
    above.unshift(parent);
    dir = parent;
  }
  let levels: GitIgnoreLevel[] = [];
  for (const dir of above) levels = withGitIgnoreOf(dir, levels);
  return gitIgnores(levels, path.resolve(folder), true) ? [] : levels;
}

/** The `.gitignore` levels a walk of `folder` starts from. */
function levelsAbove(folder: string, options: WalkOptions): GitIgnoreLevel[] {
  return options.respectGitIgnore && options.parentGitIgnores ? gitIgnoresAbove(folder) : [];
}

/** As git decides: the deepest `.gitignore` with a pattern for the path (ignoring or not) wins. */
function gitIgnores(levels: GitIgnoreLevel[], full: string, isFolder: boolean): boolean {
  let ignored = false;
  for (const { folder, rules } of levels) {
    const relative = path.relative(folder, full).split(path.sep).join('/') + (isFolder ? '/' : '');
    const verdict = rules.test(relative);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}

/** Whether the options leave a path out: their exclusion, or the `.gitignore` levels that apply there. */
function leftOutBy(options: WalkOptions, top: string, levels: GitIgnoreLevel[], full: string, isFolder: boolean): boolean {
  return (!!options.excluded && options.excluded(path.relative(top, full).split(path.sep).join('/'), isFolder, full)) || gitIgnores(levels, full, isFolder);
}

/**
 * Whether a walk of `folder` with these options leaves out a file below it: the file itself or
 * one of the folders between. What the walk decides, for one file (say, one a watcher reports).
 */
export function isLeftOutOfWalk(folder: string, file: string, options: WalkOptions): boolean {
  const relative = path.relative(folder, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
  const withLevel = (dir: string, levels: GitIgnoreLevel[]) => (options.respectGitIgnore ? withGitIgnoreOf(dir, levels) : levels);
  let levels = withLevel(folder, levelsAbove(folder, options));
  let dir = folder;
  for (const part of relative.split(path.sep).slice(0, -1)) {
    dir = path.join(dir, part);
    if (leftOutBy(options, folder, levels, dir, true)) return true;
    levels = withLevel(dir, levels);
  }
  return leftOutBy(options, folder, levels, file, false);
}

/** Whether git ignores a file under `folder` (a walk with `respectGitIgnore` leaves it out). */
export function isGitIgnored(folder: string, file: string): boolean {
  return isLeftOutOfWalk(folder, file, { respectGitIgnore: true });
}

/** Reads a file as UTF-8; undefined (with a reason) when it is not valid UTF-8 text. */
export function readSource(file: string): { text?: string; bom?: boolean; error?: string } {
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch (error) {
    return { error: `cannot read: ${(error as Error).message}` };
  }
  return decodeSource(buffer);
}

/** A file's bytes as UTF-8 text; undefined (with a reason) when they are not valid UTF-8 text. */
export function decodeSource(buffer: Uint8Array): { text?: string; bom?: boolean; error?: string } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
    if (text.includes('\u0000')) return { error: 'binary file (contains NUL bytes)' };
    // The decoder drops a byte-order mark; remember it so that a rewrite keeps it.
    return { text, bom: buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf };
  } catch {
    return { error: 'not valid UTF-8 text' };
  }
}

/**
 * Replaces a file's content through a temporary file and a rename, keeping its permissions.
 * A symbolic link is resolved and its target gets the new content, so the link stays a link; the
 * target must lie inside `root` (a real path), else nothing is written.
 */
export function writeAtomically(given: string, text: string, root: string): void {
  const file = fs.realpathSync(given);
  if (!isInsideFolder(file, root)) throw new Error(`${file} lies outside ${root}`);
  const mode = fs.statSync(file).mode & 0o7777;
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.sqla-upgrade-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx' creates a new file and never opens something already there, such as a planted link.
    fs.writeFileSync(temp, text, { mode, flag: 'wx' });
    fs.chmodSync(temp, mode);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
