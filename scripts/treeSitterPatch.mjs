// Speed patches applied to web-tree-sitter's CommonJS build while bundling.
//
// The analyzer creates millions of `Node` objects per large scan. web-tree-sitter keeps a node's
// WASM handle under the element key `[0]` (a class field plus `this[0] = ...`); on Node 20's V8
// an element key gives every node an elements store and makes construction about ten times
// slower than a named property. The handle moves to a named property, read only by `marshalNode`.
// `getValue`/`setValue` get a first branch for "i32", the only type the node and cursor
// marshalling use, instead of a string test and a switch per call; on little-endian hosts a node
// goes to and from the transfer buffer through the Int32Array view, without those calls. The
// parser's input chunks (up to 5,119 UTF-16 code units each, many per incremental re-parse) are
// copied through a Uint16Array on little-endian hosts instead of one DataView call per code unit.
//
// A node's start point is kept as two numbers and made an object only when read (the analyzer
// reads it for a few nodes; every node used to carry one), and its symbol is read from WASM once
// per node object (the rules ask a node's type again and again). A node's symbol never changes,
// and `Node.edit` moves a point it has read through `startPosition`, which `marshalNode` then uses.
// A node's text is read without making its start point when the tree's text callback takes no
// point (a parsed string's, the analyzer's). Field names are looked up in a map (the last
// language's kept at hand) instead of a linear search of the language's field list.
//
// A tree has a slot, empty from the start, where the rules keep the parts of its calls (see
// `callParts`): set later, the new property would give trees a second shape, and every node
// getter that reads its tree would turn polymorphic.
//
// A tree gives its WASM module and a way to make a node from a subtree's address, so that a walk
// over the whole tree can read the tree's memory from JavaScript (see server/src/parse/treeWalk.ts)
// instead of stepping a tree cursor in WASM one call per node.
//
// A node object reads its end, its parent and each of its field children from WASM once (the
// rules ask the same call for its callee and arguments again and again, through the node lists
// the model shares); a child reached from its parent knows that parent without asking. A tree
// does not change under its nodes, except through `Node.edit`, which forgets what was read. The
// field children read are kept as a short list of (field id, child) pairs: a node is asked one to
// three fields, and an array indexed by field id would be sized for all of the grammar's fields.
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
  {
    what: 'Node constructor',
    from: '  constructor(internal, {\n    id,\n    tree,\n    startIndex,\n    startPosition,\n    other\n  }) {\n    assertInternal(internal);\n    this._handle = other;\n    this.id = id;\n    this.tree = tree;\n    this.startIndex = startIndex;\n    this.startPosition = startPosition;\n  }',
    to:
      '  constructor(internal, id, tree, startIndex, row, column, other) {\n    assertInternal(internal);\n    this._handle = other;\n    this.id = id;\n    this.tree = tree;\n    this.startIndex = startIndex;\n' +
      '    this._row = row;\n    this._column = column;\n    this._point = undefined;\n    this._typeId = -1;\n    this._end = -1;\n    this._up = undefined;\n    this._byField = undefined;\n  }',
  },
  {
    what: 'Node start point field',
    from: '  /** The position where this node starts. */\n  startPosition;\n',
    to:
      '  /** The position where this node starts. */\n  get startPosition() {\n    return this._point ??= { row: this._row, column: this._column };\n  }\n' +
      '  set startPosition(point) {\n    this._point = point;\n  }\n',
  },
  {
    what: 'Node symbol read once',
    from: '  get typeId() {\n    marshalNode(this);\n    return C._ts_node_symbol_wasm(this.tree[0]);\n  }',
    to: '  get typeId() {\n    if (this._typeId < 0) {\n      marshalNode(this);\n      this._typeId = C._ts_node_symbol_wasm(this.tree[0]);\n    }\n    return this._typeId;\n  }',
  },
  {
    what: 'Node start point marshalling',
    from: '  C.setValue(address, node.startPosition.row, "i32");\n  address += SIZE_OF_INT;\n  C.setValue(address, node.startPosition.column, "i32");\n',
    to: '  const point = node._point;\n  C.setValue(address, point ? point.row : node._row, "i32");\n  address += SIZE_OF_INT;\n  C.setValue(address, point ? point.column : node._column, "i32");\n',
  },
  {
    what: 'Node unmarshalling',
    from: '  const result = new Node(INTERNAL, {\n    id,\n    tree,\n    startIndex: index,\n    startPosition: { row, column },\n    other\n  });\n  return result;',
    to: '  return new Node(INTERNAL, id, tree, index, row, column, other);',
  },
  {
    what: 'childForFieldName lookup',
    from: '  childForFieldName(fieldName) {\n    const fieldId = this.tree.language.fields.indexOf(fieldName);\n',
    to: '  childForFieldName(fieldName) {\n    const fieldId = fieldIdOf(this.tree.language, fieldName);\n',
  },
  {
    what: 'childrenForFieldName lookup',
    from: '  childrenForFieldName(fieldName) {\n    const fieldId = this.tree.language.fields.indexOf(fieldName);\n',
    to: '  childrenForFieldName(fieldName) {\n    const fieldId = fieldIdOf(this.tree.language, fieldName);\n',
  },
  {
    what: 'field id map',
    from: 'function marshalNode(node, index = 0) {\n',
    to:
      'const fieldIdMaps = new WeakMap();\nlet lastFieldLanguage = null;\nlet lastFieldIds = null;\n' +
      'function fieldIdOf(language, fieldName) {\n  if (language === lastFieldLanguage) return lastFieldIds.get(fieldName) ?? -1;\n  let ids = fieldIdMaps.get(language);\n' +
      '  if (!ids) {\n    ids = new Map();\n    language.fields.forEach((name, id) => { if (name !== null && !ids.has(name)) ids.set(name, id); });\n    fieldIdMaps.set(language, ids);\n  }\n' +
      '  lastFieldLanguage = language;\n  lastFieldIds = ids;\n  return ids.get(fieldName) ?? -1;\n}\nfunction marshalNode(node, index = 0) {\n',
  },
  {
    what: 'Node text without a point',
    from: '  get text() {\n    return getText(this.tree, this.startIndex, this.endIndex, this.startPosition);\n  }',
    to: '  get text() {\n    return getText(this.tree, this.startIndex, this.endIndex, this.tree.textCallback.length > 1 ? this.startPosition : undefined);\n  }',
  },
  {
    what: 'Node end read once',
    from: '  get endIndex() {\n    marshalNode(this);\n    return C._ts_node_end_index_wasm(this.tree[0]);\n  }',
    to: '  get endIndex() {\n    if (this._end < 0) {\n      marshalNode(this);\n      this._end = C._ts_node_end_index_wasm(this.tree[0]);\n    }\n    return this._end;\n  }',
  },
  {
    what: 'Node child by field read once',
    from: '  childForFieldId(fieldId) {\n    marshalNode(this);\n    C._ts_node_child_by_field_id_wasm(this.tree[0], fieldId);\n    return unmarshalNode(this.tree);\n  }',
    to:
      '  childForFieldId(fieldId) {\n    const known = this._byField;\n' +
      '    if (known !== undefined) for (let i2 = 0; i2 < known.length; i2 += 2) if (known[i2] === fieldId) return known[i2 + 1];\n' +
      '    marshalNode(this);\n    C._ts_node_child_by_field_id_wasm(this.tree[0], fieldId);\n    const child = unmarshalNode(this.tree);\n' +
      '    if (child) child._up = this;\n    if (known === undefined) this._byField = [fieldId, child];\n    else known.push(fieldId, child);\n    return child;\n  }',
  },
  {
    what: 'Node parent read once',
    from: '  get parent() {\n    marshalNode(this);\n    C._ts_node_parent_wasm(this.tree[0]);\n    return unmarshalNode(this.tree);\n  }',
    to: '  get parent() {\n    if (this._up === undefined) {\n      marshalNode(this);\n      C._ts_node_parent_wasm(this.tree[0]);\n      this._up = unmarshalNode(this.tree);\n    }\n    return this._up;\n  }',
  },
  {
    what: 'Node children know their parent',
    from: '          this._children[i2] = unmarshalNode(this.tree, address);\n',
    to: '          (this._children[i2] = unmarshalNode(this.tree, address))._up = this;\n',
  },
  {
    what: 'Node named children know their parent',
    from: '          this._namedChildren[i2] = unmarshalNode(this.tree, address);\n',
    to: '          (this._namedChildren[i2] = unmarshalNode(this.tree, address))._up = this;\n',
  },
  {
    what: 'Tree call parts slot',
    from: '    this[0] = address;\n    this.language = language;\n    this.textCallback = textCallback;\n  }',
    to: '    this[0] = address;\n    this.language = language;\n    this.textCallback = textCallback;\n    this.callPartsById = undefined;\n  }',
  },
  {
    what: 'Tree memory access',
    from: '    this.callPartsById = undefined;\n  }\n',
    to:
      '    this.callPartsById = undefined;\n  }\n' +
      '  /** The WASM module, whose heap views a walk of the tree reads (see treeWalk.ts). */\n  _wasm() {\n    return C;\n  }\n' +
      '  /** The node whose subtree is stored at address `id`, as the runtime unmarshals one, with its symbol. */\n' +
      '  _nodeAt(id, index, row, column, alias, typeId) {\n    const node = new Node(INTERNAL, id, this, index, row, column, alias);\n    node._typeId = typeId;\n    return node;\n  }\n',
  },
  {
    what: 'Node marshalling through the heap view',
    from: 'function marshalNode(node, index = 0) {\n  let address = TRANSFER_BUFFER + index * SIZE_OF_NODE;\n',
    to:
      'const heapIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;\n' +
      'function marshalNode(node, index = 0) {\n  if (heapIsLittleEndian) {\n    const heap = C.HEAP32;\n    const at = (TRANSFER_BUFFER + index * SIZE_OF_NODE) >> 2;\n    const point = node._point;\n' +
      '    heap[at] = node.id;\n    heap[at + 1] = node.startIndex;\n    heap[at + 2] = point ? point.row : node._row;\n    heap[at + 3] = point ? point.column : node._column;\n    heap[at + 4] = node._handle;\n    return;\n  }\n' +
      '  let address = TRANSFER_BUFFER + index * SIZE_OF_NODE;\n',
  },
  {
    what: 'Node unmarshalling through the heap view',
    from: 'function unmarshalNode(tree, address = TRANSFER_BUFFER) {\n',
    to:
      'function unmarshalNode(tree, address = TRANSFER_BUFFER) {\n  if (heapIsLittleEndian) {\n    const heap = C.HEAP32;\n    const at = address >> 2;\n' +
      '    return heap[at] === 0 ? null : new Node(INTERNAL, heap[at], tree, heap[at + 1], heap[at + 2], heap[at + 3], heap[at + 4]);\n  }\n',
  },
  {
    what: 'Node edit forgets the end, parent and field children it read',
    from: '  edit(edit) {\n    if (this.startIndex >= edit.oldEndIndex) {',
    to: '  edit(edit) {\n    this._end = -1;\n    this._up = undefined;\n    this._byField = undefined;\n    if (this.startIndex >= edit.oldEndIndex) {',
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
