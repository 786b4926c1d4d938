import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { enclosingStatement, keywordName, keywordValue, checkedMethodCalls, methodCallsIn, type CallParts } from './helpers';
import { receiversOf } from '../semantics/receivers';
import { isCoreStatement, TABLE_FACTORIES } from '../semantics/statements';
import { boundMetadata, engineTextAt } from '../semantics/boundMetadata';
import { connectionBlockEdit, type ConnectionUse } from '../fix/connectionBlock';

const MESSAGE = 'Implicit execution (statement.execute() through bound metadata) is removed in 2.0; execute on a Connection';
const EXECUTORS = new Set(['connection', 'engine', 'session', 'scopedSession', 'query', 'foreign', 'dbapi']);

/**
 * SQA102 implicit-execution: a statement executed by itself, through its bound metadata.
 */
export const implicitExecution: Rule = {
  code: 'SQA102',
  id: 'implicit-execution',
  tier: 'removed',
  fixable: 'review',
  guide: { anchor: 'migration-20-implicit-execution', title: '"Implicit" and "Connectionless" execution, "bound metadata" removed' },
  docs: {
    summary: 'a statement executed by itself: `stmt.execute()`, `stmt.scalar()`',
    what: 'Flags `execute()` and `scalar()` called on a Core statement (`users.select().execute()`, `select(...).scalar()`, `users.insert().execute(name="ed")`), which ran on the engine its tables\' MetaData was bound to.',
    why: '"Implicit execution" depended on bound metadata, which 2.0 removes together with connectionless execution. A statement no longer knows an engine: it is executed by a Connection (or a Session) whose scope and transaction are explicit.',
    example: 'metadata = MetaData(bind=engine)\nusers = Table("users", metadata, Column("id", Integer, primary_key=True))\nrows = users.select().execute().fetchall()',
    useInstead: 'metadata = MetaData()\nusers = Table("users", metadata, Column("id", Integer, primary_key=True))\nwith engine.begin() as conn:\n    rows = conn.execute(users.select()).fetchall()',
    fixSafety: 'Needs review. When the engine bound to the statement\'s tables is known in the file, the statement moves into `with engine.begin() as conn:` and runs as `conn.execute(stmt, params)`, which commits at the end as the old autocommit did for writes. Like SQA101, the fix applies only where the result is used up within the statement; a result kept for later, or a statement whose engine is not known here, is flagged for a manual rewrite.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['execute', 'scalar']))) {
      if (!parts.object || EXECUTORS.has(receivers.kindOf(parts.object))) continue;
      if (!isCoreStatement(model, parts.object)) continue;
      context.report(parts.call, MESSAGE, implicitFix(model, parts));
    }
  },
};

function implicitFix(model: ModuleModel, parts: CallParts): Fix | undefined {
  const engine = boundEngine(model, parts.object!);
  const engineText = engine && engineTextAt(model, engine, parts.call);
  if (!engineText) return undefined;
  // Every implicit execution on the same engine in this statement moves onto the connection.
  const uses: ConnectionUse[] = [];
  const statement = enclosingStatement(parts.call);
  for (const other of statement ? methodCallsIn(statement, new Set(['execute', 'scalar'])) : [parts]) {
    if (other.call.id !== parts.call.id && !sameStatement(other.call, parts.call)) continue;
    if (!other.object || EXECUTORS.has(receiversOf(model).kindOf(other.object)) || !isCoreStatement(model, other.object)) continue;
    const otherEngine = boundEngine(model, other.object);
    const params = parametersText(model, other);
    if (!otherEngine || otherEngine.text !== engine.text || params === undefined) return undefined;
    const statementText = model.textOf(other.object);
    uses.push({ call: other.call, rewrite: (conn) => `${conn}.${other.method}(${statementText}${params})` });
  }
  const block = connectionBlockEdit(model, engineText, uses);
  if (!block) return undefined;
  return { title: `Execute on a connection: with ${engineText}.begin() as ${block.connection}`, safety: 'review', edits: [block.edit] };
}

