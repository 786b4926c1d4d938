import type { Edit, Language, Node, Parser, Range, Tree } from 'web-tree-sitter';

/**
 * A module parsed as a run of chunks, each a separate tree over whole top-level statements.
 *
 * tree-sitter re-parses the Python grammar's top-level statements one by one even when an edit
 * touches one of them, so a re-parse of one tree costs time in proportion to the module's length.
 * With chunks, an edit re-parses its chunk only; the others are moved by the edit (`tree.edit`).
 * Nodes keep the document's offsets and rows (each chunk is parsed with its included range).
 *
 * A chunk starts at column 0 of a line that starts a top-level statement, so the chunks of a
 * module without syntax errors parse as the whole module does. A chunk that an edit leaves with a
 * syntax error is parsed again together with its neighbours (an unclosed bracket, an `else:` that
 * belongs to the chunk before), and the error then stays in that chunk.
 */
export class ChunkedTree {
  private constructor(private chunks: Chunk[], readonly language: Language, private readonly source: TextSource) {}

  /** The first chunk's root: the module node scopes and rules compare with. */
  get rootNode(): Node {
    return this.chunks[0].tree.rootNode;
  }

  /** Every chunk's root node, in order. */
  get roots(): Node[] {
    return this.chunks.map((chunk) => chunk.tree.rootNode);
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Offsets where the chunks start (the first at 0). */
  get chunkStarts(): number[] {
    return this.chunks.map((chunk) => chunk.start);
  }

  /**
   * Where each top-level statement (named child of a chunk's root) lies, in order, without making
   * their nodes: kept per chunk relative to its start, so a chunk an edit only moved has them still.
   */
  unitSpans(): { starts: number[]; ends: number[]; chunkOf: number[] } {
    const starts: number[] = [];
    const ends: number[] = [];
    const chunkOf: number[] = [];
    this.chunks.forEach((chunk, k) => {
      if (!chunk.spans) {
        const children = this.unitNodes(k);
        chunk.spans = new Int32Array(children.length * 2);
        children.forEach((node, j) => {
          chunk.spans![2 * j] = node.startIndex - chunk.start;
          chunk.spans![2 * j + 1] = node.endIndex - chunk.start;
        });
      }
      const spans = chunk.spans;
      for (let j = 0; j < spans.length; j += 2) {
        starts.push(chunk.start + spans[j]);
        ends.push(chunk.start + spans[j + 1]);
        chunkOf.push(k);
      }
    });
    return { starts, ends, chunkOf };
  }

  private readonly unitNodeCache = new Map<number, Node[]>();

  /** The top-level statements of one chunk as nodes. */
  unitNodes(chunkIndex: number): Node[] {
    let nodes = this.unitNodeCache.get(chunkIndex);
    if (!nodes) {
      nodes = this.chunks[chunkIndex].tree.rootNode.namedChildren.filter((n): n is Node => !!n);
      this.unitNodeCache.set(chunkIndex, nodes);
    }
    return nodes;
  }

  get hasError(): boolean {
    return this.chunks.some((chunk) => chunk.tree.rootNode.hasError);
  }

  /** The smallest node over the span, in the chunk that holds its start. */
  descendantForIndex(start: number, end = start): Node {
    return this.chunks[this.chunkIndexAt(start)].tree.rootNode.descendantForIndex(start, end) ?? this.rootNode;
  }

  delete(): void {
    for (const chunk of this.chunks) chunk.tree.delete();
    this.chunks = [];
  }

  /**
   * Parses a whole text. Chunks start at lines that look like top-level statements; a chunk with
   * a syntax error is joined to the next one, and a text that still has one is parsed as one tree
   * (so a text opened with syntax errors parses exactly as it would whole).
   */
  static parse(parser: Parser, text: string, positions: Positions, chunkLines = CHUNK_LINES): ChunkedTree {
    const language = parser.language!;
    const source = { text };
    const starts = statementLineStarts(text, chunkLines);
    const chunks: Chunk[] = [];
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i];
      let end = i + 1 < starts.length ? starts[i + 1] : text.length;
      let tree = parseRange(parser, source, positions, start, end);
      // A boundary inside a string or bracket: one more chunk usually closes it.
      if (tree.rootNode.hasError && i + 1 < starts.length) {
        tree.delete();
        i++;
        end = i + 1 < starts.length ? starts[i + 1] : text.length;
        tree = parseRange(parser, source, positions, start, end);
      }
      if (tree.rootNode.hasError && starts.length > 1) {
        tree.delete();
        for (const chunk of chunks) chunk.tree.delete();
        return new ChunkedTree([{ start: 0, end: text.length, tree: parseRange(parser, source, positions, 0, text.length) }], language, source);
      }
      chunks.push({ start, end, tree });
    }
    return new ChunkedTree(chunks, language, source);
  }

  /**
   * Applies edits (in order, each in the offsets of the text before it) and re-parses the chunks
   * they touched. This tree is used up: the result shares its untouched chunks.
   */
  reparse(parser: Parser, edits: readonly Edit[], text: string, positions: Positions, chunkLines = CHUNK_LINES): ChunkedTree {
    const chunks: PendingChunk[] = this.chunks.map((chunk) => ({ ...chunk, dirty: false, hadError: false }));
    this.chunks = [];
    // Every chunk's tree reads node text from here: the untouched ones too, at their moved offsets.
    const source = this.source;
    source.text = text;
    const dropped: Tree[] = [];
    for (const edit of edits) applyEdit(chunks, edit, dropped);
    const result: Chunk[] = [];
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i];
      if (!chunk.dirty) {
        // A new tree object per version (sharing the old one's nodes): caches kept per tree, such
        // as the parts of each call, must not outlive an edit that moved the nodes.
        result.push({ start: chunk.start, end: chunk.end, tree: chunk.tree!.copy(), spans: chunk.spans });
        dropped.push(chunk.tree!);
        continue;
      }
      let tree = parseRange(parser, source, positions, chunk.start, chunk.end, chunk.tree);
      if (chunk.tree) dropped.push(chunk.tree);
      let { start, end } = chunk;
      if (tree.rootNode.hasError && !chunk.hadError && chunks.length > 1) {
        // Joined with its neighbours, an error that reaches across a boundary parses as it would
        // whole. Once there, the error stays in that chunk while it is edited.
        const previous = result.length > 0 ? result.pop()! : undefined;
        const next = i + 1 < chunks.length ? chunks[++i] : undefined;
        if (previous) {
          start = previous.start;
          dropped.push(previous.tree);
        }
        if (next) {
          end = next.end;
          if (next.tree) dropped.push(next.tree);
        }
        dropped.push(tree);
        tree = parseRange(parser, source, positions, start, end);
      }
      result.push(...splitLarge(parser, source, positions, { start, end, tree }, chunkLines));
    }
    for (const tree of dropped) tree.delete();
    return new ChunkedTree(result, this.language, source);
  }

  private chunkIndexAt(offset: number): number {
    return chunkIndexAt(this.chunks, offset);
  }
}

