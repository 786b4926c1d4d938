import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Finding } from '../rules/types';
import type { LineIndex } from '../engine/lines';

/**
 * A baseline records today's findings so CI fails only on new ones. Entries are keyed by file,
 * code and a fingerprint of the flagged code (not its line number), so edits elsewhere in the
 * file do not turn old findings into new ones.
 */
export interface BaselineEntry {
  path: string;
  code: string;
  fingerprint: string;
}

interface BaselineFile {
  tool: 'sqla-upgrade';
  version: 1;
  findings: BaselineEntry[];
}

/** Fingerprints of a file's findings; repeats of the same code on the same text are numbered. */
export function fingerprints(text: string, lines: LineIndex, findings: Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const line = lines.lineOf(finding.start);
    const context = text.slice(lines.lineStart(line), lines.lineEnd(line)).trim();
    const flagged = text.slice(finding.start, finding.end).replace(/\s+/g, ' ');
    const base = createHash('sha256').update(`${finding.code}\n${context}\n${flagged}`).digest('hex').slice(0, 16);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return `${base}:${count}`;
  });
}

/** Paths in a baseline are relative to the baseline file, with forward slashes. */
export function baselinePath(baselineFile: string, file: string): string {
  return path.relative(path.dirname(path.resolve(baselineFile)), path.resolve(file)).split(path.sep).join('/');
}

export function writeBaseline(file: string, entries: BaselineEntry[]): void {
  const content: BaselineFile = { tool: 'sqla-upgrade', version: 1, findings: [...entries].sort((a, b) => (a.path + a.code + a.fingerprint).localeCompare(b.path + b.code + b.fingerprint)) };
  fs.writeFileSync(file, JSON.stringify(content, null, 2) + '\n');
}

/** The baseline's keys; throws with a readable message when the file is not a baseline. */
export function readBaseline(file: string): Set<string> {
  let data: BaselineFile;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8')) as BaselineFile;
  } catch (error) {
    throw new Error(`cannot read baseline ${file}: ${(error as Error).message}`);
  }
  if (data?.tool !== 'sqla-upgrade' || data.version !== 1 || !Array.isArray(data.findings)) throw new Error(`${file} is not a sqla-upgrade baseline`);
  return new Set(data.findings.map(baselineKey));
}

export function baselineKey(entry: BaselineEntry): string {
  return `${entry.path}\u0000${entry.code}\u0000${entry.fingerprint}`;
}
