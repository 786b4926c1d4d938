import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { isRelationshipCall, type ClassAssignment } from '../semantics/declarative';
import type { ClassRef, ProjectView } from '../semantics/projectView';
import { flaskTestOf, imported, ormClassSites, viewOf } from './declarativeHelpers';

/**
 * SQA305 relationship-without-mapped: `orders = relationship("Order")` becomes
 * `orders: Mapped[List["Order"]] = relationship("Order")`.
 */
export const relationshipWithoutMapped: Rule = {
  code: 'SQA305',
  id: 'relationship-without-mapped',
  tier: 'typing',
  fixable: 'review',
  onlyForTarget: '2.0',
  guide: { anchor: 'migration-20-step-six', title: 'Migration to 2.0 Step Six - Add __allow_unmapped__ to explicitly typed ORM models' },
  docs: {
    summary: '`relationship()` attribute of a mapped class without a `Mapped[...]` annotation',
    what: 'Flags class attributes `x = relationship(...)` of mapped classes when the target version is 2.0. Dynamic relationships (`lazy="dynamic"`) are left to SQA308, which types them as `WriteOnlyMapped`.',
    why: 'A typed 2.0 model says what a relationship holds: `Mapped[List["Order"]]` for a collection, `Mapped["User"]` or `Mapped[Optional["User"]]` for a single object. Type checkers then know `user.orders[0].total` without a plugin.',
    example: 'from sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import declarative_base, relationship\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    orders = relationship("Order", back_populates="user")\n\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id = Column(Integer, primary_key=True)\n    user_id = Column(ForeignKey("users.id"), nullable=False)\n    user = relationship("User", back_populates="orders")',
    useInstead: 'from typing import List\nfrom sqlalchemy import ForeignKey\nfrom sqlalchemy.orm import Mapped, declarative_base, mapped_column, relationship\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    orders: Mapped[List["Order"]] = relationship("Order", back_populates="user")\n\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))\n    user: Mapped["User"] = relationship("User", back_populates="orders")',
    fixSafety: 'Needs review, and offered only for target version 2.0 (the typed style is a 2.0 migration step; there is no 1.4 run to check it against). Collection or single object follows SQLAlchemy\'s own rule: `uselist=` when given, a list for `secondary=`, otherwise the side that holds the foreign key, found through the project\'s models (this class holds it: many-to-one, a single object, `Optional` when the key column accepts NULL; the target holds it: a list). When the target class, its table or the foreign key cannot be found, or `collection_class=` is set, the relationship is flagged without a fix.',
  },
  check(context) {
    const { model } = context;
    // Findings lie in class bodies: without a checked class there is nothing to index.
    if (context.model.checkedNodes('class_definition').length === 0) return;
    const view = viewOf(context);
    const isFlaskDb = flaskTestOf(view);
    for (const site of ormClassSites(model, view)) {
      if (site.kind.kind !== 'mapped' && site.kind.kind !== 'abstract') continue;
      for (const assignment of site.assignments) {
        if (assignment.annotation || !assignment.value || !isRelationshipCall(model, assignment.value, isFlaskDb)) continue;
        const rel = site.ref.cls.relationships.find((r) => r.attribute === assignment.name.text);
        if (!rel || rel.lazy === 'dynamic') continue;
        const message = `\`${assignment.name.text} = relationship(...)\` has no type for checkers; 2.0 style annotates it with \`Mapped[...]\``;
        context.report(assignment.assignment, message, annotationFix(model, view, site.ref, assignment));
      }
    }
  },
};

function annotationFix(model: ModuleModel, view: ProjectView, owner: ClassRef, assignment: ClassAssignment): Fix | undefined {
  const rel = owner.cls.relationships.find((r) => r.attribute === assignment.name.text);
  const shape = rel && view.relationshipShape(owner, rel);
  if (!rel || !shape) return undefined;
  // An imported class under another name would not be the string's meaning: keep the names equal.
  if (!rel.targetIsString && rel.target !== shape.target.cls.name) return undefined;
  const call = assignment.value!;
  const mapped = imported(model, 'sqlalchemy.orm', 'Mapped', call);
  const wrapper = shape.collection ? imported(model, 'typing', 'List', call) : shape.optional ? imported(model, 'typing', 'Optional', call) : { text: '', edits: [] };
  if (!mapped || !wrapper) return undefined;
  const target = `"${shape.target.cls.name}"`;
  const inner = wrapper.text ? `${wrapper.text}[${target}]` : target;
  return {
    title: `Annotate as Mapped[${inner}]`,
    safety: 'review',
    edits: [...mapped.edits, ...wrapper.edits, { start: assignment.name.endIndex, end: assignment.name.endIndex, newText: `: ${mapped.text}[${inner}]` }],
  };
}