/** Offsets to rows and columns in the same text (a `TextDocument`). */
export interface Positions {
  positionAt(offset: number): { line: number; character: number };
}

interface Chunk {
  start: number;
  /** Exclusive; the next chunk's start, or the end of the text. */
  end: number;
  tree: Tree;
  /** Start and end of each top-level statement, relative to `start`, once asked for. */
  spans?: Int32Array;
}

/** During an edit: a chunk whose tree was edited in place, or that has none and is parsed anew. */
interface PendingChunk {
  start: number;
  end: number;
  tree: Tree | undefined;
  spans?: Int32Array;
  dirty: boolean;
  /** Whether the text it had before the edit had a syntax error. */
  hadError: boolean;
}

/** The current text of a document, shared by its chunks' trees (`node.text` reads it). */
interface TextSource {
  text: string;
}

/** Lines per chunk: re-parsing this much is quick, and a module of 20,000 lines has under a hundred chunks. */
export const CHUNK_LINES = 250;

/** A clean chunk grown past this many times the chunk size (joined after an error) is split again. */
const SPLIT_FACTOR = 4;

/** The chunk holding `offset`: the last one starting at or before it. */
function chunkIndexAt(chunks: ReadonlyArray<{ start: number }>, offset: number): number {
  let low = 0;
  let high = chunks.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (chunks[mid].start <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * One edit: the chunks it touches become one chunk to re-parse (edited in place when it is one),
 * the chunks after it move. An edit that reaches a boundary (inserts at a chunk's start, removes
 * the line break before it) joins the chunks on both sides, since the line there changes.
 */
function applyEdit(chunks: PendingChunk[], edit: Edit, dropped: Tree[]): void {
  const delta = edit.newEndIndex - edit.oldEndIndex;
  let first = chunkIndexAt(chunks, edit.startIndex);
  if (first > 0 && edit.startIndex === chunks[first].start) first--;
  const last = chunkIndexAt(chunks, edit.oldEndIndex);
  let hadError = false;
  for (let i = first; i <= last; i++) hadError ||= chunks[i].hadError || (!chunks[i].dirty && !!chunks[i].tree?.rootNode.hasError);
  for (let i = last + 1; i < chunks.length; i++) {
    const chunk = chunks[i];
    chunk.tree?.edit(edit);
    chunk.start += delta;
    chunk.end += delta;
  }
  const start = chunks[first].start;
  const end = chunks[last].end + delta;
  let tree = chunks[first].tree;
  if (first === last) tree?.edit(edit);
  else {
    for (let i = first; i <= last; i++) if (chunks[i].tree) dropped.push(chunks[i].tree!);
    tree = undefined;
  }
  chunks.splice(first, last - first + 1, { start, end, tree, dirty: true, hadError });
}

/**
 * UTF-16 code units handed to the parser per read in a re-parse: it reads again at each statement
 * it reuses, and the runtime copies each piece into WASM memory, so short pieces copy less.
 */
const REPARSE_READ_SIZE = 512;

/** Parses the text from `start` to `end` (the whole text without an included range). */
function parseRange(parser: Parser, source: TextSource, positions: Positions, start: number, end: number, oldTree?: Tree): Tree {
  const whole = start === 0 && end === source.text.length;
  const options = whole ? undefined : { includedRanges: [{ startIndex: start, endIndex: end, startPosition: point(positions, start), endPosition: point(positions, end) } satisfies Range] };
  const read = oldTree
    ? (index: number) => {
        const text = source.text;
        let stop = index + REPARSE_READ_SIZE;
        // Never split a surrogate pair between two reads.
        const last = text.charCodeAt(stop - 1);
        if (last >= 0xd800 && last <= 0xdbff) stop++;
        return text.slice(index, stop);
      }
    : (index: number) => source.text.slice(index);
  const tree = parser.parse(read, oldTree ?? null, options);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

function point(positions: Positions, offset: number): { row: number; column: number } {
  const { line, character } = positions.positionAt(offset);
  return { row: line, column: character };
}

/**
 * A clean chunk far over the chunk size is parsed again as chunks that start at its top-level
 * statements (those at column 0; comments are not boundaries, they may sit inside a block).
 */
function splitLarge(parser: Parser, source: TextSource, positions: Positions, chunk: Chunk, chunkLines: number): Chunk[] {
  const root = chunk.tree.rootNode;
  if (root.hasError || root.endPosition.row - root.startPosition.row <= SPLIT_FACTOR * chunkLines) return [chunk];
  const starts = [chunk.start];
  let lastRow = positions.positionAt(chunk.start).line;
  for (const child of root.namedChildren) {
    if (!child || child.type === 'comment' || child.startPosition.column !== 0) continue;
    if (child.startPosition.row - lastRow < chunkLines || child.startIndex <= chunk.start) continue;
    starts.push(child.startIndex);
    lastRow = child.startPosition.row;
  }
  if (starts.length === 1) return [chunk];
  const parts: Chunk[] = [];
  for (let i = 0; i < starts.length; i++) {
    const end = i + 1 < starts.length ? starts[i + 1] : chunk.end;
    const tree = parseRange(parser, source, positions, starts[i], end);
    parts.push({ start: starts[i], end, tree });
    if (tree.rootNode.hasError) {
      for (const part of parts) part.tree.delete();
      return [chunk];
    }
  }
  chunk.tree.delete();
  return parts;
}

const CONTINUATION = /^(?:else|elif|except|finally)\b/;

/**
 * Offsets of line starts, about `chunkLines` apart, where a top-level statement may start: a
 * letter, `_` or `@` at column 0, not a clause of the statement before. A line inside a string or
 * bracket can look the same; the parse finds those (the chunk before it has an error).
 */
function statementLineStarts(text: string, chunkLines: number): number[] {
  const starts = [0];
  let lineStart = 0;
  let line = 0;
  let lastLine = 0;
  while (lineStart < text.length) {
    if (line - lastLine >= chunkLines && lineStart > 0) {
      const c = text.charCodeAt(lineStart);
      const startsStatement = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 64;
      if (startsStatement && !CONTINUATION.test(text.slice(lineStart, lineStart + 9))) {
        starts.push(lineStart);
        lastLine = line;
      }
    }
    const next = text.indexOf('\n', lineStart);
    if (next === -1) break;
    lineStart = next + 1;
    line++;
  }
  // A last chunk of a few lines is not worth its own tree.
  if (starts.length > 1 && line - lastLine < chunkLines / 4) starts.pop();
  return starts;
}

/** Either kind of parsed module: one tree (a scanned file, a small document) or chunks (an open document). */
export type SyntaxTree = Tree | ChunkedTree;

/** The root node of each tree of a parsed module. */
export function rootsOf(tree: SyntaxTree): Node[] {
  return tree instanceof ChunkedTree ? tree.roots : [tree.rootNode];
}

/** The smallest node over a span of a parsed module. */
export function descendantAt(tree: SyntaxTree, start: number, end = start): Node {
  return tree instanceof ChunkedTree ? tree.descendantForIndex(start, end) : (tree.rootNode.descendantForIndex(start, end) ?? tree.rootNode);
}
