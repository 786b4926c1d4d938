import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Writes files (relative path → text) under a new temporary folder named with `prefix`; returns the folder. */
export function writeTempTree(prefix: string, files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}
