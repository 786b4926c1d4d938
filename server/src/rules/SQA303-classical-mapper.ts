import type { Node } from '../parse/parser';
import type { Fix, Rule, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { MAPPER_FUNCTIONS, REGISTRY_CLASSES } from '../semantics/declarativeNames';
import { spellingsOf } from '../semantics/spellings';
import { isRelationshipCall, positionalArgs, stringValue } from '../semantics/declarative';
import { eolOf, fromImportOf, imported, referencesTo, removeImportedName, topLevelStatement } from './declarativeHelpers';

const REGISTRY_NAMES = ['mapper_registry', 'orm_registry'];

/**
 * SQA303 classical-mapper: `mapper(Cls, table)` becomes `mapper_registry.map_imperatively(Cls, table)`.
 */
export const classicalMapper: Rule = {
  code: 'SQA303',
  id: 'classical-mapper',
  tier: 'removed',
  fixable: 'safe',
  guide: {
    anchor: 'the-original-mapper-function-now-a-core-element-of-declarative-renamed',
    title: 'The original "mapper()" function now a core element of Declarative, renamed',
  },
  docs: {
    summary: 'classical mapping through the `mapper()` function',
    what: 'Flags calls of `sqlalchemy.orm.mapper()`, the classical (imperative) mapping function.',
    why: 'The standalone `mapper()` function is gone in 2.0, and so is its name in `sqlalchemy.orm`: even the import fails. Classical mappings are made through a `registry` object, the same one declarative uses, with `registry.map_imperatively()`. 1.4 emits `RemovedIn20Warning` for each call.',
    example: 'from sqlalchemy.orm import mapper\n\nmetadata = MetaData()\nusers = Table("users", metadata, Column("id", Integer, primary_key=True))\n\n\nclass User:\n    pass\n\n\nmapper(User, users)',
    useInstead: 'from sqlalchemy.orm import registry\n\nmapper_registry = registry()\nmetadata = MetaData()\nusers = Table("users", metadata, Column("id", Integer, primary_key=True))\n\n\nclass User:\n    pass\n\n\nmapper_registry.map_imperatively(User, users)',
    fixSafety: 'Safe: `map_imperatively()` takes the same arguments and builds the same mapper, on 1.4 and 2.0. The fix reuses a module-level `registry()` defined before the first call, or adds `mapper_registry = registry()`, and removes the `mapper` import once no use of it is left. All mappings of the file go through that one registry; when a relationship names its target by a string that is not mapped in this file (another module\'s registry would have to find it), or when `mapper` is used other than by calling it, the call is flagged without a fix.',
  },
  // One fix maps every call of the file through one registry.
  wholeModule: (model) => [...spellingsOf(model, [...MAPPER_FUNCTIONS, ...REGISTRY_CLASSES]), ...REGISTRY_NAMES, 'relationship', 'properties'],
  check(context) {
    const { model } = context;
    const calls = model.nodesWithWords('call', spellingsOf(model, [...MAPPER_FUNCTIONS])).filter((call) => {
      const fn = call.childForFieldName('function');
      return !!fn && MAPPER_FUNCTIONS.has(model.qualifiedName(fn) ?? '');
    });
    if (calls.length === 0) return;
    const fix = mapperFix(model, calls);
    for (const call of calls) context.report(call, '`mapper()` is removed in 2.0; map the class with `registry().map_imperatively()`', fix);
  },
};

/** One fix for every call of the file: one registry maps them all, and the `mapper` imports go. */
function mapperFix(model: ModuleModel, calls: Node[]): Fix | undefined {
  if (!stringTargetsStayInFile(model, calls)) return undefined;
  const first = calls.reduce((a, b) => (a.startIndex <= b.startIndex ? a : b));
  const registry = registryFor(model, first);
  if (!registry) return undefined;
  const edits: TextEdit[] = [...registry.lineEdits];
  const callees = new Set(calls.map((c) => c.childForFieldName('function')!.id));
  const imports = new Map<number, { statement: Node; nameNode: Node }>();
  for (const call of calls) {
    const fn = call.childForFieldName('function')!;
    edits.push({ start: fn.startIndex, end: fn.endIndex, newText: `${registry.name}.map_imperatively` });
    const binding = fn.type === 'identifier' ? model.lookup(fn.text, fn)?.[0] : undefined;
    if (!binding || imports.has(binding.target.id)) continue;
    const source = fromImportOf(binding);
    // Every use must be one of the calls: the import goes, and another use would lose its name.
    if (!source || referencesTo(model, binding).some((r) => !callees.has(r.id))) return undefined;
    imports.set(binding.target.id, source);
  }
  const statements = [...imports.values()].map((i) => i.statement.id);
  if (new Set(statements).size !== statements.length) return undefined;
  // The registry import takes a mapper import's place when it would extend that very statement.
  const place = [...imports.values()].find((i) => registry.importInto?.id === i.statement.id);
  if (!place) edits.push(...registry.importEdits);
  for (const source of imports.values()) {
    if (source === place) edits.push({ start: source.nameNode.startIndex, end: source.nameNode.endIndex, newText: 'registry' });
    else edits.push(removeImportedName(model, source.statement, source.nameNode));
  }
  return { title: `Map through ${registry.name}.map_imperatively()`, safety: 'safe', edits };
}

interface RegistrySite {
  name: string;
  /** The line that defines the registry, when there is none yet. */
  lineEdits: TextEdit[];
  importEdits: TextEdit[];
  /** The from-import statement the registry import extends, if it extends one. */
  importInto?: Node;
}

/** A module-level `registry()` bound before `first`'s statement, or the edits that add `mapper_registry = registry()` there. */
function registryFor(model: ModuleModel, first: Node): RegistrySite | undefined {
  const statement = topLevelStatement(first);
  if (!statement) return undefined;
  for (const assignment of model.nodesWithWords('assignment', spellingsOf(model, [...REGISTRY_CLASSES]))) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    const fn = right?.type === 'call' ? right.childForFieldName('function') : undefined;
    if (left?.type !== 'identifier' || !fn || !REGISTRY_CLASSES.has(model.qualifiedName(fn) ?? '')) continue;
    if (assignment.parent?.parent?.type !== 'module' || assignment.endIndex > statement.startIndex) continue;
    if (model.moduleBindings(left.text)?.length === 1) return { name: left.text, lineEdits: [], importEdits: [] };
  }
  const name = REGISTRY_NAMES.find((n) => !model.moduleBindings(n) && !model.lookup(n, first));
  const registry = imported(model, 'sqlalchemy.orm', 'registry', statement);
  if (!name || !registry) return undefined;
  const eol = eolOf(model.text);
  const at = lineStartAbove(model, statement);
  const spacing = ['function_definition', 'class_definition', 'decorated_definition'].includes(statement.type) ? `${eol}${eol}` : '';
  const line: TextEdit = { start: at, end: at, newText: `${name} = ${registry.text}()${eol}${spacing}` };
  const importInto = registry.edits.length === 1 && registry.edits[0].newText.startsWith(',') ? statementAt(model, registry.edits[0].start) : undefined;
  return { name, lineEdits: [line], importEdits: registry.edits, importInto };
}

