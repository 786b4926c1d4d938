import type { Rule } from './types';
import { keywordName, keywordValue, checkedMethodCalls } from './helpers';
import { receiversOf } from '../semantics/receivers';

/** Keywords that 2.0's `Connection.execute()` has of its own; never parameters. */
const RESERVED = new Set(['parameters', 'execution_options']);

/**
 * SQA107 execute-kwargs-params: parameters are passed as one dictionary.
 */
export const executeKwargsParams: Rule = {
  code: 'SQA107',
  id: 'execute-kwargs-params',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'execute-method-more-strict-execution-options-are-more-prominent', title: 'execute() method more strict, execution options are more prominent' },
  docs: {
    summary: 'statement parameters passed as keyword arguments to `execute()`',
    what: 'Flags `conn.execute(stmt, x=1, y=2)` on a SQLAlchemy Connection or Engine.',
    why: '2.0\'s `Connection.execute()` takes its parameters as one dictionary (or a list of them); keyword arguments are no longer parameters. 1.4 warns about them.',
    example: 'conn.execute(text("SELECT * FROM users WHERE id = :id"), id=5)',
    useInstead: 'conn.execute(text("SELECT * FROM users WHERE id = :id"), {"id": 5})',
    fixSafety: 'Safe: the keywords become a dictionary literal with the same keys and values, and `**extra` is spread into it. Calls that mix a dictionary and keywords are flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const parts of checkedMethodCalls(model, new Set(['execute']))) {
      const kind = parts.object ? receivers.kindOf(parts.object) : 'unknown';
      if (kind !== 'connection' && kind !== 'engine') continue;
      const keywords = parts.keywords;
      const dictSplats = parts.splats.filter((s) => s.type === 'dictionary_splat');
      if (keywords.length + dictSplats.length === 0) continue;
      if (keywords.some((k) => RESERVED.has(keywordName(k) ?? ''))) continue;
      const message = 'execute() takes parameters as a dictionary in 2.0, not as keyword arguments';
      const statement = parts.positional[0];
      const clean = parts.positional.length === 1 && parts.splats.length === dictSplats.length && !!statement;
      const ordered = [...keywords, ...dictSplats].sort((a, b) => a.startIndex - b.startIndex);
      const first = ordered[0];
      const last = ordered[ordered.length - 1];
      if (!clean) {
        context.report({ start: first.startIndex, end: last.endIndex }, message);
        continue;
      }
      const entries = ordered.map((arg) => {
        if (arg.type === 'dictionary_splat') return model.textOf(arg);
        return `${JSON.stringify(keywordName(arg))}: ${model.textOf(keywordValue(arg)!)}`;
      });
      context.report({ start: first.startIndex, end: last.endIndex }, message, {
        title: 'Pass the parameters as a dictionary',
        safety: 'safe',
        edits: [{ start: first.startIndex, end: last.endIndex, newText: `{${entries.join(', ')}}` }],
      });
    }
  },
};
