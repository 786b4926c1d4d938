import type { Parser } from 'web-tree-sitter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAll } from '../fix/fixAll';
import { countSyntaxErrors } from '../fix/fixAll';
import { diffEdits } from '../fix/apply';
import { parseText } from '../parse/parser';
import type { DiskBase, WorkspaceMigrationParams, WorkspaceMigrationResult } from '../protocol';
import type { DocumentStore } from './documents';
import { toLspEdit } from './convert';
import type { WorkspaceIndex } from './workspace';
import { projectOptions } from './projectOptions';
import { URI } from 'vscode-uri';
import * as fs from 'fs';
import { createHash } from 'crypto';
import { decodeSource } from '../cli/files';
import type { CancellationToken } from 'vscode-languageserver';
import { throwIfCancelled } from './cancellation';
import { timeSlices } from '../engine/timeSlices';

const SAFE = 'sqla-upgrade.safe';
const REVIEW = 'sqla-upgrade.review';

/** How long the migration holds the main thread before the editor's requests get a turn. */
const SLICE_MS = 8;

/**
 * One WorkspaceEdit over every affected file. Open documents are edited at their current
 * version, closed files come with the digest of the bytes their edit was computed from, so that
 * the client can refuse the whole edit if one moved on; files with syntax errors are skipped.
 * A large workspace takes seconds: the editor's requests are served between slices of the work,
 * and a cancelled request stops at the next file (`RequestCancelled`).
 */
export async function workspaceMigration(
  parser: Parser, store: DocumentStore, index: WorkspaceIndex, params: WorkspaceMigrationParams,
  token?: CancellationToken,
): Promise<WorkspaceMigrationResult> {
  const codes = params.codes && new Set(params.codes);
  const wanted = params.uris ? new Set(params.uris) : undefined;
  const documentChanges: unknown[] = [];
  const diskBases: DiskBase[] = [];
  const skipped: WorkspaceMigrationResult['skipped'] = [];
  let fixes = 0;
  const fixable = index.uris.filter((uri) => (!wanted || wanted.has(uri)) && index.entry(uri)?.findings.some((f) => (f.fix === 'safe' || (f.fix === 'review' && params.includeReview)) && (!codes || codes.has(f.code))));
  const nextSlice = timeSlices(SLICE_MS);
  for (const uri of fixable) {
    await nextSlice();
    throwIfCancelled(token);
    // Each file is read and fixed within one turn: its text and version go together.
    const open = store.get(uri);
    const disk = open ? undefined : readDiskFile(uri);
    const text = open ? open.document.getText() : disk?.text;
    if (text === undefined) {
      skipped.push({ uri, reason: 'cannot be read' });
      continue;
    }
    const tree = parseText(parser, text);
    const broken = countSyntaxErrors(tree) > 0;
    tree.delete();
    if (broken) {
      skipped.push({ uri, reason: 'has syntax errors' });
      continue;
    }
    const filePath = uri.startsWith('file:') ? URI.parse(uri).fsPath : undefined;
    // Cross-file fixes are left out here until the edit carries their other files along.
    const result = fixAll(parser, text, { ...(projectOptions(uri) ?? { select: new Set<string>() }), includeReview: params.includeReview, codes, filePath, models: index.models, acceptExternal: () => false });
    if (result.text === text) continue;
    fixes += result.applied.length;
    const document = open?.document ?? TextDocument.create(uri, 'python', 0, text);
    const annotation = result.applied.some((a) => a.code && isReviewFix(index, uri, a.code)) ? REVIEW : SAFE;
    documentChanges.push({
      textDocument: { uri, version: open ? open.document.version : null },
      edits: diffEdits(text, result.text).map((e) => ({ ...toLspEdit(document, e), annotationId: annotation })),
    });
    if (disk) diskBases.push({ uri, sha256: disk.sha256 });
  }
  return {
    edit: {
      documentChanges,
      changeAnnotations: {
        [SAFE]: { label: 'Safe fixes', needsConfirmation: true, description: 'Same behaviour on SQLAlchemy 1.4 and 2.0' },
        [REVIEW]: { label: 'Fixes that need review', needsConfirmation: true, description: 'Correct in the usual case; check the changed code' },
      },
    },
    files: documentChanges.length,
    fixes,
    skipped,
    diskBases,
  };
}

/** A closed file's text and the digest of the very bytes it was decoded from. */
function readDiskFile(uri: string): { text: string; sha256: string } | undefined {
  const parsed = URI.parse(uri);
  if (parsed.scheme !== 'file') return undefined;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(parsed.fsPath);
  } catch {
    return undefined;
  }
  const { text } = decodeSource(bytes);
  return text === undefined ? undefined : { text, sha256: createHash('sha256').update(bytes).digest('hex') };
}

function isReviewFix(index: WorkspaceIndex, uri: string, code: string): boolean {
  return !!index.entry(uri)?.findings.some((f) => f.code === code && f.fix === 'review');
}
