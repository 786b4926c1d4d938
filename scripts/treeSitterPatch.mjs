// Speed patches applied to web-tree-sitter's CommonJS build while bundling.
//
// The analyzer creates millions of `Node` objects per large scan. web-tree-sitter keeps a node's
// WASM handle under the element key `[0]` (a class field plus `this[0] = ...`); on Node 20's V8
// an element key gives every node an elements store and makes construction about ten times
// slower than a named property. The handle moves to a named property, read only by `marshalNode`.
// `getValue`/`setValue` get a first branch for "i32", the only type the node and cursor
// marshalling use, instead of a string test and a switch per call. The parser's input chunks
// (up to 5,119 UTF-16 code units each, many per incremental re-parse) are copied through a
// Uint16Array on little-endian hosts instead of one DataView call per code unit.
//
// Each replacement must match exactly once: a new web-tree-sitter release that changes these
// lines fails the build instead of shipping half a patch.

const REPLACEMENTS = [
  {
    what: 'Node handle class field',
    from: '  /** @internal */\n  // @ts-expect-error: never read\n  [0] = 0;\n  // Internal handle for Wasm\n  /** @internal */\n  _children;',
    to: '  /** @internal */\n  _children;',
  },
  { what: 'Node handle assignment', from: '    assertInternal(internal);\n    this[0] = other;\n    this.id = id;', to: '    assertInternal(internal);\n    this._handle = other;\n    this.id = id;' },
  { what: 'Node handle marshalling', from: '  C.setValue(address, node[0], "i32");\n}\n__name(marshalNode, "marshalNode");', to: '  C.setValue(address, node._handle, "i32");\n}\n__name(marshalNode, "marshalNode");' },
  {
    what: 'getValue i32 branch',
    from: '        function getValue(ptr, type = "i8") {\n',
    to: '        function getValue(ptr, type = "i8") {\n          if (type === "i32") return LE_HEAP_LOAD_I32((ptr >> 2) * 4);\n',
  },
  {
    what: 'stringToUTF16 typed-array copy',
    from: '          for (var i2 = 0; i2 < numCharsToWrite; ++i2) {\n            var codeUnit = str.charCodeAt(i2);\n            LE_HEAP_STORE_I16((outPtr >> 1) * 2, codeUnit);\n            outPtr += 2;\n          }\n',
    to:
      '          if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) {\n' +
      '            for (var i2 = 0, at = outPtr >> 1; i2 < numCharsToWrite; ++i2) HEAPU16[at + i2] = str.charCodeAt(i2);\n' +
      '            outPtr += 2 * numCharsToWrite;\n' +
      '          } else for (var i2 = 0; i2 < numCharsToWrite; ++i2) {\n            var codeUnit = str.charCodeAt(i2);\n            LE_HEAP_STORE_I16((outPtr >> 1) * 2, codeUnit);\n            outPtr += 2;\n          }\n',
  },
  {
    what: 'setValue i32 branch',
    from: '        function setValue(ptr, value, type = "i8") {\n',
    to: '        function setValue(ptr, value, type = "i8") {\n          if (type === "i32") {\n            LE_HEAP_STORE_I32((ptr >> 2) * 4, value);\n            return;\n          }\n',
  },
];

/** Applies every replacement to the source text; throws when one does not match exactly once. */
export function patchTreeSitter(source) {
  let text = source;
  for (const { what, from, to } of REPLACEMENTS) {
    const first = text.indexOf(from);
    if (first === -1 || text.indexOf(from, first + 1) !== -1) {
      throw new Error(`web-tree-sitter patch "${what}" does not match this version of web-tree-sitter/tree-sitter.cjs`);
    }
    text = text.slice(0, first) + to + text.slice(first + from.length);
  }
  if (/this\[0\] = other/.test(text) || /node\[0\]/.test(text)) throw new Error('web-tree-sitter patch left a node handle under [0]');
  return text;
}
