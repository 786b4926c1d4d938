import type { Fix, Rule } from './types';
import { boundMetadata, boundMetadataWords, unbindPlan } from '../semantics/boundMetadata';
import type { ModuleModel } from '../semantics/model';

/**
 * SQA103 bound-metadata: a MetaData (or declarative base) bound to an engine.
 */
export const boundMetadataRule: Rule = {
  code: 'SQA103',
  id: 'bound-metadata',
  tier: 'removed',
  fixable: 'review',
  guide: { anchor: 'migration-20-implicit-execution', title: '"Implicit" and "Connectionless" execution, "bound metadata" removed' },
  docs: {
    summary: 'MetaData bound to an engine',
    what: 'Flags `MetaData(bind=engine)`, `MetaData(engine)`, `metadata.bind = engine` and `declarative_base(bind=engine)`.',
    why: 'Bound metadata let statements and schema operations find an engine on their own. 2.0 removes the binding: the engine (or a connection) is passed where the work happens, so it is always clear which connection and transaction run a statement.',
    example: 'metadata = MetaData(bind=engine)\nmetadata.create_all()\nusers = Table("users", metadata, autoload=True)',
    useInstead: 'metadata = MetaData()\nmetadata.create_all(engine)\nusers = Table("users", metadata, autoload_with=engine)',
    fixSafety: 'Needs review. The binding is removed and the engine is passed to every bind-less use in the file (`create_all()`, `drop_all()`, `reflect()`, `Table(..., autoload=True)`). The fix is not offered when the file also relies on the binding in ways it cannot rewrite (implicit `stmt.execute()`, a Session created without an engine), and it cannot see other modules that import this metadata: check them.',
  },
  wholeModule: boundMetadataWords,
  check(context) {
    const { model } = context;
    const bound = boundMetadata(model);
    if (bound.sites.length === 0) return;
    const fix = unbindFix(model);
    for (const site of bound.sites) context.report(site.node, 'MetaData bound to an engine is removed in 2.0; pass the engine where it is used', fix);
  },
};

function unbindFix(model: ModuleModel): Fix | undefined {
  const bound = boundMetadata(model);
  const plan = unbindPlan(model);
  if (plan.blocked) return undefined;
  return {
    title: 'Remove the binding and pass the engine to each use',
    safety: 'review',
    edits: [...bound.sites.map((s) => s.removal), ...plan.edits],
  };
}
