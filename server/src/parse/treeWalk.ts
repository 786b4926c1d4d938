/**
 * A node's descendants of some types, found by reading the tree's memory from JavaScript.
 *
 * web-tree-sitter's `descendantsOfType` steps a tree cursor in WASM, several calls per node; over
 * a whole module (what every model collects first) that walk cost about a quarter of the parse
 * itself. A tree is plain data in WASM memory, laid out as tree-sitter's `Subtree` (lib/subtree.h
 * of the web-tree-sitter release the lock file pins): the same walk over the heap views visits
 * the same nodes, in the same order, several times faster.
 *
 * The layout is taken on trust only after the runtime's own walk has agreed with this one on the
 * first walks of each language (see VERIFY_WALKS); a disagreement, or a host that is not
 * little-endian like WASM, leaves every walk to the runtime.
 */
import type { Language, Node, Tree } from 'web-tree-sitter';

/** The runtime's WASM module: its heap views are replaced when the memory grows. */
interface WasmModule {
  HEAPU8: Uint8Array;
  HEAPU16: Uint16Array;
  HEAPU32: Uint32Array;
}

/** What the patched runtime adds to a tree (scripts/treeSitterPatch.mjs). */
interface WalkableTree extends Tree {
  _wasm(): WasmModule;
  _nodeAt(id: number, index: number, row: number, column: number, alias: number, typeId: number): Node;
}

/** A node's fields as the patched runtime keeps them: its start in UTF-16 code units, and its alias. */
interface NodeInternals {
  id: number;
  startIndex: number;
  _row: number;
  _column: number;
  _handle: number;
}

/** How many walks of a language are checked against the runtime's before the layout is trusted. */
const VERIFY_WALKS = 3;

/** tree-sitter's symbol for ERROR nodes. */
const ERROR_SYMBOL = 0xffff;

// Offsets in tree-sitter's structures on wasm32 (lib/subtree.h, lib/parser.h).
/** sizeof(Subtree): a pointer, or an inline leaf. */
const SUBTREE_SIZE = 8;
const HEAP_PADDING = 4;
const HEAP_SIZE = 16;
const HEAP_CHILD_COUNT = 36;
const HEAP_SYMBOL = 40;
const HEAP_FLAGS = 44;
const HEAP_PRODUCTION_ID = 66;
const INLINE_SYMBOL = 1;
const INLINE_PADDING_COLUMNS = 4;
const INLINE_PADDING_ROWS = 5;
const INLINE_PADDING_BYTES = 6;
const INLINE_SIZE_BYTES = 7;
const LANGUAGE_MAX_ALIAS_SEQUENCE_LENGTH = 36;
const LANGUAGE_PUBLIC_SYMBOL_MAP = 76;
const LANGUAGE_ALIAS_SEQUENCES = 84;

interface LanguageLayout {
  /** The address of the language's public symbol of each symbol (what a node's `typeId` is). */
  publicSymbols: number;
  maxAliasLength: number;
  aliasSequences: number;
  /** Walks compared with the runtime's so far; -1 once the layout is trusted. */
  verifiedWalks: number;
  broken: boolean;
  /** By type list: which symbols are wanted. */
  masks: Map<string, Uint8Array>;
}

const layouts = new Map<Language, LanguageLayout>();

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function layoutOf(tree: WalkableTree): LanguageLayout {
  let layout = layouts.get(tree.language);
  if (!layout) {
    const wasm = tree._wasm();
    const address = (tree.language as unknown as { [0]: number })[0];
    layout = {
      publicSymbols: wasm.HEAPU32[(address + LANGUAGE_PUBLIC_SYMBOL_MAP) >> 2],
      maxAliasLength: wasm.HEAPU16[(address + LANGUAGE_MAX_ALIAS_SEQUENCE_LENGTH) >> 1],
      aliasSequences: wasm.HEAPU32[(address + LANGUAGE_ALIAS_SEQUENCES) >> 2],
      verifiedWalks: 0,
      broken: !littleEndian,
      masks: new Map(),
    };
    layouts.set(tree.language, layout);
  }
  return layout;
}

