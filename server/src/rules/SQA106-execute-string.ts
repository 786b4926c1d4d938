import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import { isStringLiteral, checkedMethodCalls } from './helpers';
import { ensureImported } from '../fix/imports';
import { TEXT_FUNCTIONS } from '../semantics/names';
import { isSessionLike, receiversOf } from '../semantics/receivers';
import type { ModuleModel } from '../semantics/model';

/** `?`, `%s` and `%(name)s`: placeholders that only the DBAPI understands. */
const DBAPI_PLACEHOLDER = /\?|%s|%\(\w+\)s/;

/**
 * SQA106 execute-string: a plain SQL string handed to `execute()`.
 */
export const executeString: Rule = {
  code: 'SQA106',
  id: 'execute-string',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'execute-method-more-strict-execution-options-are-more-prominent', title: 'execute() method more strict, execution options are more prominent' },
  docs: {
    summary: 'a plain SQL string passed to `execute()`',
    what: 'Flags `execute("SELECT ...")` on a SQLAlchemy Connection, Engine or Session, with a string literal or a name bound to one.',
    why: 'In 2.0 `execute()` only accepts executable constructs. Textual SQL is wrapped in `text()`, which also gives it bound parameters (`:name`); SQL written for the driver\'s own placeholders goes through `Connection.exec_driver_sql()`.',
    example: 'conn.execute("SELECT * FROM users WHERE name = :name", {"name": "ed"})\nconn.execute("INSERT INTO log VALUES (?, ?)", (1, "start"))',
    useInstead: 'conn.execute(text("SELECT * FROM users WHERE name = :name"), {"name": "ed"})\nconn.exec_driver_sql("INSERT INTO log VALUES (?, ?)", (1, "start"))',
    fixSafety: 'Safe: the string is wrapped in `text()` (and `text` imported), or, when it uses DBAPI placeholders (`?`, `%s`) on a Connection, the call becomes `exec_driver_sql()` with the parameters as a tuple per row (a list of tuples for several rows); parameters held in a name, which may be one row or many, are left alone. A Session with DBAPI placeholders has no driver-level twin and is left for a manual rewrite.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['execute']))) {
      const kind = parts.object ? receivers.kindOf(parts.object) : 'unknown';
      const sessionLike = isSessionLike(kind);
      if (kind !== 'connection' && kind !== 'engine' && !sessionLike) continue;
      const sql = parts.positional[0];
      if (!sql) continue;
      const literal = stringValue(model, sql, receivers.kindOf(sql) === 'string');
      if (literal === undefined) continue;
      const message = 'execute() no longer accepts a plain SQL string; wrap it in text() or use exec_driver_sql()';
      const params = parts.positional.slice(1);
      const forDriver = params.length > 0 && DBAPI_PLACEHOLDER.test(literal);
      let fix: Fix | undefined;
      if (forDriver) {
        // Sessions have no driver-level execute; such calls need a hand rewrite.
        const plain = parts.splats.length === 0 && parts.keywords.length === 0;
        if (!sessionLike && plain && parts.methodNode) fix = driverSqlFix(model, parts.methodNode, parts.argumentList, sql, params);
      } else {
        const text = ensureImported(model, 'sqlalchemy', 'text', sql, TEXT_FUNCTIONS);
        if (text) {
          fix = {
            title: 'Wrap the SQL in text()',
            safety: 'safe',
            edits: [...text.edits, { start: sql.startIndex, end: sql.startIndex, newText: `${text.expression}(` }, { start: sql.endIndex, end: sql.endIndex, newText: ')' }],
          };
        }
      }
      context.report(sql, message, fix);
    }
  },
};

/** The SQL text of a literal, or of a name bound once to a literal; undefined for anything else. */
function stringValue(model: ModuleModel, node: Node, boundToString: boolean): string | undefined {
  if (isStringLiteral(node)) return model.textOf(node);
  if (node.type !== 'identifier' || !boundToString) return undefined;
  const bindings = model.lookup(node.text, node);
  if (bindings?.length !== 1 || !bindings[0].value) return undefined;
  return model.textOf(bindings[0].value);
}

const SCALAR_LITERALS = new Set(['integer', 'float', 'string', 'concatenated_string', 'true', 'false', 'none']);

const ROW_LITERALS = new Set(['tuple', 'dictionary']);
const COLLECTION_LITERALS = new Set(['tuple', 'list', 'dictionary', 'set']);

/**
 * The parameters as `exec_driver_sql()` takes them: one row is a tuple or a dict, several rows a list
 * of those. 1.x read a list or a tuple either way, by what it held.
 */
function driverParameters(model: ModuleModel, params: Node[]): string | undefined {
  const items = (node: Node) => node.namedChildren.filter((n): n is Node => !!n && n.type !== 'comment');
  const texts = (nodes: Node[]) => nodes.map((n) => model.textOf(n)).join(', ');
  const row = (nodes: Node[]) => `(${texts(nodes)}${nodes.length === 1 ? ',' : ''})`;
  if (params.length > 1) return params.every((p) => SCALAR_LITERALS.has(p.type)) ? row(params) : undefined;
  const only = params[0];
  if (only.type === 'dictionary') return model.textOf(only);
  // A name may hold one value, a tuple or several sets: only the reader knows.
  if (only.type !== 'tuple' && only.type !== 'list') return SCALAR_LITERALS.has(only.type) ? row(params) : undefined;
  const members = items(only);
  if (members.length > 0 && members.every((m) => ROW_LITERALS.has(m.type))) return only.type === 'list' ? model.textOf(only) : `[${texts(members)}]`;
  if (members.some((m) => COLLECTION_LITERALS.has(m.type))) return undefined;
  return only.type === 'tuple' ? model.textOf(only) : row(members);
}

/** `execute(sql, 1, "a")` and `execute(sql, [1, "a"])` become `exec_driver_sql(sql, (1, "a"))`; rows of a tuple become a list. */
function driverSqlFix(model: ModuleModel, method: Node, argumentList: Node, sql: Node, params: Node[]): Fix | undefined {
  const packed = driverParameters(model, params);
  if (packed === undefined) return undefined;
  return {
    title: 'Run the SQL with exec_driver_sql()',
    safety: 'safe',
    edits: [
      { start: method.startIndex, end: method.endIndex, newText: 'exec_driver_sql' },
      { start: sql.endIndex, end: argumentList.endIndex - 1, newText: `, ${packed}` },
    ],
  };
}
