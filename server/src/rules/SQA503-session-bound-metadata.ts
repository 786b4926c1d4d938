import type { Node } from '../parse/parser';
import type { Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { callParts, keywordName, methodCalls } from './helpers';
import { boundMetadata, boundMetadataWords } from '../semantics/boundMetadata';
import { spellingsOf } from '../semantics/spellings';
import { SCOPED_SESSIONS, SESSION_CLASSES, SESSIONMAKERS } from '../semantics/names';

/**
 * SQA503 session-bound-metadata: a Session or sessionmaker given no engine, in a module whose
 * MetaData is bound to one.
 */
export const sessionBoundMetadata: Rule = {
  code: 'SQA503',
  id: 'session-bound-metadata',
  tier: 'removed',
  fixable: 'none',
  guide: { anchor: 'migration-to-2-0-step-five-use-the-future-flag-on-session', title: 'Migration to 2.0 Step Five - Use the future flag on Session' },
  docs: {
    summary: 'a Session that can only find its engine through bound metadata',
    what: 'Flags `Session()` and `sessionmaker()` created without an engine (no `bind`, `binds` or positional argument, and no later `configure(bind=...)` or `.bind =` on the same name) in a module that binds its MetaData or declarative base to an engine (see SQA103).',
    why: 'A Session with no engine of its own used to find one through the MetaData of the tables it queried. 2.0 removes bound metadata, so such a Session has nothing to connect with and fails on its first query.',
    example: 'from sqlalchemy.orm import sessionmaker\nmetadata = MetaData(bind=engine)\nSessionLocal = sessionmaker()',
    useInstead: 'from sqlalchemy.orm import sessionmaker\nmetadata = MetaData()\nSessionLocal = sessionmaker(bind=engine)',
    fixSafety: 'No automatic fix: the engine to pass is the one the metadata is bound to, but the Session may be created in a place where that engine is not in reach. Pass it with `Session(engine)` / `sessionmaker(bind=engine)`, then remove the binding (SQA103).',
  },
  // Whether any Session here is flagged depends on a binding anywhere in the module.
  wholeModule: (model) => [...boundMetadataWords(model), ...spellingsOf(model, [...SESSION_CLASSES, ...SESSIONMAKERS])],
  check(context) {
    const { model } = context;
    if (boundMetadata(model).sites.length === 0) return;
    const configured = configuredNames(model);
    for (const call of model.nodesWithWords('call', spellingsOf(model, [...SESSION_CLASSES, ...SESSIONMAKERS]))) {
      const parts = callParts(call);
      const qualified = parts ? model.qualifiedName(parts.fn) ?? '' : '';
      if (!parts || (!SESSION_CLASSES.has(qualified) && !SESSIONMAKERS.has(qualified))) continue;
      if (parts.positional.length > 0 || parts.splats.length > 0 || parts.keywords.some((k) => /^binds?$/.test(keywordName(k) ?? ''))) continue;
      // `SessionLocal = sessionmaker()` followed by `SessionLocal.configure(bind=engine)`.
      const target = assignedName(model, call);
      if (target && configured.has(target)) continue;
      context.report(call, 'Session created without an engine relies on bound metadata, removed in 2.0; pass the engine');
    }
  },
};

/** Names given an engine later: `name.configure(bind=...)` or `name.bind = ...`. */
function configuredNames(model: ModuleModel): Set<string> {
  const names = new Set<string>();
  for (const parts of methodCalls(model, new Set(['configure']))) {
    if (parts.object?.type === 'identifier' && parts.keywords.some((k) => /^binds?$/.test(keywordName(k) ?? ''))) names.add(parts.object.text);
  }
  for (const assignment of model.nodesWithWords('assignment', ['bind'])) {
    const left = assignment.childForFieldName('left');
    const object = left?.type === 'attribute' && left.childForFieldName('attribute')?.text === 'bind' ? left.childForFieldName('object') : undefined;
    if (object?.type === 'identifier') names.add(object.text);
  }
  return names;
}

/** The name the session (factory) is assigned to, also through `scoped_session(sessionmaker())`. */
function assignedName(model: ModuleModel, call: Node): string | undefined {
  const outer = call.parent?.type === 'argument_list' ? call.parent.parent : undefined;
  const outerFn = outer?.type === 'call' ? outer.childForFieldName('function') : undefined;
  if (outer && outerFn && SCOPED_SESSIONS.has(model.qualifiedName(outerFn) ?? '')) return assignedName(model, outer);
  const assignment = call.parent;
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('right')?.id !== call.id) return undefined;
  const left = assignment.childForFieldName('left');
  return left?.type === 'identifier' ? left.text : undefined;
}
