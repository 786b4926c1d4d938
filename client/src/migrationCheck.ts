/**
 * Checks that a workspace migration still fits the files it rewrites, right before it is applied.
 * Free of the `vscode` module, so that the same checks run in tests outside the editor.
 */
import { createHash } from 'crypto';
import type { DiskBase } from '../../server/src/protocol';

/** Lower-case hex SHA-256 of a file's bytes, as `DiskBase.sha256` holds it. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The closed files whose bytes on disk are no longer those the edit was computed from; an unreadable one counts as changed. */
export async function changedOnDisk(bases: readonly DiskBase[], read: (uri: string) => Promise<Uint8Array>): Promise<string[]> {
  const changed: string[] = [];
  for (const base of bases) {
    const bytes = await read(base.uri).catch(() => undefined);
    if (!bytes || sha256Hex(bytes) !== base.sha256) changed.push(base.uri);
  }
  return changed;
}

interface VersionedChange {
  textDocument?: { uri?: string; version?: number | null };
}

/** The open documents the edit was computed for whose version has moved on, or that are no longer open. */
export function movedDocuments(documentChanges: readonly unknown[], currentVersion: (uri: string) => number | undefined): string[] {
  const moved: string[] = [];
  for (const change of documentChanges as VersionedChange[]) {
    const document = change.textDocument;
    if (typeof document?.uri !== 'string' || typeof document.version !== 'number') continue;
    if (currentVersion(document.uri) !== document.version) moved.push(document.uri);
  }
  return moved;
}
