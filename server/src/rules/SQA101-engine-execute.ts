import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { receiversOf } from '../semantics/receivers';
import { enclosingStatement, checkedMethodCalls, methodCallsIn } from './helpers';
import { connectionBlockEdit, type ConnectionUse } from '../fix/connectionBlock';

/**
 * SQA101 engine-execute: connectionless execution on an Engine.
 */
export const engineExecute: Rule = {
  code: 'SQA101',
  id: 'engine-execute',
  tier: 'removed',
  fixable: 'review',
  guide: { anchor: 'migration-20-implicit-execution', title: '"Implicit" and "Connectionless" execution, "bound metadata" removed' },
  docs: {
    summary: 'statement executed on the Engine without a connection',
    what: 'Flags `engine.execute(...)` and `engine.scalar(...)`.',
    why: 'The Engine no longer executes statements itself in 2.0: work happens on a Connection whose scope and transaction are explicit. Connectionless execution also autocommitted DML behind the scenes, which 2.0 removes.',
    example: 'engine.execute(users.insert(), {"name": "ed"})\nrows = engine.execute(select(users)).fetchall()',
    useInstead: 'with engine.begin() as conn:\n    conn.execute(users.insert(), {"name": "ed"})\nwith engine.begin() as conn:\n    rows = conn.execute(select(users)).fetchall()',
    fixSafety: 'Needs review. The statement moves into `with engine.begin() as conn:`, which commits at the end as the old autocommit did for writes (and is harmless for reads). The fix applies only where the result is used up within the statement (discarded, fetched, iterated by a `for` loop that moves along into the block, or passed to `list()`); a result kept in a variable for later would be read after the connection closed, so that form is flagged for a manual rewrite.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['execute', 'scalar']))) {
      if (!parts.object || receivers.kindOf(parts.object) !== 'engine') continue;
      const message = `Engine.${parts.method}() (connectionless execution) is removed in 2.0; execute on a Connection`;
      context.report(parts.call, message, connectionFix(model, parts.call, parts.object));
    }
  },
};

/** Every execution on the same engine in the statement moves onto one connection. */
function connectionFix(model: ModuleModel, call: Node, engine: Node): Fix | undefined {
  const statement = enclosingStatement(call);
  if (!statement) return undefined;
  const receivers = receiversOf(model);
  const engineText = model.textOf(engine);
  const uses: ConnectionUse[] = methodCallsIn(statement, new Set(['execute', 'scalar']))
    .filter((p) => p.object)
    .filter((p) => model.textOf(p.object!) === engineText && receivers.kindOf(p.object!) === 'engine')
    .map((p) => ({
      call: p.call,
      rewrite: (connection: string) => connection + model.text.slice(p.object!.endIndex, p.call.endIndex),
    }));
  // The finding's own call goes first: the block is built around its statement.
  uses.sort((a, b) => Number(b.call.id === call.id) - Number(a.call.id === call.id));
  const block = connectionBlockEdit(model, engineText, uses);
  if (!block) return undefined;
  return {
    title: `Execute on a connection: with ${engineText}.begin() as ${block.connection}`,
    safety: 'review',
    edits: [block.edit],
  };
}
