import type { Rule } from './types';
import { BAKED_MODULE } from '../semantics/ormNames';

const MESSAGE = 'The baked query extension is legacy: 2.0 caches the SQL of every statement by itself';

/**
 * SQA413 baked-query: imports of `sqlalchemy.ext.baked` and `bakery()` calls.
 */
export const bakedQuery: Rule = {
  code: 'SQA413',
  id: 'baked-query',
  tier: 'legacy',
  fixable: 'none',
  textWords: ['baked'],
  guide: { anchor: 'baked-query-extension-superseded-by-built-in-caching', title: 'Baked Query Extension Superseded by built-in caching' },
  docs: {
    summary: 'the baked query extension (`sqlalchemy.ext.baked`)',
    what: 'Flags imports of `sqlalchemy.ext.baked` (or of names from it) and calls of `bakery()`.',
    why: 'Baked queries cached the SQL compiled from a `Query` built in lambdas. Since 1.4 every statement\'s compiled form is cached automatically, so the extension only adds indirection; it stays as a legacy module and new code builds plain `select()` statements.',
    example: 'from sqlalchemy.ext import baked\nbakery = baked.bakery()\nbaked_query = bakery(lambda s: s.query(User))',
    useInstead: 'stmt = select(User)\nusers = session.scalars(stmt).all()',
    fixSafety: 'No automatic fix: a baked query is assembled from lambdas added one by one (`baked_query += lambda q: ...`) and run with its own parameters; turning it back into a plain statement means reading those lambdas.',
  },
  check(context) {
    const { model } = context;
    for (const stmt of model.checkedNodes('import_from_statement')) {
      const moduleNode = stmt.childForFieldName('module_name');
      const moduleName = moduleNode?.text.replace(/\s+/g, '');
      // `from sqlalchemy.ext.baked import ...` once per statement, `from sqlalchemy.ext import baked` at the name.
      if (moduleNode && moduleName === BAKED_MODULE) context.report(moduleNode, MESSAGE);
      if (moduleName !== 'sqlalchemy.ext') continue;
      for (const name of stmt.childrenForFieldName('name')) {
        const dotted = name?.type === 'aliased_import' ? name.childForFieldName('name') : name;
        if (name && dotted?.text === 'baked') context.report(name, MESSAGE);
      }
    }
    for (const stmt of model.checkedNodes('import_statement')) {
      for (const name of stmt.childrenForFieldName('name')) {
        const dotted = name?.type === 'aliased_import' ? name.childForFieldName('name') : name;
        if (name && dotted?.text.replace(/\s+/g, '') === BAKED_MODULE) context.report(name, MESSAGE);
      }
    }
    for (const call of model.checkedNodes('call')) {
      const fn = call.childForFieldName('function');
      const qualified = fn ? model.qualifiedName(fn) : undefined;
      if (qualified === `${BAKED_MODULE}.bakery` || qualified === `${BAKED_MODULE}.BakedQuery.bakery`) context.report(call, MESSAGE);
    }
  },
};

