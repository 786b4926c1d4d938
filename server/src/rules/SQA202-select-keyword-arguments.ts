import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts, type CallParts } from './helpers';
import { SELECT_FUNCTIONS } from '../semantics/names';
import { chainReplacing, namedArguments, selectSteps, sequenceItems } from '../fix/generative';

/** The 1.x `select()` parameters, in their positional order. */
const LEGACY_POSITIONS = ['columns', 'whereclause', 'from_obj', 'distinct', 'having', 'correlate', 'prefixes', 'suffixes'];
const MESSAGE = 'select() no longer takes a WHERE clause or keyword arguments in 2.0; use its generative methods';

/**
 * SQA202 select-keyword-arguments: `select([cols], whereclause, order_by=...)` becomes a generative chain.
 */
export const selectKeywordArguments: Rule = {
  code: 'SQA202',
  id: 'select-keyword-arguments',
  tier: 'removed',
  fixable: 'safe',
  guide: { anchor: 'migration-20-5284', title: 'select() no longer accepts varied constructor arguments, columns are passed positionally' },
  docs: {
    summary: '`select()` built with a WHERE clause or keyword arguments',
    what: 'Flags calls of SQLAlchemy\'s `select()` that pass anything beyond the columns: a WHERE clause as second argument, or `from_obj=`, `order_by=`, `group_by=`, `having=`, `limit=`, `offset=`, `distinct=`, `correlate=`, `use_labels=`, `prefixes=`, `suffixes=`.',
    why: 'The 1.x constructor mixed structure and modifiers in one call. 2.0 keeps only the columns in `select()`; every other part of the statement is added by a method of the same name (`where()`, `select_from()`, `order_by()` ...). SQLAlchemy 1.4 warns about the old form.',
    example: 'stmt = select([users.c.name], users.c.id > 5, order_by=[users.c.name], limit=10)',
    useInstead: 'stmt = select(users.c.name).where(users.c.id > 5).order_by(users.c.name).limit(10)',
    fixSafety: 'Safe: the columns are passed positionally and each argument becomes the method that the 1.x constructor itself called, so the statement is the same on 1.4 and 2.0. `use_labels=True` becomes `set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)` (imported). Calls with `bind=`, with `*args`/`**kwargs`, or with a value whose shape (one clause or a list) cannot be told are flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      const qualified = parts && model.qualifiedName(parts.fn);
      if (!parts || !qualified || !SELECT_FUNCTIONS.has(qualified)) continue;
      // `select([a, b])` alone is SQA201's; `select(a, b)` is already 2.0.
      if (parts.positional.length <= 1 && parts.keywords.length === 0) continue;
      if (!isLegacyCall(model, parts)) continue;
      context.report(call, MESSAGE, generativeFix(model, parts));
    }
  },
};

/** 1.4 took the legacy path when the columns came as a sequence or when keywords were given. */
function isLegacyCall(model: ModuleModel, parts: CallParts): boolean {
  if (parts.keywords.length > 0) return true;
  const first = parts.positional[0];
  return !!first && sequenceItems(model, first) !== undefined;
}

function generativeFix(model: ModuleModel, parts: CallParts): Fix | undefined {
  const args = namedArguments(parts, LEGACY_POSITIONS);
  const columns = args?.get('columns');
  if (!args || !columns) return undefined;
  const columnText = sequenceItems(model, columns);
  const steps = selectSteps(model, args, parts.call);
  if (columnText === undefined || !steps) return undefined;
  const newText = chainReplacing(model, parts.call, `${model.textOf(parts.fn)}(${columnText})`, steps.steps);
  return {
    title: 'Build the select() with generative methods',
    safety: 'safe',
    edits: [...steps.edits, { start: parts.call.startIndex, end: parts.call.endIndex, newText }],
  };
}
