import type { Edit, Parser } from 'web-tree-sitter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { ChunkedTree, CHUNK_LINES } from '../parse/chunkedTree';

/** One open document: its text, version and syntax tree, kept in step edit by edit. */
export interface OpenDocument {
  document: TextDocument;
  tree: ChunkedTree;
}

function pointAfter(start: { row: number; column: number }, inserted: string): { row: number; column: number } {
  const lastBreak = Math.max(inserted.lastIndexOf('\n'), inserted.lastIndexOf('\r'));
  if (lastBreak === -1) return { row: start.row, column: start.column + inserted.length };
  const rows = inserted.split(/\r\n|\r|\n/).length - 1;
  return { row: start.row + rows, column: inserted.length - lastBreak - 1 };
}

/**
 * Open documents by URI. Incremental changes edit the old tree so the re-parse reuses it; a long
 * document is parsed in chunks, so that an edit re-parses its own chunk only.
 */
export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();

  constructor(private readonly parser: Parser, private readonly chunkLines = CHUNK_LINES) {}

  get(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  all(): IterableIterator<OpenDocument> {
    return this.documents.values();
  }

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    this.close(uri);
    const document = TextDocument.create(uri, languageId, version, text);
    const entry = { document, tree: ChunkedTree.parse(this.parser, text, document, this.chunkLines) };
    this.documents.set(uri, entry);
    return entry;
  }

  /** Applies changes in order; returns undefined for an unknown document. */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const entry = this.documents.get(uri);
    if (!entry) return undefined;
    let { document } = entry;
    let needsFullParse = false;
    const edits: Edit[] = [];
    for (const change of changes) {
      if (!('range' in change)) {
        document = TextDocument.update(document, [change], version);
        needsFullParse = true;
        edits.length = 0;
        continue;
      }
      const startIndex = document.offsetAt(change.range.start);
      const oldEndIndex = document.offsetAt(change.range.end);
      // Positions come from the offsets, so that out-of-range positions are clamped the same way.
      const startPosition = document.positionAt(startIndex);
      const oldEndPosition = document.positionAt(oldEndIndex);
      const start = { row: startPosition.line, column: startPosition.character };
      edits.push({
        startIndex,
        oldEndIndex,
        newEndIndex: startIndex + change.text.length,
        startPosition: start,
        oldEndPosition: { row: oldEndPosition.line, column: oldEndPosition.character },
        newEndPosition: pointAfter(start, change.text),
      });
      document = TextDocument.update(document, [change], version);
    }
    const text = document.getText();
    let tree: ChunkedTree;
    if (needsFullParse) {
      // Edits after a whole-text change are in its offsets; the old tree has nothing to reuse.
      entry.tree.delete();
      tree = ChunkedTree.parse(this.parser, text, document, this.chunkLines);
    } else tree = entry.tree.reparse(this.parser, edits, text, document, this.chunkLines);
    const updated = { document, tree };
    this.documents.set(uri, updated);
    return updated;
  }

  close(uri: string): void {
    const entry = this.documents.get(uri);
    if (!entry) return;
    entry.tree.delete();
    this.documents.delete(uri);
  }
}
