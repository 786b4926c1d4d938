import type { Node } from '../parse/parser';
import type { ModuleModel } from '../semantics/model';
import type { TextEdit } from './types';
import { unitsOverlapping } from '../semantics/statementFacts';
import { ModelMemo } from '../semantics/modelMemo';

export interface CallParts {
  call: Node;
  fn: Node;
  /** For `a.b(...)`: `a` and `b`. */
  object?: Node;
  method?: string;
  methodNode?: Node;
  argumentList: Node;
  readonly positional: readonly Node[];
  readonly keywords: readonly Node[];
  /** `*args` / `**kwargs` in the call. */
  readonly splats: readonly Node[];
}

/**
 * Parts of each call by node id, once per tree: most rules take apart the same calls, and node
 * access is costly. Kept on the tree object itself, so that they die with it (see ModelMemo); the
 * bundled parser runtime gives every tree this slot from the start (scripts/treeSitterPatch.mjs).
 */
interface TreeWithCallParts {
  callPartsById?: Map<number, CallParts | null>;
}

export function callParts(call: Node): CallParts | undefined {
  const tree = call.tree as unknown as TreeWithCallParts;
  const cache = (tree.callPartsById ??= new Map());
  const cached = cache.get(call.id);
  if (cached !== undefined) return cached ?? undefined;
  const parts = takeCallApart(call);
  cache.set(call.id, parts ?? null);
  return parts;
}

function takeCallApart(call: Node): CallParts | undefined {
  const fn = call.childForFieldName('function');
  const argumentList = call.childForFieldName('arguments');
  if (!fn || !argumentList || argumentList.type !== 'argument_list') return undefined;
  const parts = new SplitCall(call, fn, argumentList);
  if (fn.type === 'attribute') {
    parts.object = fn.childForFieldName('object') ?? undefined;
    parts.methodNode = fn.childForFieldName('attribute') ?? undefined;
    parts.method = parts.methodNode?.text;
  }
  return parts;
}

/**
 * A call's parts, its arguments sorted out only when first asked for: most calls are taken apart
 * for their callee alone (the method index holds every call of a module), and reading an argument
 * list's children is the costly part.
 */
class SplitCall implements CallParts {
  object?: Node;
  method?: string;
  methodNode?: Node;
  private sorted: SortedArguments | undefined = undefined;

  constructor(
    readonly call: Node,
    readonly fn: Node,
    readonly argumentList: Node,
  ) {}

  get positional(): readonly Node[] {
    return this.arguments().positional;
  }

  get keywords(): readonly Node[] {
    return this.arguments().keywords;
  }

  get splats(): readonly Node[] {
    return this.arguments().splats;
  }

  private arguments(): SortedArguments {
    return (this.sorted ??= new SortedArguments(this.argumentList));
  }
}

/** The argument lists a call without arguments of a kind shares: read only. */
const NONE: readonly Node[] = [];

/**
 * A call's arguments by kind. Made by filtering the argument list rather than pushing into array
 * literals: a literal's allocation site whose arrays all outlive a young collection (these live as
 * long as the analysis) gets its arrays made in the old generation from then on, where they stay
 * after the analysis until a full collection (test/unit/youngGarbage.test.ts). Most calls have
 * arguments of one kind: the lists of the other kinds are the shared empty one, and a list with
 * every argument is the argument list's own children (a filtered list is a new array even when
 * it is empty or holds every argument).
 */
class SortedArguments {
  readonly positional: readonly Node[];
  readonly keywords: readonly Node[];
  readonly splats: readonly Node[];

  constructor(argumentList: Node) {
    const children = argumentList.namedChildren;
    let keywords = 0;
    let splats = 0;
    let others = 0;
    for (const arg of children) {
      const type = arg?.type;
      if (type === 'keyword_argument') keywords++;
      else if (type === 'list_splat' || type === 'dictionary_splat') splats++;
      else if (!arg || type === 'comment') others++;
    }
    const args = others === 0 ? (children as Node[]) : children.filter((arg): arg is Node => !!arg && arg.type !== 'comment');
    const positional = args.length - keywords - splats;
    this.keywords = keywords === 0 ? NONE : keywords === args.length ? args : args.filter((arg) => arg.type === 'keyword_argument');
    this.splats = splats === 0 ? NONE : splats === args.length ? args : args.filter((arg) => arg.type === 'list_splat' || arg.type === 'dictionary_splat');
    this.positional =
      positional === 0 ? NONE : positional === args.length ? args : args.filter((arg) => arg.type !== 'keyword_argument' && arg.type !== 'list_splat' && arg.type !== 'dictionary_splat');
  }
}

/** Calls of `<something>.<method>(...)` for the given method names, anywhere in the module. */
export function methodCalls(model: ModuleModel, methods: ReadonlySet<string>): CallParts[] {
  const result: CallParts[] = [];
  for (const method of methods) result.push(...callsOfMethod(model, method));
  return methods.size > 1 ? result.sort((a, b) => a.call.startIndex - b.call.startIndex) : result;
}

/** The same calls, in the statements the rules check: what a rule reports on. */
export function checkedMethodCalls(model: ModuleModel, methods: ReadonlySet<string>): CallParts[] {
  if (!model.hasFocus) return methodCalls(model, methods);
  const result: CallParts[] = [];
  for (const call of model.checkedNodes('call')) {
    const parts = callParts(call);
    if (parts?.method && methods.has(parts.method)) result.push(parts);
  }
  return result;
}

