import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts, keywordName, keywordValue, type CallParts } from './helpers';
import { sequenceItems } from '../fix/generative';
import { receiversOf } from '../semantics/receivers';

const CASE_FUNCTIONS = new Set(['sqlalchemy.case', 'sqlalchemy.sql.case', 'sqlalchemy.sql.expression.case', 'sqlalchemy.sql.elements.case']);
const MESSAGE = 'case() takes its WHEN pairs positionally in 2.0; the list form is removed';

/**
 * SQA204 case-list-argument: `case([(cond, value), ...])` becomes `case((cond, value), ...)`.
 */
export const caseListArgument: Rule = {
  code: 'SQA204',
  id: 'case-list-argument',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'migration-20-5284', title: 'select() no longer accepts varied constructor arguments, columns are passed positionally' },
  docs: {
    summary: '`case()` given its WHEN pairs as a list',
    what: 'Flags SQLAlchemy\'s `case()` called with a list of `(condition, value)` pairs, `case([(c, v), ...])`, or with the pairs passed as `whens=`.',
    why: 'In 2.0 `case()` takes each WHEN pair as a positional argument, like `select()` takes its columns. The list form and the `whens=` keyword are removed; 1.4 accepts both forms and warns about the old one. A dictionary with `value=` stays as it is.',
    example: 'from sqlalchemy import case\n\nlabel = case([(users.c.id == 1, "one"), (users.c.id == 2, "two")], else_="many")',
    useInstead: 'from sqlalchemy import case\n\nlabel = case((users.c.id == 1, "one"), (users.c.id == 2, "two"), else_="many")',
    fixSafety: 'Safe: the brackets go away (a list comprehension or a name bound to a list is spread with `*`) and `whens=` becomes the first positional argument. The CASE expression is the same on 1.4 and 2.0.',
  },
  check(context) {
    const { model } = context;
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      const qualified = parts && model.qualifiedName(parts.fn);
      if (!parts || !qualified || !CASE_FUNCTIONS.has(qualified)) continue;
      const whensKeyword = parts.keywords.find((k) => keywordName(k) === 'whens');
      const first = parts.positional[0];
      if (whensKeyword) {
        context.report(call, MESSAGE, keywordFix(model, parts, whensKeyword));
        continue;
      }
      if (!first || parts.positional.length !== 1 || !isWhenList(model, first)) continue;
      const spread = sequenceItems(model, first);
      const fix: Fix | undefined = spread === undefined ? undefined : {
        title: 'Pass the WHEN pairs positionally',
        safety: 'safe',
        edits: [{ start: first.startIndex, end: first.endIndex, newText: spread }],
      };
      context.report(call, MESSAGE, fix);
    }
  },
};

/** A list of pairs: a list literal, a list comprehension, or a name bound to a list. A dict stays valid. */
function isWhenList(model: ModuleModel, node: Node): boolean {
  if (node.type === 'list') return node.namedChildren.some((n) => !!n && n.type !== 'comment');
  if (node.type === 'identifier') return receiversOf(model).kindOf(node) === 'list';
  return node.type === 'list_comprehension';
}

/** `case(whens=[...], else_=x)` becomes `case(..., else_=x)`: the pairs move to the front. */
function keywordFix(model: ModuleModel, parts: CallParts, whens: Node): Fix | undefined {
  const value = keywordValue(whens);
  if (!value || parts.positional.length > 0 || parts.splats.length > 0) return undefined;
  const positional = value.type === 'dictionary' ? model.textOf(value) : sequenceItems(model, value);
  if (positional === undefined) return undefined;
  const others = parts.keywords.filter((k) => k.id !== whens.id).map((k) => model.textOf(k));
  return {
    title: 'Pass the WHEN pairs positionally',
    safety: 'safe',
    edits: [{ start: parts.argumentList.startIndex + 1, end: parts.argumentList.endIndex - 1, newText: [positional, ...others].join(', ') }],
  };
}
