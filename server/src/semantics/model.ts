import type { Node, Tree } from '../parse/parser';
import { DBAPI_ROOTS, SQLALCHEMY_ROOTS } from './names';

export type BindingKind = 'import' | 'assign' | 'param' | 'with' | 'for' | 'def' | 'class' | 'other';

/** One place where a name gets a value. */
export interface Binding {
  name: string;
  kind: BindingKind;
  /** The identifier that is bound. */
  target: Node;
  /** `import`: the dotted name the local name stands for. */
  qualified?: string;
  /** `assign`: the right-hand side; `with`: the context expression; `for`: the iterable. */
  value?: Node;
  /** `param` and annotated `assign`: the annotation. */
  annotation?: Node;
}

interface Scope {
  node: Node;
  isClass: boolean;
  bindings: Map<string, Binding[]>;
  /** The text a scope covers: a function or lambda whole, a class its body only. */
  start: number;
  end: number;
  /** The enclosing scope; none for the module. */
  parent?: Scope;
}

const COLLECTED_TYPES = [
  'call', 'import_statement', 'import_from_statement', 'assignment', 'with_item', 'for_statement',
  'for_in_clause', 'function_definition', 'lambda', 'class_definition', 'comment', 'named_expression',
  'augmented_assignment', 'string',
];

/** What the rules know of one module: its nodes by type, its scopes and bindings. */
export class ModuleModel {
  readonly root: Node;
  readonly nodesByType = new Map<string, Node[]>();
  /** Whether the module imports SQLAlchemy (or a library built on it); name-based guesses need this. */
  readonly usesSqlAlchemy: boolean;
  readonly importsDbapi: boolean;
  private readonly scopes = new Map<number, Scope>();
  private readonly moduleScope: Scope;
  private sortedScopes: Scope[] = [];
  private errorRanges: Array<[number, number]> | undefined;
  private readonly qualifiedNames = new Map<number, string | undefined>();

  constructor(readonly text: string, readonly tree: Tree) {
    this.root = tree.rootNode;
    for (const type of COLLECTED_TYPES) this.nodesByType.set(type, []);
    for (const node of this.root.descendantsOfType(COLLECTED_TYPES)) {
      if (node) this.nodesByType.get(node.type)?.push(node);
    }
    this.moduleScope = { node: this.root, isClass: false, bindings: new Map(), start: 0, end: this.root.endIndex };
    this.scopes.set(this.root.id, this.moduleScope);
    this.collectBindings();
    const roots = this.importedRoots();
    this.usesSqlAlchemy = [...roots].some((r) => SQLALCHEMY_ROOTS.has(r));
    this.importsDbapi = [...roots].some((r) => DBAPI_ROOTS.has(r));
  }

  nodes(type: string): Node[] {
    return this.nodesByType.get(type) ?? [];
  }

