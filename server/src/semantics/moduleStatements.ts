import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';
import { ModelMemo } from './modelMemo';

/** Block statements whose bodies still run in the module's scope. */
const COMPOUND = new Set(['if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'finally_clause', 'with_statement', 'for_statement', 'while_statement', 'block']);

/** Statements that run in the module's scope, in source order: top-level ones and those in if/try/with/for blocks. */
export function moduleLevelStatements(root: Node): Node[] {
  const result: Node[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const children = node.namedChildren.filter((n): n is Node => !!n);
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (COMPOUND.has(child.type)) stack.push(child);
      else if (node.type === 'module' || node.type === 'block') result.push(child);
    }
  }
  return result.sort((a, b) => a.startIndex - b.startIndex);
}

/** Top-level statements whose blocks hold more module-level statements. */
export const COMPOUND_UNITS = new Set(['if_statement', 'try_statement', 'with_statement', 'for_statement', 'while_statement']);

/** The module-level classes one top-level statement holds (itself, or classes in its blocks), outside parse errors. */
export function classesOfUnit(model: ModuleModel, i: number): Node[] {
  const type = model.unitType(i);
  if (type !== 'class_definition' && type !== 'decorated_definition' && !COMPOUND_UNITS.has(type)) return [];
  const unit = model.unitNode(i);
  return (COMPOUND_UNITS.has(type) ? moduleLevelStatements(unit) : [unit])
    .map((s) => (s.type === 'decorated_definition' ? s.childForFieldName('definition') : s))
    .filter((c): c is Node => c?.type === 'class_definition' && !model.isInError(c));
}

const classesCache = new ModelMemo<Node[]>();

/** The module-level classes of a module (decorated or not), outside parse errors. */
export function moduleLevelClasses(model: ModuleModel): Node[] {
  return classesCache.of(model, () => {
    const classes: Node[] = [];
    for (let i = 0; i < model.unitCount; i++) classes.push(...classesOfUnit(model, i));
    return classes;
  });
}
