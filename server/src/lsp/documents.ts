import type { Parser } from 'web-tree-sitter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { parseText, type Tree } from '../parse/parser';

/** One open document: its text, version and syntax tree, kept in step edit by edit. */
export interface OpenDocument {
  document: TextDocument;
  tree: Tree;
}

function pointAfter(start: { row: number; column: number }, inserted: string): { row: number; column: number } {
  const lastBreak = Math.max(inserted.lastIndexOf('\n'), inserted.lastIndexOf('\r'));
  if (lastBreak === -1) return { row: start.row, column: start.column + inserted.length };
  const rows = inserted.split(/\r\n|\r|\n/).length - 1;
  return { row: start.row + rows, column: inserted.length - lastBreak - 1 };
}

/** Open documents by URI. Incremental changes edit the old tree so the re-parse reuses it. */
export class DocumentStore {
  private readonly documents = new Map<string, OpenDocument>();

  constructor(private readonly parser: Parser) {}

  get(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  all(): IterableIterator<OpenDocument> {
    return this.documents.values();
  }

  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    this.close(uri);
    const entry = { document: TextDocument.create(uri, languageId, version, text), tree: parseText(this.parser, text) };
    this.documents.set(uri, entry);
    return entry;
  }

  /** Applies changes in order; returns undefined for an unknown document. */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const entry = this.documents.get(uri);
    if (!entry) return undefined;
    let { document, tree } = entry;
    let needsFullParse = false;
    for (const change of changes) {
      if (!('range' in change)) {
        document = TextDocument.update(document, [change], version);
        needsFullParse = true;
        continue;
      }
      const startIndex = document.offsetAt(change.range.start);
      const oldEndIndex = document.offsetAt(change.range.end);
      // Positions come from the offsets, so that out-of-range positions are clamped the same way.
      const startPosition = document.positionAt(startIndex);
      const oldEndPosition = document.positionAt(oldEndIndex);
      const start = { row: startPosition.line, column: startPosition.character };
      tree.edit({
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
    const next = needsFullParse ? parseText(this.parser, text) : parseText(this.parser, text, tree);
    tree.delete();
    const updated = { document, tree: next };
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
