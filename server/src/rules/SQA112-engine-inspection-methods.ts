import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { keywordName, checkedMethodCalls, type CallParts } from './helpers';
import { receiversOf } from '../semantics/receivers';
import { ensureImported } from '../fix/imports';

const INSPECT_FUNCTIONS = new Set(['sqlalchemy.inspect', 'sqlalchemy.inspection.inspect']);
/** Engine methods that the Inspector took over, with the Inspector's name for them. */
const INSPECTOR_METHODS: Record<string, string> = { table_names: 'get_table_names', has_table: 'has_table' };
const ENGINE_ONLY = new Set(['table_names', 'has_table']);
const CALLABLE_RUNNERS = new Set(['run_callable', 'transaction']);

/**
 * SQA112 engine-inspection-methods: `engine.table_names()`, `engine.has_table()` and other 1.x helpers.
 */
export const engineInspectionMethods: Rule = {
  code: 'SQA112',
  id: 'engine-inspection-methods',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'migration-20-implicit-execution', title: '"Implicit" and "Connectionless" execution, "bound metadata" removed' },
  docs: {
    summary: 'removed Engine and Connection helpers: `table_names()`, `has_table()`, `run_callable()`, `transaction()`, `connect()`',
    what: 'Flags `engine.table_names()`, `engine.has_table(name)`, `run_callable(fn)` and `transaction(fn)` on an Engine or Connection, and `conn.connect()` (a "branched" connection).',
    why: 'These conveniences each procured a connection behind the scenes. 2.0 removes them: schema questions go to the Inspector (`inspect(engine)`), and code that needs a connection or a transaction asks for one with `engine.connect()` or `engine.begin()`. 1.4 warns about all of them.',
    example: 'names = engine.table_names()\nif not engine.has_table("users"):\n    print("missing")',
    useInstead: 'from sqlalchemy import inspect\n\nnames = inspect(engine).get_table_names()\nif not inspect(engine).has_table("users"):\n    print("missing")',
    fixSafety: 'Safe for `table_names()` and `has_table()`: the Engine methods were thin wrappers over the same Inspector calls, so the answer and the SQL are the same on 1.4 and 2.0 (`inspect` is imported from sqlalchemy). Not offered when `connection=` is passed or the name `inspect` means something else. `run_callable()`, `transaction()` and `connect()` need the callable rewritten around an explicit connection, so they are flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set([...ENGINE_ONLY, ...CALLABLE_RUNNERS, 'connect']))) {
      if (!parts.object) continue;
      const kind = receivers.kindOf(parts.object);
      const method = parts.method!;
      if (ENGINE_ONLY.has(method)) {
        if (kind !== 'engine') continue;
        context.report(parts.call, `Engine.${method}() is removed in 2.0; use inspect(engine).${INSPECTOR_METHODS[method]}()`, inspectorFix(model, parts));
        continue;
      }
      if (method === 'connect') {
        if (kind !== 'connection') continue;
        context.report(parts.call, 'Connection.connect() (a branched connection) is removed in 2.0; use the connection itself');
        continue;
      }
      if (kind !== 'engine' && kind !== 'connection') continue;
      context.report(parts.call, `${method}() is removed in 2.0; call the function inside "with engine.begin() as conn:" instead`);
    }
  },
};

function inspectorFix(model: ModuleModel, parts: CallParts): Fix | undefined {
  // `table_names(schema, connection)`: a connection given by position or keyword has no Inspector twin here.
  if (parts.splats.length > 0 || parts.keywords.some((k) => keywordName(k) === 'connection')) return undefined;
  if (parts.method === 'table_names' && parts.positional.length > 1) return undefined;
  const inspect = ensureImported(model, 'sqlalchemy', 'inspect', parts.call, INSPECT_FUNCTIONS);
  if (!inspect) return undefined;
  const method = INSPECTOR_METHODS[parts.method!];
  const newText = `${inspect.expression}(${model.textOf(parts.object!)}).${method}${model.textOf(parts.argumentList)}`;
  return {
    title: `Ask the Inspector: inspect(engine).${method}()`,
    safety: 'safe',
    edits: [...inspect.edits, { start: parts.call.startIndex, end: parts.call.endIndex, newText }],
  };
}
