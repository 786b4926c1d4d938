import * as fs from 'fs';
import * as path from 'path';

/** Folders that hold other people's code or tool state, never the project's sources. */
const SKIPPED_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules', 'site-packages', '__pycache__', '.tox', '.nox', '.venv', 'venv', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'dist-packages']);

function isVirtualenv(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'pyvenv.cfg'));
}

export interface PathProblem {
  path: string;
  message: string;
}

/** The Python files under the given paths, in a stable order, as given or joined onto the given folder. */
export function collectPythonFiles(inputs: string[]): { files: string[]; problems: PathProblem[] } {
  const files: string[] = [];
  const problems: PathProblem[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const key = path.resolve(file);
    if (!seen.has(key)) {
      seen.add(key);
      files.push(file);
    }
  };
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: dir, message: `cannot read folder: ${(error as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name) || isVirtualenv(full)) continue;
        walk(full);
      } else if (entry.isFile() && entry.name.endsWith('.py')) add(full);
    }
  };
  for (const input of inputs) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(input);
    } catch {
      problems.push({ path: input, message: 'no such file or folder' });
      continue;
    }
    if (stat.isDirectory()) walk(input);
    else add(input);
  }
  return { files, problems };
}

/** Reads a file as UTF-8; undefined (with a reason) when it is not valid UTF-8 text. */
export function readSource(file: string): { text?: string; bom?: boolean; error?: string } {
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(file);
  } catch (error) {
    return { error: `cannot read: ${(error as Error).message}` };
  }
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
 * A symbolic link is followed, so the link stays a link and its target gets the new content.
 */
export function writeAtomically(given: string, text: string): void {
  const file = fs.realpathSync(given);
  const mode = fs.statSync(file).mode & 0o7777;
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.sqla-upgrade-${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, text, { mode });
    fs.chmodSync(temp, mode);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}