function maskOf(layout: LanguageLayout, language: Language, types: string[]): Uint8Array {
  const key = types.join('\n');
  let mask = layout.masks.get(key);
  if (!mask) {
    mask = new Uint8Array(0x10000);
    const wanted = new Set(types);
    language.types.forEach((name, symbol) => {
      if (name !== undefined && wanted.has(name)) mask![symbol] = 1;
    });
    if (wanted.has('ERROR')) mask[ERROR_SYMBOL] = 1;
    layout.masks.set(key, mask);
  }
  return mask;
}

type RuntimeWalk = (node: Node, types: string[]) => Node[];

/**
 * The node itself and every node below it of one of `types`, in document order, as the runtime's
 * `descendantsOfType(types)` (which `runtimeWalk` calls) finds them.
 */
export function descendantsOfTypes(node: Node, types: string[], runtimeWalk: RuntimeWalk): Node[] {
  const tree = node.tree as WalkableTree;
  if (typeof tree._wasm !== 'function') return runtimeWalk(node, types);
  const layout = layoutOf(tree);
  if (layout.broken) return runtimeWalk(node, types);
  const found = walk(node, tree, layout, maskOf(layout, tree.language, types));
  // Asked for 'ERROR' and other types, the runtime finds the ERROR nodes alone (it searches its
  // symbol list as if sorted, and puts ERROR's first): nothing to check against then.
  if (layout.verifiedWalks < 0 || types.includes('ERROR')) return found;
  const expected = runtimeWalk(node, types);
  if (!sameNodes(found, expected)) {
    layout.broken = true;
    return expected;
  }
  // Only walks that found something tell whether the layout is right.
  if (expected.length > 0 && ++layout.verifiedWalks >= VERIFY_WALKS) layout.verifiedWalks = -1;
  return expected;
}

function sameNodes(a: Node[], b: Node[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as unknown as NodeInternals;
    const y = b[i] as unknown as NodeInternals;
    if (x.id !== y.id || x.startIndex !== y.startIndex || x._row !== y._row || x._column !== y._column || x._handle !== y._handle) return false;
    if (a[i].typeId !== b[i].typeId) return false;
  }
  return true;
}

// The walk's stack: FRAME numbers per open parent (see walk), reused from walk to walk (a walk
// runs to its end without calling out, so walks never overlap).
const FRAME = 8;
let stack = new Uint32Array(FRAME * 256);

/**
 * Depth first, as a tree cursor goes: a visible node (or an aliased one) is a node; the children
 * of hidden nodes are walked as if they were their parent's. Positions follow tree-sitter's
 * `length_add`: a node starts where the previous sibling ended plus its own padding, except the
 * first child, which starts where its parent does.
 */
