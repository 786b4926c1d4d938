import type { Rule } from './types';
import { checkedMethodCalls } from './helpers';
import { isTableExpression } from '../semantics/statements';
import { chainText, namedArguments, selectSteps } from '../fix/generative';

const MESSAGE = 'FromClause.select() takes no WHERE clause or keyword arguments in 2.0; chain .where() and the other methods';

/**
 * SQA203 fromclause-select-whereclause: `table.select(whereclause)` becomes `table.select().where(whereclause)`.
 */
export const fromclauseSelectWhereclause: Rule = {
  code: 'SQA203',
  id: 'fromclause-select-whereclause',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'migration-20-5284', title: 'select() no longer accepts varied constructor arguments, columns are passed positionally' },
  docs: {
    summary: '`table.select()` given a WHERE clause or keyword arguments',
    what: 'Flags `select(...)` called with arguments on a SQLAlchemy Table, `table()`, alias or join: `users.select(users.c.id == 5)`, `users.select(order_by=users.c.name)`.',
    why: 'In 2.0 `FromClause.select()` takes no arguments: it returns a SELECT of all the columns, and the WHERE clause and other parts are added with generative methods. 1.4 warns about the arguments.',
    example: 'users = Table("users", MetaData(), Column("id", Integer, primary_key=True), Column("name", String))\nstmt = users.select(users.c.id == 5)',
    useInstead: 'users = Table("users", MetaData(), Column("id", Integer, primary_key=True), Column("name", String))\nstmt = users.select().where(users.c.id == 5)',
    fixSafety: 'Safe: the WHERE clause moves into `.where()` and each keyword into the method of the same meaning (`order_by=` to `.order_by()`, `limit=` to `.limit()` ...), which builds the same statement on 1.4 and 2.0. Keywords without a generative twin (`bind=`) leave the call flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    for (const parts of checkedMethodCalls(model, new Set(['select']))) {
      if (!parts.object || parts.positional.length + parts.keywords.length + parts.splats.length === 0) continue;
      if (!isTableExpression(model, parts.object)) continue;
      const args = namedArguments(parts, ['whereclause']);
      const steps = args && !args.has('columns') ? selectSteps(model, args, parts.call) : undefined;
      if (!steps) {
        context.report(parts.call, MESSAGE);
        continue;
      }
      context.report(parts.call, MESSAGE, {
        title: 'Chain .where() and the other methods',
        safety: 'safe',
        edits: [...steps.edits, { start: parts.argumentList.startIndex, end: parts.argumentList.endIndex, newText: `()${chainText(steps.steps)}` }],
      });
    }
  },
};
