import type { Node } from '../parse/parser';
import type { Binding, ModuleModel } from '../semantics/model';
import type { RuleContext, TextEdit } from './types';
import { ensureImported } from '../fix/imports';
import { projectViewOf } from '../semantics/projectModels';
import type { ClassKind, ClassRef, ProjectView } from '../semantics/projectView';
import { classAssignments, type ClassAssignment, type FlaskDbTest } from '../semantics/declarative';
import { classesOfUnit } from '../semantics/moduleStatements';
import { MAPPED_CONTAINERS, type PythonType } from '../semantics/declarativeNames';
import { aliasedImports } from '../semantics/spellings';
import { ModelMemo } from '../semantics/modelMemo';

/** A module-level class of this file that takes part in mapping. */
export interface OrmClassSite {
  node: Node;
  ref: ClassRef;
  kind: ClassKind;
  assignments: ClassAssignment[];
}

export function viewOf(context: RuleContext): ProjectView {
  return projectViewOf(context.model, context.models, context.filePath);
}

export function flaskTestOf(view: ProjectView): FlaskDbTest {
  return (name) => view.isFlaskDb(name);
}

const sitesCache = new ModelMemo<OrmClassSite[]>();

/**
 * Classes of this module that are bases, mapped classes or mixins of mapped classes, in the
 * statements the rules check: what they report on (other classes are known through the view).
 */
export function ormClassSites(model: ModuleModel, view: ProjectView): OrmClassSite[] {
  const cached = sitesCache.get(model);
  if (cached) return cached;
  const sites: OrmClassSite[] = [];
  const classes: Node[] = [];
  for (let i = 0; i < model.unitCount; i++) if (model.isUnitChecked(i)) classes.push(...classesOfUnit(model, i));
  for (const node of classes) {
    const name = node.childForFieldName('name')?.text;
    const ref = name ? view.localClass(name) : undefined;
    // A later class of the same name replaces this one in the module; the index holds the later.
    if (!ref || ref.cls.start !== node.startIndex) continue;
    const kind = view.classKind(ref);
    if (kind) sites.push({ node, ref, kind, assignments: classAssignments(node) });
  }
  sitesCache.set(model, sites);
  return sites;
}

/** `module.name` usable at `useSite`: its expression and the import edits. */
export function imported(model: ModuleModel, module: string, name: string, useSite: Node): { text: string; edits: TextEdit[] } | undefined {
  const result = ensureImported(model, module, name, useSite, new Set([`${module}.${name}`]));
  return result && { text: result.expression, edits: result.edits };
}

/** The Python type as this module can write it in an annotation, with the imports it needs. */
export function pythonTypeText(model: ModuleModel, type: PythonType, useSite: Node): { text: string; edits: TextEdit[] } | undefined {
  if (!type.module) return { text: type.name, edits: [] };
  return imported(model, type.module, type.name, useSite);
}

/** True when an annotation already uses `Mapped[...]` (or `WriteOnlyMapped`, `DynamicMapped`). */
export function isMappedAnnotation(model: ModuleModel, annotation: Node): boolean {
  let expr: Node | null = annotation.type === 'type' ? annotation.namedChildren[0] : annotation;
  if (expr?.type === 'string') return /^["']+\s*(\w+\.)*(Mapped|WriteOnlyMapped|DynamicMapped)\b/.test(expr.text);
  if (expr?.type === 'generic_type' || expr?.type === 'subscript') expr = expr.namedChildren[0] ?? null;
  if (!expr) return false;
  const qualified = model.qualifiedName(expr);
  if (qualified) return MAPPED_CONTAINERS.has(qualified);
  // An unresolved name spelled like the container (a re-export from the project) counts as one.
  return /^(\w+\.)*(Mapped|WriteOnlyMapped|DynamicMapped)$/.test(expr.text);
}

/** Identifiers of the module that read the given binding (its uses, not the binding itself). */
export function referencesTo(model: ModuleModel, binding: Binding): Node[] {
  const result: Node[] = [];
  // Only statements that spell the name can read it.
  for (const node of model.descendantsWithWords('identifier', [binding.name])) {
    if (!node || node.text !== binding.name || node.id === binding.target.id) continue;
    const parent = node.parent;
    if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === node.id) continue;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === node.id) continue;
    if (parent?.type === 'dotted_name' || parent?.type === 'aliased_import') continue;
    const found = model.lookup(node.text, node);
    if (found?.length === 1 && found[0].target.id === binding.target.id) result.push(node);
  }
  return result;
}

