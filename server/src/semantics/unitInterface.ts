import type { Node } from '../parse/parser';

/**
 * What other statements of a module can learn from a top-level function or class: its header,
 * what its functions return (and the assignments those returns read), its class-level statements
 * and the instance attributes its methods set. Undefined for other statements, whose whole text
 * counts. An edit that leaves this text alone cannot change a finding outside the definition.
 */
export function interfaceText(unit: Node): string | undefined {
  const definition = unit.type === 'decorated_definition' ? unit.childForFieldName('definition') : unit;
  if (!definition || (definition.type !== 'function_definition' && definition.type !== 'class_definition')) return undefined;
  const parts: string[] = [];
  addDefinition(unit, definition, parts);
  return parts.join('\n');
}

function addDefinition(outer: Node, definition: Node, parts: string[]): void {
  const body = definition.childForFieldName('body');
  if (!body) {
    parts.push(outer.text);
    return;
  }
  // Decorators, name, parameters or bases, return annotation.
  parts.push(outer.text.slice(0, body.startIndex - outer.startIndex));
  if (definition.type === 'function_definition') {
    addFunctionBody(body, parts);
    return;
  }
  for (const statement of body.namedChildren) {
    if (!statement) continue;
    const inner = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (inner && (inner.type === 'function_definition' || inner.type === 'class_definition')) addDefinition(statement, inner, parts);
    else parts.push(statement.text);
  }
}

function addFunctionBody(body: Node, parts: string[]): void {
  const returns = body.descendantsOfType(['return_statement', 'yield', 'global_statement', 'nonlocal_statement']).filter((n): n is Node => !!n);
  const returned = new Set<string>();
  for (const statement of returns) {
    parts.push(statement.text);
    for (const word of statement.text.match(WORDS) ?? []) returned.add(word);
  }
  // Assignments to what the returns read, to what those read in turn, and to attributes (`self.session = ...`).
  const assignments: Array<{ text: string; targets: string[]; attribute: boolean; used: boolean }> = [];
  for (const assignment of body.descendantsOfType(['assignment', 'augmented_assignment'])) {
    const left = assignment?.childForFieldName('left');
    if (!assignment || !left) continue;
    assignments.push({ text: assignment.text, targets: left.text.match(WORDS) ?? [], attribute: left.type === 'attribute', used: false });
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const assignment of assignments) {
      if (assignment.used || !(assignment.attribute || assignment.targets.some((w) => returned.has(w)))) continue;
      assignment.used = true;
      grew = true;
      for (const word of assignment.text.match(WORDS) ?? []) returned.add(word);
    }
  }
  for (const assignment of assignments) if (assignment.used) parts.push(assignment.text);
}

const WORDS = /[A-Za-z_][A-Za-z0-9_]*/g;