function walk(node: Node, tree: WalkableTree, layout: LanguageLayout, mask: Uint8Array): Node[] {
  const wasm = tree._wasm();
  const u8 = wasm.HEAPU8;
  const u16 = wasm.HEAPU16;
  const u32 = wasm.HEAPU32;
  const publicSymbols = layout.publicSymbols;
  const out: Node[] = [];
  const first = node as unknown as NodeInternals;
  let frames = stack;
  // Frame fields: the parent's pointer, its child count, the next child's index, the next
  // structural (non-extra) child's index, the parent's alias sequence (0: none), and where the
  // next child's padding starts (bytes, row, column).
  let top = -FRAME;
  let slot = first.id;
  let bytes = first.startIndex * 2;
  let row = first._row;
  let column = first._column * 2;
  let alias = first._handle;
  for (;;) {
    // Visit the subtree at `slot`, which starts at (bytes, row, column).
    const flags = u8[slot];
    if (flags & 1) {
      // An inline leaf: no children.
      const symbol = alias || u8[slot + INLINE_SYMBOL];
      if ((flags & 2 || alias) && mask[symbol]) out.push(tree._nodeAt(slot, bytes >>> 1, row, column >>> 1, alias, u16[(publicSymbols >> 1) + symbol]));
    } else {
      const pointer = u32[slot >> 2];
      const symbol = alias || u16[(pointer + HEAP_SYMBOL) >> 1];
      if ((u8[pointer + HEAP_FLAGS] & 1 || alias) && mask[symbol]) {
        out.push(tree._nodeAt(slot, bytes >>> 1, row, column >>> 1, alias, symbol === ERROR_SYMBOL ? symbol : u16[(publicSymbols >> 1) + symbol]));
      }
      const count = u32[(pointer + HEAP_CHILD_COUNT) >> 2];
      if (count > 0) {
        top += FRAME;
        if (top + FRAME > frames.length) {
          const grown = new Uint32Array(frames.length * 2);
          grown.set(frames);
          frames = stack = grown;
        }
        const production = u16[(pointer + HEAP_PRODUCTION_ID) >> 1];
        frames[top] = pointer;
        frames[top + 1] = count;
        frames[top + 2] = 0;
        frames[top + 3] = 0;
        frames[top + 4] = production ? layout.aliasSequences + 2 * production * layout.maxAliasLength : 0;
        frames[top + 5] = bytes;
        frames[top + 6] = row;
        frames[top + 7] = column;
      }
    }
    // The next subtree: the next child of the innermost parent that has one left.
    while (top >= 0 && frames[top + 2] === frames[top + 1]) top -= FRAME;
    if (top < 0) return out;
    const index = frames[top + 2]++;
    const count = frames[top + 1];
    slot = frames[top] - SUBTREE_SIZE * (count - index);
    const childFlags = u8[slot];
    const inline = childFlags & 1;
    const pointer = inline ? 0 : u32[slot >> 2];
    const extra = inline ? childFlags & 8 : u8[pointer + HEAP_FLAGS] & 4;
    alias = 0;
    if (!extra) {
      const aliases = frames[top + 4];
      if (aliases) alias = u16[(aliases >> 1) + frames[top + 3]];
      frames[top + 3]++;
    }
    bytes = frames[top + 5];
    row = frames[top + 6];
    column = frames[top + 7];
    if (index > 0) {
      // Plus the child's padding.
      let paddingRows: number;
      let paddingColumns: number;
      if (inline) {
        bytes += u8[slot + INLINE_PADDING_BYTES];
        paddingRows = u8[slot + INLINE_PADDING_ROWS] & 15;
        paddingColumns = u8[slot + INLINE_PADDING_COLUMNS];
      } else {
        bytes += u32[(pointer + HEAP_PADDING) >> 2];
        paddingRows = u32[(pointer + HEAP_PADDING + 4) >> 2];
        paddingColumns = u32[(pointer + HEAP_PADDING + 8) >> 2];
      }
      if (paddingRows > 0) {
        row += paddingRows;
        column = paddingColumns;
      } else column += paddingColumns;
    }
    // The parent's position moves past the child before the child's own children are pushed.
    if (inline) {
      const size = u8[slot + INLINE_SIZE_BYTES];
      frames[top + 5] = bytes + size;
      frames[top + 6] = row;
      frames[top + 7] = column + size;
    } else {
      const sizeRows = u32[(pointer + HEAP_SIZE + 4) >> 2];
      const sizeColumns = u32[(pointer + HEAP_SIZE + 8) >> 2];
      frames[top + 5] = bytes + u32[(pointer + HEAP_SIZE) >> 2];
      frames[top + 6] = row + sizeRows;
      frames[top + 7] = sizeRows > 0 ? sizeColumns : column + sizeColumns;
    }
  }
}

/**
 * Makes `Node.descendantsOfType` walk the tree's memory when it is asked for the whole subtree
 * (the analyzer never passes a range).
 */
export function installTreeWalk(nodeClass: { prototype: Node }): void {
  const runtime = nodeClass.prototype.descendantsOfType as (this: Node, types: string | string[], start?: unknown, end?: unknown) => Node[];
  const runtimeWalk: RuntimeWalk = (node, types) => runtime.call(node, types);
  Object.defineProperty(nodeClass.prototype, 'descendantsOfType', {
    configurable: true,
    writable: true,
    value(this: Node, types: string | string[], start?: unknown, end?: unknown): Node[] {
      if (start !== undefined || end !== undefined) return runtime.call(this, types, start, end);
      return descendantsOfTypes(this, typeof types === 'string' ? [types] : types, runtimeWalk);
    },
  });
}

/** Tests only: forgets what was learnt about languages, so that the next walks are checked again. */
export function resetTreeWalk(): void {
  layouts.clear();
}

/** Tests only: whether walks of the language read the tree's memory (false: the runtime walks). */
export function walksMemory(language: Language): boolean {
  const layout = layouts.get(language);
  return layout !== undefined && !layout.broken;
}
