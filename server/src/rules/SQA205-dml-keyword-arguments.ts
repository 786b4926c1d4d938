import type { Node } from '../parse/parser';
import type { Fix, Rule, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts, type CallParts } from './helpers';
import { isTableExpression } from '../semantics/statements';
import { chainReplacing, dmlSteps, namedArguments, sequenceItems } from '../fix/generative';

type Dml = 'insert' | 'update' | 'delete';
const DML_KINDS = new Set<string>(['insert', 'update', 'delete']);

/** The 1.x constructor parameters after the table, in positional order. */
const CONSTRUCTOR_POSITIONS: Record<Dml, string[]> = {
  insert: ['values', 'inline', 'bind', 'prefixes', 'returning', 'return_defaults'],
  update: ['whereclause', 'values', 'inline', 'bind', 'prefixes', 'returning', 'return_defaults', 'preserve_parameter_order'],
  delete: ['whereclause', 'bind', 'returning', 'prefixes'],
};
/** `Table.insert()` and friends took fewer positionals; the rest came as keywords. */
const METHOD_POSITIONS: Record<Dml, string[]> = {
  insert: ['values', 'inline'],
  update: ['whereclause', 'values', 'inline'],
  delete: ['whereclause'],
};
const DML_MODULES = ['sqlalchemy', 'sqlalchemy.sql', 'sqlalchemy.sql.expression', 'sqlalchemy.sql.dml'];
const DIALECT_INSERTS = new Set(['postgresql', 'sqlite', 'mysql'].map((d) => `sqlalchemy.dialects.${d}.insert`));

/**
 * SQA205 dml-keyword-arguments: `insert(t, values=...)`, `t.update(whereclause, values=...)`, `t.delete(whereclause)`.
 */
export const dmlKeywordArguments: Rule = {
  code: 'SQA205',
  id: 'dml-keyword-arguments',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'insert-update-delete-dml-no-longer-accept-keyword-constructor-arguments', title: 'insert/update/delete DML no longer accept keyword constructor arguments' },
  docs: {
    summary: '`insert()`, `update()` or `delete()` built with constructor arguments',
    what: 'Flags `insert()`, `update()` and `delete()` (the functions and the Table methods) given anything beyond the table: a WHERE clause, `values=`, `inline=`, `returning=`, `return_defaults=`, `prefixes=` or `preserve_parameter_order=`.',
    why: 'In 2.0 the DML constructors take only the table; the rest of the statement is built with generative methods, as for `select()`. 1.4 warns about each legacy argument.',
    example: 'users = Table("users", MetaData(), Column("id", Integer, primary_key=True), Column("name", String))\nstmt = users.update(users.c.id == 5, values={"name": "ed"})\ngone = users.delete(users.c.id == 7)',
    useInstead: 'users = Table("users", MetaData(), Column("id", Integer, primary_key=True), Column("name", String))\nstmt = users.update().where(users.c.id == 5).values({"name": "ed"})\ngone = users.delete().where(users.c.id == 7)',
    fixSafety: 'Safe: each argument becomes the method the 1.x constructor called for it (`.where()`, `.values()`, `.inline()`, `.returning()`, `.return_defaults()`, `.prefix_with()`), and `preserve_parameter_order=True` with a list of pairs becomes `.ordered_values()`. The statement is the same on 1.4 and 2.0. `bind=` and dialect keywords leave the call flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      if (!parts) continue;
      const site = dmlSite(model, parts);
      if (!site) continue;
      const message = `${site.kind}() takes only the table in 2.0; build the statement with generative methods`;
      context.report(call, message, generativeFix(model, parts, site));
    }
  },
};

interface DmlSite {
  kind: Dml;
  /** Text of the call up to its arguments, with the table for the function form: `insert(users` or `users.insert(`. */
  head: string;
  args: Map<string, Node> | undefined;
}

function dmlSite(model: ModuleModel, parts: CallParts): DmlSite | undefined {
  const qualified = model.qualifiedName(parts.fn);
  if (qualified) {
    const kind = qualified.slice(qualified.lastIndexOf('.') + 1) as Dml;
    const module = qualified.slice(0, qualified.lastIndexOf('.'));
    const known = (DML_MODULES.includes(module) && DML_KINDS.has(kind)) || DIALECT_INSERTS.has(qualified);
    const table = parts.positional[0];
    if (!known || !table || parts.positional.length + parts.keywords.length + parts.splats.length <= 1) return undefined;
    const rest = { positional: parts.positional.slice(1), keywords: parts.keywords, splats: parts.splats };
    return { kind, head: `${model.textOf(parts.fn)}(${model.textOf(table)}`, args: namedArguments(rest, CONSTRUCTOR_POSITIONS[kind]) };
  }
  if (!parts.object || !parts.method || !DML_KINDS.has(parts.method)) return undefined;
  if (parts.positional.length + parts.keywords.length + parts.splats.length === 0) return undefined;
  if (!isTableExpression(model, parts.object)) return undefined;
  const kind = parts.method as Dml;
  // Keywords past the method's own parameters went on to the constructor.
  return { kind, head: `${model.textOf(parts.fn)}(`, args: namedArguments(parts, [...METHOD_POSITIONS[kind], ...CONSTRUCTOR_POSITIONS[kind].filter((p) => !METHOD_POSITIONS[kind].includes(p))]) };
}

function generativeFix(model: ModuleModel, parts: CallParts, site: DmlSite): Fix | undefined {
  if (!site.args) return undefined;
  const steps = dmlSteps(model, site.args, parts.call);
  if (!steps) return undefined;
  const edits: TextEdit[] = [...steps.edits, { start: parts.call.startIndex, end: parts.call.endIndex, newText: chainReplacing(model, parts.call, `${site.head})`, steps.steps) }];
  if (site.args.get('preserve_parameter_order')?.type === 'true' && !site.args.has('values')) {
    // `t.update(..., preserve_parameter_order=True).values([(c, v), ...])`: the chained values() keeps its order.
    const ordered = chainedOrderedValues(model, parts.call);
    if (!ordered) return undefined;
    edits.push(ordered);
  }
  return { title: 'Build the statement with generative methods', safety: 'safe', edits };
}

/** `.values([(a, 1), (b, 2)])` right after the call becomes `.ordered_values((a, 1), (b, 2))`. */
function chainedOrderedValues(model: ModuleModel, call: Node): TextEdit | undefined {
  const attribute = call.parent;
  if (attribute?.type !== 'attribute' || attribute.childForFieldName('object')?.id !== call.id) return undefined;
  const method = attribute.childForFieldName('attribute');
  const valuesCall = attribute.parent;
  if (method?.text !== 'values' || valuesCall?.type !== 'call') return undefined;
  const parts = callParts(valuesCall);
  if (!parts || parts.positional.length !== 1 || parts.keywords.length + parts.splats.length > 0) return undefined;
  const pairs = sequenceItems(model, parts.positional[0]);
  if (pairs === undefined) return undefined;
  return { start: method.startIndex, end: valuesCall.endIndex, newText: `ordered_values(${pairs})` };
}