/** The start of the statement's line, moved up over the comment lines right above it. */
function lineStartAbove(model: ModuleModel, statement: Node): number {
  let start = model.text.lastIndexOf('\n', statement.startIndex - 1) + 1;
  for (;;) {
    if (start === 0) return start;
    const previous = model.text.lastIndexOf('\n', start - 2) + 1;
    if (!/^[ \t]*#/.test(model.text.slice(previous, start))) return start;
    start = previous;
  }
}

function statementAt(model: ModuleModel, offset: number): Node | undefined {
  return model.nodesWithWords('import_from_statement', ['import']).find((s) => s.startIndex < offset && offset <= s.endIndex);
}

/** `relationship("Address")` in `properties=` must find `Address` in the same registry: a class mapped in this file. */
function stringTargetsStayInFile(model: ModuleModel, calls: Node[]): boolean {
  const mapped = new Set(calls.map((c) => positionalArgs(c)[0]?.text).filter((t): t is string => !!t));
  for (const call of calls) {
    for (const rel of call.descendantsOfType('call')) {
      if (!rel || !isRelationshipCall(model, rel, () => false)) continue;
      const target = stringValue(positionalArgs(rel)[0]);
      if (target !== undefined && !mapped.has(target)) return false;
    }
  }
  return true;
}
