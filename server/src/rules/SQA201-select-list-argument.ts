import type { Rule, TextEdit } from './types';
import { callParts } from './helpers';
import { SELECT_FUNCTIONS } from '../semantics/names';
import { receiversOf } from '../semantics/receivers';

/**
 * SQA201 select-list-argument: `select([a, b])` becomes `select(a, b)`.
 */
export const selectListArgument: Rule = {
  code: 'SQA201',
  id: 'select-list-argument',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'migration-20-5284', title: 'select() no longer accepts varied constructor arguments, columns are passed positionally' },
  docs: {
    summary: '`select()` is given a list of columns',
    what: 'Flags calls of SQLAlchemy\'s `select()` whose columns are wrapped in a list, `select([a, b])`.',
    why: 'In 2.0 `select()` takes the columns positionally; the list form was the 1.x signature and is gone. SQLAlchemy 1.4 already accepts both and warns about the list.',
    example: 'stmt = select([users.c.id, users.c.name])',
    useInstead: 'stmt = select(users.c.id, users.c.name)',
    fixSafety: 'Safe: the brackets are removed (a list comprehension or a name bound to a list is spread with `*`). The statement built is the same on 1.4 and 2.0. Calls that pass further arguments (`whereclause`, `from_obj=` ...) are flagged but left to SQA202.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      if (!parts) continue;
      // Only SQLAlchemy's select; the stdlib `select.select([...], ...)` resolves elsewhere.
      const qualified = model.qualifiedName(parts.fn);
      if (!qualified || !SELECT_FUNCTIONS.has(qualified)) continue;
      const first = parts.positional[0];
      if (!first || first.startIndex > (parts.keywords[0]?.startIndex ?? Infinity)) continue;
      const isList = first.type === 'list' || first.type === 'list_comprehension';
      if (!isList && !(first.type === 'identifier' && receivers.kindOf(first) === 'list')) continue;
      const message = 'select() takes columns positionally in 2.0; the list form is removed';
      // Only the list alone is fixed here; keyword and positional extras belong to SQA202.
      const alone = parts.positional.length === 1 && parts.keywords.length === 0 && parts.splats.length === 0;
      if (!alone) {
        context.report(first, message);
        continue;
      }
      const fix = first.type === 'list'
        ? { title: 'Pass the columns positionally', safety: 'safe' as const, edits: [
            bracketRemoval(model.text, first.startIndex),
            bracketRemoval(model.text, first.endIndex - 1),
          ] }
        : { title: 'Spread the list into positional arguments', safety: 'safe' as const, edits: [
            { start: first.startIndex, end: first.startIndex, newText: '*' },
          ] };
      context.report(first, message, fix);
    }
  },
};

/** Deletes the bracket at `offset`; a bracket alone on its line takes the line with it. */
function bracketRemoval(text: string, offset: number): TextEdit {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const lineEnd = text.indexOf('\n', offset);
  const alone = /^[ \t]*$/.test(text.slice(lineStart, offset)) && /^[ \t]*\r?$/.test(text.slice(offset + 1, lineEnd === -1 ? undefined : lineEnd));
  if (!alone) return { start: offset, end: offset + 1, newText: '' };
  return { start: lineStart, end: lineEnd === -1 ? text.length : lineEnd + 1, newText: '' };
}
