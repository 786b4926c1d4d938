import type { Node } from '../parse/parser';
import type { Fix, Rule, RuleContext, TextEdit } from './types';
import type { ModuleModel } from '../semantics/model';
import { isBackrefCall, isRelationshipCall, keywordsOf, positionalArgs, relationshipFacts, type FlaskDbTest } from '../semantics/declarative';
import type { ClassRef, ProjectView } from '../semantics/projectView';
import { calleeNamed, withAliases, eolOf, flaskTestOf, imported, isLiteral, ormClassSites, viewOf } from './declarativeHelpers';

const RELATIONSHIP_NAMES = new Set(['relationship', 'relation']);

/** Settings a backref takes over from its forward relationship, unless `backref()` sets them itself. */
const INHERITED_FROM_FORWARD = ['viewonly', 'post_update', 'passive_updates', 'sync_backref'];

/**
 * SQA307 backref: `relationship("Address", backref="user")` becomes `back_populates="user"`, and
 * `Address` gets `user = relationship("User", back_populates="addresses")`, in whatever file it lives.
 */
export const backrefRule: Rule = {
  code: 'SQA307',
  id: 'backref',
  tier: 'legacy',
  fixable: 'review',
  guide: { anchor: 'migration-orm-configuration', title: '2.0 Migration - ORM Configuration' },
  docs: {
    summary: 'relationship declared on one side only, through `backref`',
    what: 'Flags `relationship(..., backref="name")` and `relationship(..., backref=backref("name", ...))`.',
    why: 'A backref adds an attribute to the other class behind its back: the attribute appears only once mappers are configured, type checkers and readers of that class never see it, and it cannot carry a `Mapped[...]` annotation. The 2.0 documentation declares both sides explicitly and links them with `back_populates`.',
    example: 'from sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import declarative_base, relationship\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    addresses = relationship("Address", backref="user")\n\n\nclass Address(Base):\n    __tablename__ = "addresses"\n    id = Column(Integer, primary_key=True)\n    user_id = Column(ForeignKey("users.id"))',
    useInstead: 'from sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import declarative_base, relationship\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    addresses = relationship("Address", back_populates="user")\n\n\nclass Address(Base):\n    __tablename__ = "addresses"\n    id = Column(Integer, primary_key=True)\n    user_id = Column(ForeignKey("users.id"))\n    user = relationship("User", back_populates="addresses")',
    fixSafety: 'Needs review. The fix replaces `backref` with `back_populates` and adds the other side to the target class, which may live in another file of the project (the CLI\'s `fix` edits both files, or neither). The new relationship takes the arguments given to `backref()` and the settings a backref copies from its forward side (`viewonly`, `post_update`, `passive_updates`, `sync_backref`, `secondary`). The fix is offered only when all of these are literals or a `secondary` table the target class can see, and when the forward relationship has no custom join (`primaryjoin`, `foreign_keys`, `remote_side`), whose reverse must be written by hand; the target class must be mapped in the same registry and not define the name already. Checked on 1.4 by a runtime test.',
  },
  check(context) {
    const { model } = context;
    const callees = withAliases(model, RELATIONSHIP_NAMES);
    const calls = model.checkedNodes('call').filter((call) => calleeNamed(call, callees));
    // Cheap test first: the module index is built only when a checked call is spelled like one.
    if (calls.length === 0) return;
    const view = viewOf(context);
    const isFlaskDb = flaskTestOf(view);
    const owners = new Map<number, { site: ClassRef; attribute: string }>();
    for (const site of ormClassSites(model, view)) {
      if (site.kind.kind !== 'mapped') continue;
      for (const { value, name } of site.assignments) if (value) owners.set(value.id, { site: site.ref, attribute: name.text });
    }
    for (const call of calls) {
      if (!isRelationshipCall(model, call, isFlaskDb)) continue;
      const facts = relationshipFacts(model, call, isFlaskDb);
      if (!facts.backrefArgument) continue;
      const owner = owners.get(call.id);
      const message = facts.backref && owner
        ? `backref creates \`${facts.target ?? 'the target'}.${facts.backref}\` out of sight; declare it there and link both sides with back_populates`
        : 'backref creates the other side out of sight; declare it on the target class and link both sides with back_populates';
      context.report(facts.backrefArgument, message, owner && backPopulatesFix(context, view, isFlaskDb, call, owner.site, owner.attribute));
    }
  },
};

