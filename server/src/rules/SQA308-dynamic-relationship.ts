import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import {
  isBackrefCall, isRelationshipCall, keywordsOf, relationshipFacts, sqlalchemyNameOf, stringValue, type ClassAssignment,
} from '../semantics/declarative';
import { calleeNamed, withAliases, flaskTestOf, imported, isMappedAnnotation, ormClassSites, viewOf } from './declarativeHelpers';

const DYNAMIC_LOADERS = new Set(['sqlalchemy.orm.dynamic_loader']);
/** The names the calls this rule reads are spelled with, as a cheap first test. */
const CALLEE_NAMES = new Set(['relationship', 'relation', 'backref', 'dynamic_loader']);

/**
 * SQA308 dynamic-relationship: `relationship(..., lazy="dynamic")`; in 2.0-only code it becomes
 * `posts: WriteOnlyMapped["Post"] = relationship(..., lazy="write_only")`.
 */
export const dynamicRelationship: Rule = {
  code: 'SQA308',
  id: 'dynamic-relationship',
  tier: 'legacy',
  fixable: 'review',
  guide: { anchor: 'migration-20-dynamic-loaders', title: '"Dynamic" relationship loaders superseded by "Write Only"' },
  docs: {
    summary: 'relationship loaded with the legacy `lazy="dynamic"` strategy',
    what: 'Flags `lazy="dynamic"` in `relationship()` and `backref()`, and `dynamic_loader()`.',
    why: 'A dynamic relationship hands out a legacy `Query` (`AppenderQuery`), does not work with asyncio, and still loads the whole collection in several places it was meant to avoid. 2.0\'s `lazy="write_only"` gives a `WriteOnlyCollection` that never loads implicitly and builds `select()` statements instead. `lazy="dynamic"` still works in 2.0, so the guide advises moving once the code runs on 2.0 only.',
    example: 'from sqlalchemy.orm import declarative_base, relationship\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts = relationship("Post", lazy="dynamic")',
    useInstead: 'from sqlalchemy.orm import WriteOnlyMapped, declarative_base, relationship\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    posts: WriteOnlyMapped["Post"] = relationship("Post", lazy="write_only")',
    fixSafety: 'No fix when the target version is 1.4-compatible: `write_only` and `WriteOnlyMapped` exist in 2.0 only. With target version 2.0 the fix (needs review) sets `lazy="write_only"` and annotates the attribute `WriteOnlyMapped["Target"]`; code that iterates the collection or calls Query methods on it (`user.posts.filter(...)`, `.all()`) must be rewritten with `user.posts.select()` and `session.scalars(...)`. `backref(..., lazy="dynamic")` and `dynamic_loader()` are flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    const callees = withAliases(model, CALLEE_NAMES);
    const calls = model.checkedNodes('call').filter((call) => calleeNamed(call, callees));
    // Cheap test first: the module index is built only when a checked call is spelled like one.
    if (calls.length === 0) return;
    const view = viewOf(context);
    const isFlaskDb = flaskTestOf(view);
    const assignments = new Map<number, ClassAssignment>();
    for (const site of ormClassSites(model, view)) {
      if (site.kind.kind !== 'mapped' && site.kind.kind !== 'abstract') continue;
      for (const assignment of site.assignments) if (assignment.value) assignments.set(assignment.value.id, assignment);
    }
    const message = '`lazy="dynamic"` is the legacy dynamic loader; 2.0 has `lazy="write_only"` with `WriteOnlyMapped[...]`';
    for (const call of calls) {
      const fn = call.childForFieldName('function');
      if (fn && DYNAMIC_LOADERS.has(sqlalchemyNameOf(model, fn, isFlaskDb) ?? '')) {
        context.report(call, '`dynamic_loader()` is the legacy dynamic loader; 2.0 has `relationship(lazy="write_only")`');
        continue;
      }
      const relationship = isRelationshipCall(model, call, isFlaskDb);
      if (!relationship && !isBackrefCall(model, call, isFlaskDb)) continue;
      const lazy = keywordsOf(call).get('lazy');
      if (!lazy || stringValue(lazy.childForFieldName('value') ?? undefined) !== 'dynamic') continue;
      const assignment = relationship ? assignments.get(call.id) : undefined;
      const fix = context.targetVersion === '2.0' && assignment ? writeOnlyFix(model, call, lazy, assignment, isFlaskDb) : undefined;
      context.report(lazy, message, fix);
    }
  },
};

function writeOnlyFix(model: ModuleModel, call: Node, lazy: Node, assignment: ClassAssignment, isFlaskDb: (name: string) => boolean): Fix | undefined {
  const facts = relationshipFacts(model, call, isFlaskDb);
  if (!facts.target || facts.target.includes('.') || facts.uselist === false) return undefined;
  if (assignment.annotation && !isMappedAnnotation(model, assignment.annotation)) return undefined;
  const writeOnly = imported(model, 'sqlalchemy.orm', 'WriteOnlyMapped', call);
  if (!writeOnly) return undefined;
  const annotation = `${writeOnly.text}["${facts.target}"]`;
  const name = assignment.name;
  const annotationEdit = assignment.annotation
    ? { start: assignment.annotation.startIndex, end: assignment.annotation.endIndex, newText: annotation }
    : { start: name.endIndex, end: name.endIndex, newText: `: ${annotation}` };
  const value = lazy.childForFieldName('value')!;
  return {
    title: 'Use lazy="write_only" with WriteOnlyMapped',
    safety: 'review',
    edits: [...writeOnly.edits, annotationEdit, { start: value.startIndex, end: value.endIndex, newText: '"write_only"' }],
  };
}