function sameStatement(a: Node, b: Node): boolean {
  return enclosingStatement(a)?.id === enclosingStatement(b)?.id;
}

/** `execute()` -> ``, `execute({...})` -> `, {...}`, `execute(name="ed")` -> `, {"name": "ed"}`. */
function parametersText(model: ModuleModel, parts: CallParts): string | undefined {
  const dictSplats = parts.splats.filter((s) => s.type === 'dictionary_splat');
  if (parts.splats.length !== dictSplats.length) return undefined;
  const named = [...parts.keywords, ...dictSplats].sort((a, b) => a.startIndex - b.startIndex);
  if (parts.positional.length > 1 || (parts.positional.length === 1 && named.length > 0)) return undefined;
  if (parts.positional.length === 1) return `, ${model.textOf(parts.positional[0])}`;
  if (named.length === 0) return '';
  const entries = named.map((arg) => (arg.type === 'dictionary_splat' ? model.textOf(arg) : `${JSON.stringify(keywordName(arg))}: ${model.textOf(keywordValue(arg)!)}`));
  return `, {${entries.join(', ')}}`;
}

/**
 * The engine the statement's tables are bound to: every Table it names (directly or through the names
 * it is built from) belongs to a MetaData or declarative base bound in this file, all to one engine.
 */
function boundEngine(model: ModuleModel, statement: Node): Node | undefined {
  const holders = boundMetadata(model).holders;
  if (holders.size === 0) return undefined;
  const engines = new Map<string, Node>();
  let unknownTable = false;
  const visit = (node: Node, depth: number) => {
    if (depth > 10) return;
    for (const name of [node, ...node.descendantsOfType('identifier').filter((n): n is Node => !!n)]) {
      if (name.type !== 'identifier') continue;
      const bindings = model.lookup(name.text, name);
      if (bindings?.length !== 1) continue;
      const binding = bindings[0];
      if (binding.kind === 'class') {
        const engine = baseEngine(binding.value!, holders);
        if (engine) engines.set(engine.text, engine);
        continue;
      }
      const value = binding.kind === 'assign' ? binding.value : undefined;
      if (!value || value.id === node.id) continue;
      const table = tableEngine(model, value, holders);
      if (table === 'not-a-table') visit(value, depth + 1);
      else if (table) engines.set(table.text, table);
      else unknownTable = true;
    }
  };
  visit(statement, 0);
  return !unknownTable && engines.size === 1 ? [...engines.values()][0] : undefined;
}

/** For `Table("t", metadata, ...)`: the engine `metadata` is bound to (undefined when unbound). */
function tableEngine(model: ModuleModel, value: Node, holders: Map<string, { engine: Node; declarative: boolean }>): Node | undefined | 'not-a-table' {
  const fn = value.type === 'call' ? value.childForFieldName('function') : undefined;
  const qualified = fn && model.qualifiedName(fn);
  if (!qualified || !TABLE_FACTORIES.has(qualified) || !/\.Table$/.test(qualified)) return 'not-a-table';
  const metadataArg = value.childForFieldName('arguments')?.namedChildren.filter((n) => n?.type !== 'comment')[1];
  if (metadataArg?.type === 'identifier') {
    const holder = holders.get(metadataArg.text);
    return holder && !holder.declarative ? holder.engine : undefined;
  }
  // `Base.metadata` of a bound declarative base.
  const base = metadataArg?.type === 'attribute' && metadataArg.childForFieldName('attribute')?.text === 'metadata' ? metadataArg.childForFieldName('object') : undefined;
  const holder = base?.type === 'identifier' ? holders.get(base.text) : undefined;
  return holder?.declarative ? holder.engine : undefined;
}

/** A mapped class whose declarative base is bound: its engine. */
function baseEngine(classNode: Node, holders: Map<string, { engine: Node; declarative: boolean }>): Node | undefined {
  const bases = classNode.childForFieldName('superclasses')?.namedChildren ?? [];
  for (const base of bases) {
    const holder = base?.type === 'identifier' ? holders.get(base.text) : undefined;
    if (holder?.declarative) return holder.engine;
  }
  return undefined;
}