/** The `from m import a, b` statement and the name node (`a` or `a as x`) a from-import binding comes from. */
export function fromImportOf(binding: Binding): { statement: Node; nameNode: Node } | undefined {
  let nameNode: Node | null = binding.target;
  if (nameNode.parent?.type === 'aliased_import') nameNode = nameNode.parent;
  else if (nameNode.parent?.type === 'dotted_name') nameNode = nameNode.parent;
  const statement = nameNode.parent;
  if (statement?.type !== 'import_from_statement') return undefined;
  return { statement, nameNode };
}

/** Removes one name from a from-import, or the whole statement (and its line) when it is the only one. */
export function removeImportedName(model: ModuleModel, statement: Node, nameNode: Node): TextEdit {
  return removeImportedNames(model, statement, [nameNode])[0];
}

/** Removes names from a from-import, each run of neighbours with its commas; the statement goes when none is left. */
export function removeImportedNames(model: ModuleModel, statement: Node, removed: Node[]): TextEdit[] {
  const names = statement.childrenForFieldName('name').filter((n): n is Node => !!n);
  const gone = new Set(removed.map((n) => n.id));
  if (names.every((n) => gone.has(n.id))) {
    const lineStart = model.text.lastIndexOf('\n', statement.startIndex - 1) + 1;
    const lineEnd = model.text.indexOf('\n', statement.endIndex);
    const alone = /^[ \t]*$/.test(model.text.slice(lineStart, statement.startIndex)) && lineEnd !== -1 && /^[ \t]*\r?$/.test(model.text.slice(statement.endIndex, lineEnd));
    // A statement alone on its line goes with the line; otherwise `pass` keeps a block valid.
    return [alone ? { start: lineStart, end: lineEnd + 1, newText: '' } : { start: statement.startIndex, end: statement.endIndex, newText: 'pass' }];
  }
  const edits: TextEdit[] = [];
  for (let i = 0; i < names.length; i++) {
    if (!gone.has(names[i].id)) continue;
    let j = i;
    while (j + 1 < names.length && gone.has(names[j + 1].id)) j++;
    // A run before a kept name takes the commas after it; a run at the end takes the comma before it.
    edits.push(j + 1 < names.length
      ? { start: names[i].startIndex, end: names[j + 1].startIndex, newText: '' }
      : { start: names[i - 1].endIndex, end: names[j].endIndex, newText: '' });
    i = j;
  }
  return edits;
}

/** The statement directly in the module that holds `node`. */
export function topLevelStatement(node: Node): Node | undefined {
  let current: Node | null = node;
  while (current && current.parent && current.parent.type !== 'module') current = current.parent;
  return current?.parent?.type === 'module' ? current : undefined;
}

export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** The names, plus the local names a module imports them under (`relationship as rel`). */
export function withAliases(model: ModuleModel, names: ReadonlySet<string>): Set<string> {
  const result = new Set(names);
  for (const { name, alias } of aliasedImports(model)) if (names.has(name)) result.add(alias);
  return result;
}

/** Whether a call's function is spelled with one of these names (`relationship(...)`, `orm.relationship(...)`): a cheap test before resolving it. */
export function calleeNamed(call: Node, names: ReadonlySet<string>): boolean {
  const fn = call.childForFieldName('function');
  const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.type === 'identifier' ? fn.text : undefined;
  return !!name && names.has(name);
}

/** Literal values (strings, numbers, True/False/None) read the same in any scope. */
export function isLiteral(node: Node | undefined): boolean {
  if (!node) return false;
  if (['string', 'integer', 'float', 'true', 'false', 'none'].includes(node.type)) return node.type !== 'string' || node.descendantsOfType('interpolation').length === 0;
  if (node.type === 'unary_operator') return isLiteral(node.namedChildren[0] ?? undefined);
  return false;
}
