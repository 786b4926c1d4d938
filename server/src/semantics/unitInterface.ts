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
  if (definition.type === 'function_definition') {
    // Decorators, name, return annotation, and the parameters what others see reads (a parameter
    // an attribute or a return takes its value from); the names of the others are the body's own.
    const bodyParts: string[] = [];
    const read = addFunctionBody(body, bodyParts);
    const parameters = definition.childForFieldName('parameters');
    const head = outer.text.slice(0, body.startIndex - outer.startIndex);
    if (!parameters) parts.push(head);
    else {
      const kept = parameters.namedChildren.filter((p): p is Node => !!p && (parameterName(p) === undefined || read.has(parameterName(p)!)));
      const from = parameters.startIndex - outer.startIndex;
      const to = parameters.endIndex - outer.startIndex;
      parts.push(`${head.slice(0, from)}(${kept.map(visibleParameter).join(', ')}; ${parameters.namedChildCount})${head.slice(to)}`);
    }
    parts.push(...bodyParts);
    return;
  }
  // Decorators, name, bases.
  parts.push(outer.text.slice(0, body.startIndex - outer.startIndex));
  for (const statement of body.namedChildren) {
    if (!statement) continue;
    const inner = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
    if (inner && (inner.type === 'function_definition' || inner.type === 'class_definition')) addDefinition(statement, inner, parts);
    else parts.push(statement.text);
  }
}

/** What a kept parameter shows: its name and annotation (what a receiver's kind is read from), not its default. */
function visibleParameter(parameter: Node): string {
  const name = parameterName(parameter);
  if (name === undefined) return parameter.text;
  const annotation = parameter.childForFieldName('type');
  return annotation ? `${name}: ${annotation.text}` : name;
}

/** The name a parameter binds; undefined for `*`, `/` and anything unusual (kept whole). */
function parameterName(parameter: Node): string | undefined {
  if (parameter.type === 'identifier') return parameter.text;
  if (parameter.type === 'default_parameter' || parameter.type === 'typed_default_parameter') return parameter.childForFieldName('name')?.text ?? undefined;
  if (parameter.type === 'typed_parameter' || parameter.type === 'list_splat_pattern' || parameter.type === 'dictionary_splat_pattern') {
    const inner = parameter.namedChildren.find((n) => n?.type === 'identifier' || n?.type === 'list_splat_pattern' || n?.type === 'dictionary_splat_pattern');
    return inner ? parameterName(inner) : undefined;
  }
  return undefined;
}

/** Adds what the body shows others; returns the words that text reads. */
function addFunctionBody(body: Node, parts: string[]): Set<string> {
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
  return returned;
}

const WORDS = /[A-Za-z_][A-Za-z0-9_]*/g;