  textOf(node: Node): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }

  /** True when the node lies in, or contains, text the parser could not make sense of. */
  isInError(node: Node): boolean {
    if (node.hasError) return true;
    // By position: `node.parent` costs a walk from the root in tree-sitter, too slow on deep trees.
    this.errorRanges ??= syntaxErrorRanges(this.root);
    return this.errorRanges.some(([start, end]) => start <= node.startIndex && node.endIndex <= end && start < end);
  }

  /** The scope node (module, function, lambda or class body) that a name used at `node` is looked up in first. */
  scopeNodeOf(node: Node): Node {
    return this.scopeChain(node)[0].node;
  }

  /** Bindings of `name` visible at `node`, by Python's scoping (class bodies are skipped from methods). */
  lookup(name: string, at: Node): Binding[] | undefined {
    const chain = this.scopeChain(at);
    for (let i = 0; i < chain.length; i++) {
      const scope = chain[i];
      if (scope.isClass && i > 0) continue;
      const found = scope.bindings.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /** Bindings of `name` made directly in the module scope. */
  moduleBindings(name: string): Binding[] | undefined {
    return this.scopes.get(this.root.id)!.bindings.get(name);
  }

  /**
   * The dotted name an expression stands for through imports: `sa.orm.Session` is
   * `sqlalchemy.orm.Session` after `import sqlalchemy as sa`. Undefined for anything else.
   */
  qualifiedName(node: Node): string | undefined {
    if (this.qualifiedNames.has(node.id)) return this.qualifiedNames.get(node.id);
    const name = this.resolveQualifiedName(node);
    this.qualifiedNames.set(node.id, name);
    return name;
  }

  private resolveQualifiedName(node: Node): string | undefined {
    // Iterative, so that very long attribute chains cannot overflow the stack.
    const attributes: string[] = [];
    let current: Node = node;
    while (current.type === 'attribute') {
      const object = current.childForFieldName('object');
      const attribute = current.childForFieldName('attribute');
      if (!object || !attribute) return undefined;
      attributes.push(attribute.text);
      current = object;
    }
    if (current.type !== 'identifier') return undefined;
    const bindings = this.lookup(current.text, current);
    if (!bindings || bindings.length !== 1 || bindings[0].kind !== 'import') return undefined;
    return [bindings[0].qualified, ...attributes.reverse()].join('.');
  }

  /**
   * Scopes around a node, innermost first (a scope node itself belongs to its parent scope). Found by
   * position over the sorted scope list, since walking `node.parent` is slow on deep trees.
   */
  private scopeChain(node: Node): Scope[] {
    const start = node.startIndex;
    const end = node.endIndex;
    let low = 0;
    let high = this.sortedScopes.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.sortedScopes[mid].start <= start) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    let scope: Scope | undefined = found >= 0 ? this.sortedScopes[found] : undefined;
    while (scope && !(scope.start <= start && end <= scope.end && scope.node.id !== node.id)) scope = scope.parent;
    const chain: Scope[] = [];
    for (let s: Scope | undefined = scope ?? this.moduleScope; s; s = s.parent) chain.push(s);
    return chain;
  }

  private scopeFor(node: Node): Scope {
    return this.scopeChain(node)[0];
  }

  /** Sorts the scopes by start (outer first on ties) and links each to the one around it. */
  private linkScopes(): void {
    // On equal ranges (a method that is a class's whole body) the scope whose node starts first is outer.
    this.sortedScopes = [...this.scopes.values()]
      .filter((s) => s !== this.moduleScope)
      .sort((a, b) => a.start - b.start || b.end - a.end || a.node.startIndex - b.node.startIndex);
    const stack: Scope[] = [];
    for (const scope of this.sortedScopes) {
      while (stack.length > 0 && !(stack[stack.length - 1].start <= scope.start && scope.end <= stack[stack.length - 1].end)) stack.pop();
      scope.parent = stack[stack.length - 1] ?? this.moduleScope;
      stack.push(scope);
    }
  }

  private bind(scope: Scope, binding: Binding): void {
    const list = scope.bindings.get(binding.name);
    if (list) list.push(binding);
    else scope.bindings.set(binding.name, [binding]);
  }

  private bindTargets(target: Node, kind: BindingKind, value?: Node, annotation?: Node): void {
    if (target.type === 'identifier') {
      this.bind(this.scopeFor(target), { name: target.text, kind, target, value, annotation });
      return;
    }
    // Unpacking: each name gets an unknown value.
    if (['pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list', 'as_pattern_target', 'list_splat_pattern', 'parenthesized_expression'].includes(target.type)) {
      const single = target.type === 'as_pattern_target' || target.type === 'parenthesized_expression';
      for (const child of target.namedChildren) if (child) this.bindTargets(child, single ? kind : 'other', single ? value : undefined, annotation);
    }
  }

  private collectBindings(): void {
    // Scopes first, so that bindings find their innermost scope.
    for (const fn of [...this.nodes('function_definition'), ...this.nodes('lambda')]) {
      this.scopes.set(fn.id, { node: fn, isClass: false, bindings: new Map(), start: fn.startIndex, end: fn.endIndex });
    }
    for (const cls of this.nodes('class_definition')) {
      const body = cls.childForFieldName('body');
      if (body) this.scopes.set(cls.id, { node: cls, isClass: true, bindings: new Map(), start: body.startIndex, end: body.endIndex });
    }
    this.linkScopes();

    for (const fn of this.nodes('function_definition')) {
      const name = fn.childForFieldName('name');
      if (name) this.bind(this.scopeFor(fn), { name: name.text, kind: 'def', target: name, value: fn });
      this.bindParameters(fn);
    }
    for (const lambda of this.nodes('lambda')) this.bindParameters(lambda);
    for (const cls of this.nodes('class_definition')) {
      const name = cls.childForFieldName('name');
      if (name) this.bind(this.scopeFor(cls), { name: name.text, kind: 'class', target: name, value: cls });
    }
    for (const stmt of this.nodes('import_statement')) this.bindImport(stmt);
    for (const stmt of this.nodes('import_from_statement')) this.bindImportFrom(stmt);
    for (const assignment of this.nodes('assignment')) {
      const left = assignment.childForFieldName('left');
      const right = assignment.childForFieldName('right') ?? undefined;
      const annotation = assignment.childForFieldName('type') ?? undefined;
      if (left) this.bindTargets(left, 'assign', right, annotation);
    }
    for (const assignment of [...this.nodes('augmented_assignment'), ...this.nodes('named_expression')]) {
      const left = assignment.childForFieldName('left') ?? assignment.childForFieldName('name');
      const right = assignment.childForFieldName('right') ?? assignment.childForFieldName('value') ?? undefined;
      if (left) this.bindTargets(left, assignment.type === 'named_expression' ? 'assign' : 'other', right);
    }
    for (const item of this.nodes('with_item')) {
      const value = item.childForFieldName('value');
      if (value?.type !== 'as_pattern') continue;
      const alias = value.childForFieldName('alias');
      const context = value.namedChildren[0] ?? undefined;
      if (alias) this.bindTargets(alias, 'with', context);
    }
    for (const loop of [...this.nodes('for_statement'), ...this.nodes('for_in_clause')]) {
      const left = loop.childForFieldName('left');
      const right = loop.childForFieldName('right') ?? undefined;
      if (left) this.bindTargets(left, 'for', right);
    }
  }

  private bindParameters(fn: Node): void {
    const params = fn.childForFieldName('parameters');
    if (!params) return;
    const scope = this.scopes.get(fn.id)!;
    for (const param of params.namedChildren) {
      if (!param) continue;
      let nameNode: Node | null = null;
      let annotation: Node | undefined;
      if (param.type === 'identifier') nameNode = param;
      else if (param.type === 'typed_parameter') {
        nameNode = param.namedChildren.find((c) => c?.type === 'identifier') ?? null;
        annotation = param.childForFieldName('type') ?? undefined;
      } else if (param.type === 'default_parameter' || param.type === 'typed_default_parameter') {
        nameNode = param.childForFieldName('name');
        annotation = param.childForFieldName('type') ?? undefined;
      } else if (param.type === 'list_splat_pattern' || param.type === 'dictionary_splat_pattern') {
        const inner = param.namedChildren[0];
        if (inner?.type === 'identifier') this.bind(scope, { name: inner.text, kind: 'other', target: inner });
        continue;
      }
      if (nameNode?.type === 'identifier') this.bind(scope, { name: nameNode.text, kind: 'param', target: nameNode, annotation });
    }
  }

  private bindImport(stmt: Node): void {
    const scope = this.scopeFor(stmt);
    for (const name of stmt.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const dotted = name.childForFieldName('name');
        const alias = name.childForFieldName('alias');
        if (dotted && alias) this.bind(scope, { name: alias.text, kind: 'import', target: alias, qualified: dotted.text });
      } else if (name.type === 'dotted_name') {
        // `import a.b.c` binds `a`.
        const first = name.namedChildren[0];
        if (first) this.bind(scope, { name: first.text, kind: 'import', target: first, qualified: first.text });
      }
    }
  }

  private bindImportFrom(stmt: Node): void {
    const moduleNode = stmt.childForFieldName('module_name');
    if (!moduleNode || moduleNode.type === 'relative_import') return this.bindRelativeImport(stmt);
    const scope = this.scopeFor(stmt);
    const moduleName = moduleNode.text.replace(/\s+/g, '');
    for (const name of stmt.childrenForFieldName('name')) {
      if (!name) continue;
      const dotted = name.type === 'aliased_import' ? name.childForFieldName('name') : name;
      const local = name.type === 'aliased_import' ? name.childForFieldName('alias') : name;
      if (!dotted || !local) continue;
      this.bind(scope, { name: local.text, kind: 'import', target: local, qualified: `${moduleName}.${dotted.text}` });
    }
  }

  private bindRelativeImport(stmt: Node): void {
    // First-party names: bound as imports of a module we cannot see, so name-based guesses still apply.
    const scope = this.scopeFor(stmt);
    for (const name of stmt.childrenForFieldName('name')) {
      if (!name) continue;
      const local = name.type === 'aliased_import' ? name.childForFieldName('alias') : name;
      if (local) this.bind(scope, { name: local.text, kind: 'import', target: local, qualified: `.${local.text}` });
    }
  }

  private importedRoots(): Set<string> {
    const roots = new Set<string>();
    for (const stmt of this.nodes('import_statement')) {
      for (const name of stmt.childrenForFieldName('name')) {
        const dotted = name?.type === 'aliased_import' ? name.childForFieldName('name') : name;
        const first = dotted?.namedChildren[0];
        if (first) roots.add(first.text);
      }
    }
    for (const stmt of this.nodes('import_from_statement')) {
      const moduleNode = stmt.childForFieldName('module_name');
      if (moduleNode && moduleNode.type === 'dotted_name') roots.add(moduleNode.namedChildren[0]?.text ?? '');
    }
    return roots;
  }
}

/** Ranges of ERROR and MISSING nodes, found without walking the clean parts of the tree. */
export function syntaxErrorRanges(root: Node): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  if (!root.hasError) return ranges;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.isError || node.isMissing) {
      ranges.push([node.startIndex, node.endIndex]);
      continue;
    }
    if (!node.hasError) continue;
    for (const child of node.children) if (child) stack.push(child);
  }
  return ranges;
}
