import type { Node } from '../parse/parser';
import type { Binding, ModuleModel } from '../semantics/model';
import type { TextEdit } from '../rules/types';

export interface ImportedName {
  /** How the code refers to the name at the use site (`select`, `sa.select`). */
  expression: string;
  /** The edits that add the import; empty when it is there already. */
  edits: TextEdit[];
}

/**
 * Makes `module.name` usable at `useSite`, in the file's own import style: reuse a binding that
 * already means it, reuse `import module as alias`, extend `from module import ...`, or add a line.
 * Undefined when the plain name is taken by something else there.
 */
export function ensureImported(model: ModuleModel, module: string, name: string, useSite: Node, equivalents: Set<string>): ImportedName | undefined {
  const local = model.lookup(name, useSite);
  if (local) {
    if (local.every((b) => b.kind === 'import' && equivalents.has(b.qualified ?? ''))) {
      // An import further down has not run yet when the code above it does: import the name again, earlier.
      if (local.every((b) => boundAfter(model, b, useSite))) return { expression: name, edits: [importEdit(model, module, name, useSite)] };
      return { expression: name, edits: [] };
    }
    return viaModuleAlias(model, module, name, useSite);
  }
  // The name is free: any use of it elsewhere in the module (say, a global assigned later) blocks it.
  if (model.moduleBindings(name)) return viaModuleAlias(model, module, name, useSite);
  const alias = viaModuleAlias(model, module, name, useSite);
  if (alias && preferModuleAlias(model, module)) return alias;
  return { expression: name, edits: [importEdit(model, module, name, useSite)] };
}

/** True when `binding` is made after `useSite` runs: later in the same scope (class bodies run in place). */
function boundAfter(model: ModuleModel, binding: Binding, useSite: Node): boolean {
  if (binding.target.startIndex < useSite.startIndex) return false;
  const bindingScope = model.scopeNodeOf(binding.target);
  let scope = model.scopeNodeOf(useSite);
  while (scope.type === 'class_definition' && scope.id !== bindingScope.id) scope = model.scopeNodeOf(scope);
  return scope.id === bindingScope.id;
}

/** `import sqlalchemy as sa` with no `from sqlalchemy import ...`: the file writes `sa.select`. */
function preferModuleAlias(model: ModuleModel, module: string): boolean {
  return !findFromImport(model, module);
}

function viaModuleAlias(model: ModuleModel, module: string, name: string, useSite: Node): ImportedName | undefined {
  for (const stmt of model.nodesWithWords('import_statement', ['import'])) {
    if (stmt.parent?.type !== 'module') continue;
    for (const imported of stmt.childrenForFieldName('name')) {
      if (!imported) continue;
      const dotted = imported.type === 'aliased_import' ? imported.childForFieldName('name') : imported;
      if (dotted?.text !== module) continue;
      const local = imported.type === 'aliased_import' ? imported.childForFieldName('alias')!.text : module;
      const bindings = model.lookup(local.split('.')[0], useSite);
      if (bindings?.length === 1 && bindings[0].kind === 'import') return { expression: `${local}.${name}`, edits: [] };
    }
  }
  return undefined;
}

/** The first top-level `from module import ...`; with `before`, only one that starts before that offset. */
function findFromImport(model: ModuleModel, module: string, before = Infinity): Node | undefined {
  return model.nodesWithWords('import_from_statement', ['import']).find((stmt) => {
    if (stmt.parent?.type !== 'module' || stmt.startIndex >= before) return false;
    const moduleNode = stmt.childForFieldName('module_name');
    if (moduleNode?.text !== module) return false;
    return stmt.childrenForFieldName('name').length > 0 && !model.isInError(stmt);
  });
}

function importEdit(model: ModuleModel, module: string, name: string, useSite: Node): TextEdit {
  const existing = findFromImport(model, module, useSite.startIndex);
  if (existing) {
    const names = existing.childrenForFieldName('name');
    const last = names[names.length - 1]!;
    return { start: last.endIndex, end: last.endIndex, newText: `, ${name}` };
  }
  const point = lineInsertionPoint(model);
  const needsBreak = point.start === model.text.length && model.text.length > 0 && !model.text.endsWith('\n');
  const newline = eol(model.text);
  return { ...point, newText: `${needsBreak ? newline : ''}from ${module} import ${name}${newline}` };
}

function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** After the last top-level import, or after the docstring and `__future__` imports when there is none. */
function lineInsertionPoint(model: ModuleModel): { start: number; end: number } {
  let after: Node | undefined;
  let leadingComment: Node | undefined;
  for (let i = 0; i < model.unitCount; i++) {
    const child = model.unitNode(i);
    if (child.type === 'import_statement' || child.type === 'import_from_statement' || child.type === 'future_import_statement') after = child;
    else if (!after && child.type === 'expression_statement' && child.namedChildren[0]?.type === 'string') after = child;
    else if (child.type === 'comment') {
      if (!after) leadingComment = child;
    } else break;
  }
  after ??= leadingComment;
  if (!after) return { start: 0, end: 0 };
  const lineEnd = model.text.indexOf('\n', after.endIndex);
  const position = lineEnd === -1 ? model.text.length : lineEnd + 1;
  return { start: position, end: position };
}