function backPopulatesFix(context: RuleContext, view: ProjectView, isFlaskDb: FlaskDbTest, call: Node, owner: ClassRef, attribute: string): Fix | undefined {
  const { model } = context;
  const facts = relationshipFacts(model, call, isFlaskDb);
  const rel = owner.cls.relationships.find((r) => r.attribute === attribute);
  if (!rel || !facts.backref || !facts.backrefArgument || facts.backPopulates || facts.customJoin) return undefined;
  if (!/^[A-Za-z_]\w*$/.test(facts.backref)) return undefined;
  const target = view.relationshipTarget(owner, rel);
  if (!target || view.classKind(target)?.kind !== 'mapped' || view.classKind(target)?.registry !== view.classKind(owner)?.registry) return undefined;
  if (target.file === owner.file && target.cls.name === owner.cls.name) return undefined;
  if (target.cls.attributes.includes(facts.backref)) return undefined;
  const args = reverseArguments(model, isFlaskDb, call, facts.backrefArgument, target, target.file === view.file);
  if (!args) return undefined;
  const forward: TextEdit = { start: facts.backrefArgument.startIndex, end: facts.backrefArgument.endIndex, newText: `back_populates="${facts.backref}"` };
  const line = (relationship: string) => `${facts.backref} = ${relationship}("${owner.cls.name}", back_populates="${attribute}"${args.map((a) => `, ${a}`).join('')})`;
  const title = `Declare ${target.cls.name}.${facts.backref} with back_populates`;
  if (target.file === view.file) {
    const fn = call.childForFieldName('function')!;
    const insert = { start: target.cls.insertAt, end: target.cls.insertAt, newText: `${eolOf(model.text)}${target.cls.indent}${line(model.textOf(fn))}` };
    return { title, safety: 'review', edits: [forward, insert] };
  }
  const external = context.models?.withModel(target.file, (other) => otherFileEdits(other, target, line));
  return external && { title, safety: 'review', edits: [forward], externalEdits: [{ file: target.file, edits: external }] };
}

/** The import of `relationship` (when missing) and the new line, in the target's own file. */
function otherFileEdits(other: ModuleModel, target: ClassRef, line: (relationship: string) => string): TextEdit[] | undefined {
  const classNode = other.nodes('class_definition').find((c) => c.startIndex === target.cls.start);
  const body = classNode?.childForFieldName('body');
  const relationship = body && imported(other, 'sqlalchemy.orm', 'relationship', body);
  if (!relationship) return undefined;
  return [...relationship.edits, { start: target.cls.insertAt, end: target.cls.insertAt, newText: `${eolOf(other.text)}${target.cls.indent}${line(relationship.text)}` }];
}

/** `backref()`'s own keyword arguments, plus what a backref copies from the forward side; undefined when one cannot be copied as text. */
function reverseArguments(model: ModuleModel, isFlaskDb: FlaskDbTest, call: Node, backrefArgument: Node, target: ClassRef, sameFile: boolean): string[] | undefined {
  const args: string[] = [];
  const backrefValue = backrefArgument.childForFieldName('value');
  const given = new Set<string>();
  if (backrefValue && isBackrefCall(model, backrefValue, isFlaskDb)) {
    if (positionalArgs(backrefValue).length !== 1) return undefined;
    for (const [name, keyword] of keywordsOf(backrefValue)) {
      const value = keyword.childForFieldName('value') ?? undefined;
      if (!isLiteral(value)) return undefined;
      given.add(name);
      args.push(model.textOf(keyword));
    }
  }
  const forward = keywordsOf(call);
  for (const name of INHERITED_FROM_FORWARD) {
    const keyword = forward.get(name);
    if (!keyword || given.has(name)) continue;
    if (!isLiteral(keyword.childForFieldName('value') ?? undefined)) return undefined;
    args.push(model.textOf(keyword));
  }
  const secondary = forward.get('secondary')?.childForFieldName('value');
  if (secondary && !secondaryVisible(model, secondary, target, sameFile)) return undefined;
  if (secondary) args.push(`secondary=${model.textOf(secondary)}`);
  return args;
}

/** A table name as a string resolves anywhere; a variable only when the target class comes after it in this file. */
function secondaryVisible(model: ModuleModel, secondary: Node, target: ClassRef, sameFile: boolean): boolean {
  if (secondary.type === 'string') return isLiteral(secondary);
  if (secondary.type !== 'identifier' || !sameFile) return false;
  const bindings = model.moduleBindings(secondary.text);
  return bindings?.length === 1 && bindings[0].kind === 'assign' && bindings[0].target.endIndex < target.cls.start;
}