/** The same calls inside `start`..`end`, looking only at the top-level statements there. */
export function methodCallsWithin(model: ModuleModel, methods: ReadonlySet<string>, start: number, end: number): CallParts[] {
  const result: CallParts[] = [];
  const words = [...methods];
  for (const i of unitsOverlapping(model, start, end)) {
    if (!model.unitSpells(i, words)) continue;
    for (const call of model.unitNodes(i, 'call')) {
      const parts = call.startIndex >= start && call.endIndex <= end ? callParts(call) : undefined;
      if (parts?.method && methods.has(parts.method)) result.push(parts);
    }
  }
  return result;
}

/** `x.method(...)` calls inside one node (a statement), for rules that look no further. */
export function methodCallsIn(node: Node, methods: ReadonlySet<string>): CallParts[] {
  const result: CallParts[] = [];
  for (const call of node.descendantsOfType('call')) {
    const parts = call && callParts(call);
    if (parts?.method && methods.has(parts.method)) result.push(parts);
  }
  return result;
}

const methodIndexes = new ModelMemo<Map<string, CallParts[]>>();

/**
 * Every `x.method(...)` call by method name, taken apart once for all rules: over the whole module
 * in one pass, or, when only some statements are checked, method by method in the statements that
 * spell the name.
 */
function callsOfMethod(model: ModuleModel, method: string): CallParts[] {
  let index = methodIndexes.get(model);
  if (!index) {
    index = new Map();
    methodIndexes.set(model, index);
    if (!model.hasFocus) {
      for (const call of model.nodes('call')) {
        const parts = callParts(call);
        if (!parts?.method) continue;
        const list = index.get(parts.method);
        if (list) list.push(parts);
        else index.set(parts.method, [parts]);
      }
    }
  }
  let calls = index.get(method);
  if (calls) return calls;
  calls = [];
  if (model.hasFocus) {
    for (const call of model.nodesWithWords('call', [method])) {
      const parts = callParts(call);
      if (parts?.method === method) calls.push(parts);
    }
  }
  index.set(method, calls);
  return calls;
}

export function keywordName(keyword: Node): string | undefined {
  return keyword.childForFieldName('name')?.text;
}

export function keywordValue(keyword: Node): Node | undefined {
  return keyword.childForFieldName('value') ?? undefined;
}

/**
 * Removes one argument and its separating comma, leaving the rest of the list as written.
 */
export function removeArgumentEdit(model: ModuleModel, argumentList: Node, argument: Node): TextEdit {
  const args = argumentList.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  const index = args.findIndex((a) => a.id === argument.id);
  if (args.length === 1) {
    return { start: argumentList.startIndex + 1, end: argumentList.endIndex - 1, newText: '' };
  }
  if (index < args.length - 1) return { start: argument.startIndex, end: args[index + 1].startIndex, newText: '' };
  // Last argument: take the comma before it; keep a trailing comma's own place untouched.
  return { start: args[index - 1].endIndex, end: argument.endIndex, newText: '' };
}

/** The simple statement (child of a block or the module) that holds `node`. */
export function enclosingStatement(node: Node): Node | undefined {
  let current: Node | null = node;
  while (current && current.parent) {
    const parentType = current.parent.type;
    if (parentType === 'block' || parentType === 'module') return current;
    current = current.parent;
  }
  return undefined;
}

/** The leading white space of the line on which `node` starts, if the node is the first thing there. */
export function lineIndentOf(model: ModuleModel, node: Node): string | undefined {
  const lineStart = model.text.lastIndexOf('\n', node.startIndex - 1) + 1;
  const prefix = model.text.slice(lineStart, node.startIndex);
  return /^[ \t]*$/.test(prefix) ? prefix : undefined;
}

/** The file's indentation unit: a tab or the smallest step of spaces between nested lines (4 by default). */
export function indentUnit(model: ModuleModel): string {
  for (const [type, word] of [['function_definition', 'def'], ['class_definition', 'class']]) {
    for (const block of model.eachNodeWithWords(type, [word])) {
      const body = block.childForFieldName('body');
      if (!body) continue;
      const outer = lineIndentOf(model, block);
      const inner = lineIndentOf(model, body);
      if (outer === undefined || inner === undefined || inner.length <= outer.length) continue;
      if (inner.startsWith(outer)) return inner.slice(outer.length);
    }
  }
  return '    ';
}

/** True when any string in the node spans several lines (re-indenting would change its value). */
export function hasMultilineString(model: ModuleModel, node: Node): boolean {
  const strings = node.type === 'string' ? [node] : node.descendantsOfType('string');
  return strings.some((s) => !!s && s.startPosition.row !== s.endPosition.row);
}

/** Adds `indent` to the start of every line of `text` but the first (which keeps its place). */
export function reindent(text: string, indent: string): string {
  return text.replace(/(\r?\n)(?=[^\r\n])/g, `$1${indent}`);
}

export function isStringLiteral(node: Node): boolean {
  return node.type === 'string' || node.type === 'concatenated_string';
}

/** From the method name to the end of the call: the `from_self()` of `q.filter(...).from_self()`. */
export function methodSpan(parts: CallParts): { start: number; end: number } {
  return { start: (parts.methodNode ?? parts.call).startIndex, end: parts.call.endIndex };
}
