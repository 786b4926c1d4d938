import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts, keywordName, type CallParts } from './helpers';
import { receiversOf } from '../semantics/receivers';
import { buildersTranslate, needsUnique } from '../semantics/queryChain';
import { queryRootOf, type QueryRoot } from '../semantics/queryRoot';
import { QUERY_TERMINALS, terminalEdit } from '../fix/queryRewrite';

const MESSAGE = 'Model.query is the legacy Query API; 2.0 style executes db.select(Model) through db.session';
const FIX_TITLE = 'Rewrite with db.select() and db.session';

/** Flask-SQLAlchemy's own Query methods and the extension methods that replace them. */
const FLASK_TERMINALS = new Set(['get', 'get_or_404', 'first_or_404', 'one_or_404', 'paginate']);
const PAGINATE_PARAMETERS = ['page', 'per_page', 'error_out', 'max_per_page'];

/**
 * SQA412 flask-model-query: Flask-SQLAlchemy's `Model.query...` read through a terminal,
 * `get()`, `get_or_404()`, `first_or_404()`, `one_or_404()`, `paginate()` or iteration.
 */
export const flaskModelQuery: Rule = {
  code: 'SQA412',
  id: 'flask-model-query',
  tier: 'legacy',
  fixable: 'review',
  // `Model.query` is Flask-SQLAlchemy's only when `db` comes from its import.
  textWords: ['flask_sqlalchemy'],
  guide: { anchor: 'migration-20-unify-select', title: 'ORM Query Unified with Core Select' },
  docs: {
    summary: 'Flask-SQLAlchemy `Model.query` read through the legacy `Query` API',
    what: 'Flags Flask-SQLAlchemy `Model.query` chains read through `all()`, `first()`, `one()`, `one_or_none()`, `scalar()`, `count()`, iteration, `get()`, `get_or_404()`, `first_or_404()`, `one_or_404()` or `paginate()`. The model is recognised when its class derives from `db.Model` (directly or through another model) and `db = SQLAlchemy(...)` comes from `flask_sqlalchemy`, all in the same file.',
    why: '`Model.query` is a `Query` bound to `db.session`, the legacy API. Flask-SQLAlchemy 3 documents the 2.0 style instead: `db.session.execute(db.select(Model)...)`, `db.session.get()`, and `db.get_or_404()`, `db.first_or_404()`, `db.one_or_404()`, `db.paginate()` for the view helpers.',
    example: 'from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n\n\nclass Author(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    name = db.Column(db.String(50))\n\n\nann = Author.query.filter_by(name="ann").first()\nauthor = Author.query.get_or_404(7)',
    useInstead: 'from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n\n\nclass Author(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n    name = db.Column(db.String(50))\n\n\nann = db.session.scalars(db.select(Author).filter_by(name="ann").limit(1)).first()\nauthor = db.get_or_404(Author, 7)',
    fixSafety: 'Needs review; the runtime behaviour tests run it under Flask-SQLAlchemy 3.0 (the Debian package). Terminals are rewritten as SQA402 rewrites `session.query()`, with `db.session`, `db.select` and `db.func`; `get()` becomes `db.session.get(Model, pk)`; the view helpers become `db.get_or_404(Model, pk)`, `db.first_or_404(...)` (with the `limit(1)` that `first()` added), `db.one_or_404(...)` and `db.paginate(...)` with keyword arguments. Those helpers need Flask-SQLAlchemy 3.0 or later. Queries kept in variables, chains with Query-only methods, and `first_or_404()` / `one_or_404()` after a joined eager load are flagged only.',
  },
  check(context) {
    const { model } = context;
    const receivers = receiversOf(model);
    for (const call of model.checkedNodes('call')) {
      const parts = callParts(call);
      if (!parts?.object || !parts.method || receivers.kindOf(parts.object) !== 'flaskQuery') continue;
      if (QUERY_TERMINALS.has(parts.method) && parts.argumentList.namedChildCount === 0) {
        context.report(call, MESSAGE, terminalFix(model, parts.object, call, parts.method));
      } else if (FLASK_TERMINALS.has(parts.method)) {
        context.report(call, MESSAGE, helperFix(model, parts));
      }
    }
    for (const loop of [...model.checkedNodes('for_statement'), ...model.checkedNodes('for_in_clause')]) {
      const iterable = loop.childForFieldName('right');
      if (iterable && receivers.kindOf(iterable) === 'flaskQuery') context.report(iterable, MESSAGE, terminalFix(model, iterable, iterable, '__iter__'));
    }
  },
};

