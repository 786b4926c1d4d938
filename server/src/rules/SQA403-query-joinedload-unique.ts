import type { Node } from '../parse/parser';
import type { Fix, Rule, RuleContext } from './types';
import type { ModuleModel } from '../semantics/model';
import { checkedMethodCalls } from './helpers';
import { isQueryLike, receiversOf } from '../semantics/receivers';
import { loaderCallsIn, type LoaderCall } from '../semantics/loaderOptions';
import { mappedAttribute, mappedClassOf } from '../semantics/mappedClasses';
import { JOINED_LOADERS } from '../semantics/ormNames';
import { outermostCall } from '../semantics/queryRoot';
import { queryToSelect } from './SQA402-query-to-select';
import { flaskModelQuery } from './SQA412-flask-model-query';

const MESSAGE = 'Joined eager load of a collection: Query dropped the repeated parent rows, a select() result needs .unique()';

/**
 * SQA403 query-joinedload-unique: `joinedload()` / `contains_eager()` of a collection in a Query,
 * whose 2.0 form must call `.unique()` on the result.
 */
export const queryJoinedloadUnique: Rule = {
  code: 'SQA403',
  id: 'query-joinedload-unique',
  tier: 'legacy',
  fixable: 'review',
  guide: { anchor: 'joinedload-not-uniqued', title: 'ORM Rows not uniquified by default' },
  docs: {
    summary: 'joined eager load of a collection in a legacy `Query`',
    what: 'Flags `joinedload()` and `contains_eager()` options (also chained, as in `defaultload(A.b).joinedload(B.c)`) in the `options()` of a `session.query(...)` chain. A relationship that a class in the same file shows to be many-to-one (by `uselist=False`, a `Mapped[...]` annotation or the side that holds the foreign key) is left alone.',
    why: 'A joined eager load of a collection returns the parent once per child row. `Query` removed the repeats without saying so; a `select()` executed by the Session does not, and raises unless the result is uniqued with `.unique()`. SQA402 adds `.unique()` when it rewrites such a query; this rule shows why, at the option that causes it.',
    example: 'users = session.query(User).options(joinedload(User.addresses)).all()',
    useInstead: 'users = session.scalars(select(User).options(joinedload(User.addresses))).unique().all()',
    fixSafety: 'Needs review: the fix is SQA402\'s rewrite of the whole query into `select()` with `.unique()` on the result, offered wherever SQA402 offers it (same edits, so applying either one applies both). Where SQA402 has no fix (a query returned or passed on, string paths, Query-only methods), the option is flagged only; add `.unique()` when that query becomes a `select()`, or use `selectinload()`, which needs no uniquing.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    let rewrites: RewriteSite[] | undefined;
    for (const options of checkedMethodCalls(model, new Set(['options']))) {
      if (!options.object || !isQueryLike(receivers.kindOf(options.object))) continue;
      for (const loader of loaderCallsIn(model, options.call)) {
        if (!JOINED_LOADERS.has(loader.name) || model.isInError(loader.call)) continue;
        // A many-to-one load adds one row per parent: nothing repeats.
        if (loadsSingleObject(model, loader)) continue;
        rewrites ??= selectRewrites(context);
        const range = loader.form === 'method' ? { start: loader.methodNode!.startIndex, end: loader.call.endIndex } : loader.call;
        context.report(range, MESSAGE, rewriteCovering(model, rewrites, options.call));
      }
    }
  },
};

interface RewriteSite {
  target: Node;
  fix?: Fix;
}

/** The findings of SQA402 (and SQA412 for Flask-SQLAlchemy models): their fixes are the rewrites this rule offers. */
function selectRewrites(context: RuleContext): RewriteSite[] {
  const sites: RewriteSite[] = [];
  for (const rule of [queryToSelect, flaskModelQuery]) {
    rule.check({
      model: context.model,
      targetVersion: context.targetVersion,
      report(node, _message, fix) {
        if ('startIndex' in node) sites.push({ target: node, fix });
      },
    });
  }
  return sites;
}

function loadsSingleObject(model: ModuleModel, loader: LoaderCall): boolean {
  const path = loader.positional[loader.positional.length - 1];
  if (path?.type !== 'attribute') return false;
  const owner = mappedClassOf(model, path.childForFieldName('object')!);
  const attribute = owner && mappedAttribute(model, owner, path.childForFieldName('attribute')!.text);
  return attribute?.kind === 'relationship' && attribute.collection === false;
}

/** The rewrite of the query the options call belongs to: inline, or through the variable it is assigned to. */
function rewriteCovering(model: ModuleModel, sites: RewriteSite[], optionsCall: Node): Fix | undefined {
  const chain = outermostCall(optionsCall);
  const inline = sites.filter((s) => s.target.startIndex <= chain.startIndex && chain.endIndex <= s.target.endIndex);
  if (inline.length > 0) return inline.sort((a, b) => a.target.endIndex - a.target.startIndex - (b.target.endIndex - b.target.startIndex))[0].fix;
  const assignment = chain.parent;
  const variable = assignment?.type === 'assignment' && assignment.childForFieldName('right')?.id === chain.id ? assignment.childForFieldName('left') : undefined;
  if (variable?.type !== 'identifier') return undefined;
  for (const site of sites) {
    const use = site.target.type === 'identifier' ? site.target : site.target.childForFieldName('function')?.childForFieldName('object');
    if (use?.type !== 'identifier' || use.text !== variable.text) continue;
    if (model.lookup(use.text, use)?.some((b) => b.target.id === variable.id)) return site.fix;
  }
  return undefined;
}
