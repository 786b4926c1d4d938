import type { Node } from '../parse/parser';
import type { ModuleModel } from '../semantics/model';
import { indentUnit, lineIndentOf } from '../rules/helpers';

/**
 * The unit that indents lines a fix adds one level below a line indented by `indent`: a tab under
 * a tab-indented line, so that the new lines do not mix tabs and spaces; else the file's unit, read
 * off its other blocks when no `def` or `class` body shows it.
 */
export function addedIndentUnit(model: ModuleModel, indent: string): string {
  if (indent.includes('\t')) return '\t';
  const hasDefinitions = !model.eachNodeWithWords('function_definition', ['def']).next().done || !model.eachNodeWithWords('class_definition', ['class']).next().done;
  return (!hasDefinitions && blockIndentUnit(model)) || indentUnit(model);
}

/** The step from the first indented block's header line to its body. */
function blockIndentUnit(model: ModuleModel): string | undefined {
  // Statement by statement, so that only the first ones with a block are looked at.
  for (let i = 0; i < model.unitCount; i++) {
    const found = firstBlockIndent(model, model.unitNode(i));
    if (found) return found;
  }
  return undefined;
}

function firstBlockIndent(model: ModuleModel, unit: Node): string | undefined {
  for (const block of unit.descendantsOfType('block')) {
    if (!block?.parent) continue;
    const outer = lineIndentOf(model, block.parent);
    const inner = lineIndentOf(model, block);
    if (outer !== undefined && inner !== undefined && inner.length > outer.length && inner.startsWith(outer)) return inner.slice(outer.length);
  }
  return undefined;
}