interface FlaskChain {
  root: QueryRoot;
  db: string;
  model: string;
  /** `db.select(Model).filter_by(...)`: the chain as a select. */
  select: string;
}

/** The chain taken apart, when it is inline, translates to a select and `db` means the extension at `site`. */
function flaskChain(model: ModuleModel, queryExpr: Node, site: Node): FlaskChain | undefined {
  const root = queryRootOf(model, queryExpr);
  if (root?.kind !== 'flask' || !buildersTranslate(model, root.builders)) return undefined;
  const db = root.db!;
  const here = model.lookup(db.text, site);
  const there = model.lookup(db.text, db);
  if (db.type !== 'identifier' || !here || !there || here.length !== there.length || here.some((b, i) => b.target.id !== there[i].target.id)) return undefined;
  const modelText = model.textOf(root.entities[0]);
  const select = `${db.text}.select(${modelText})${model.text.slice(root.node.endIndex, queryExpr.endIndex)}`;
  return { root, db: db.text, model: modelText, select };
}

function terminalFix(model: ModuleModel, queryExpr: Node, target: Node, terminal: string): Fix | undefined {
  const chain = flaskChain(model, queryExpr, target);
  if (!chain) return undefined;
  const unique = needsUnique(model, chain.root.entities, chain.root.builders);
  const names = { select: `${chain.db}.select`, func: `${chain.db}.func`, edits: [] };
  const edit = terminalEdit({ target, terminal, sessionText: `${chain.db}.session`, selectText: chain.select, shape: 'entity', unique }, names);
  return { title: FIX_TITLE, safety: 'review', edits: [edit] };
}

function helperFix(model: ModuleModel, parts: CallParts): Fix | undefined {
  const chain = flaskChain(model, parts.object!, parts.call);
  if (!chain || parts.splats.length > 0) return undefined;
  const args = [...parts.positional, ...parts.keywords].map((n) => model.textOf(n));
  const replace = (newText: string): Fix => ({ title: FIX_TITLE, safety: 'review', edits: [{ start: parts.call.startIndex, end: parts.call.endIndex, newText }] });
  const plain = chain.root.builders.length === 0;
  const unique = needsUnique(model, chain.root.entities, chain.root.builders);
  switch (parts.method) {
    case 'get':
      if (!plain || parts.positional.length !== 1 || parts.keywords.length > 0) return undefined;
      return replace(`${chain.db}.session.get(${chain.model}, ${args[0]})`);
    case 'get_or_404':
      if (!plain || parts.positional.length !== 1) return undefined;
      return replace(`${chain.db}.get_or_404(${[chain.model, ...args].join(', ')})`);
    case 'first_or_404':
    case 'one_or_404':
      // The helpers read the result without unique(), which a joined eager load of a collection needs.
      if (unique || parts.positional.length > 0) return undefined;
      return replace(`${chain.db}.${parts.method}(${[`${chain.select}${parts.method === 'first_or_404' ? '.limit(1)' : ''}`, ...args].join(', ')})`);
    case 'paginate': {
      // Flask-SQLAlchemy 2 took these positionally; db.paginate() takes keywords only.
      if (parts.positional.length > PAGINATE_PARAMETERS.length) return undefined;
      const named = parts.positional.map((p, i) => `${PAGINATE_PARAMETERS[i]}=${model.textOf(p)}`);
      if (parts.keywords.some((k) => named.some((n) => n.startsWith(`${keywordName(k)}=`)))) return undefined;
      return replace(`${chain.db}.paginate(${[chain.select, ...named, ...parts.keywords.map((k) => model.textOf(k))].join(', ')})`);
    }
    default:
      return undefined;
  }
}
