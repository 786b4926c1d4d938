import type { Rule } from './types';
import { classMethods } from '../semantics/declarative';
import { ormClassSites, viewOf } from './declarativeHelpers';

/**
 * SQA310 orm-model-init-override: an `__init__` defined on a mapped class.
 */
export const ormModelInitOverride: Rule = {
  code: 'SQA310',
  id: 'orm-model-init-override',
  tier: 'pitfall',
  fixable: 'none',
  guide: { anchor: 'migration-orm-configuration', title: '2.0 Migration - ORM Configuration' },
  docs: {
    summary: '`__init__` defined on a mapped class',
    what: 'Flags an `__init__` method on a mapped class, or on a mixin that mapped classes use.',
    why: 'The ORM never calls `__init__` for objects it loads from the database: whatever the method sets up (defaults, validation, derived attributes) holds only for objects built by hand, and a constructor that does not accept every mapped attribute breaks code that builds objects by keyword. 2.0 offers a declared constructor instead: the default keyword constructor, `MappedAsDataclass` (fields with `default=`, `init=False`), validation with `@validates` or at the application boundary (Pydantic), and `@reconstructor` for set-up on load.',
    example: 'from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    name = Column(String(50))\n\n    def __init__(self, name):\n        self.name = name.strip().lower()',
    useInstead: 'from sqlalchemy.orm import declarative_base, validates\n\nBase = declarative_base()\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id = Column(Integer, primary_key=True)\n    name = Column(String(50))\n\n    @validates("name")\n    def normalize_name(self, key, value):\n        return value.strip().lower()',
    fixSafety: 'No automatic fix: what the constructor does must move to defaults, validators, a dataclass mapping or a `@reconstructor` hook, by hand.',
  },
  check(context) {
    const { model } = context;
    // Findings lie in class bodies: without a checked class there is nothing to index.
    if (context.model.checkedNodes('class_definition').length === 0) return;
    const view = viewOf(context);
    for (const site of ormClassSites(model, view)) {
      if (site.kind.kind === 'base') continue;
      for (const method of classMethods(site.node)) {
        const name = method.childForFieldName('name');
        if (name?.text !== '__init__') continue;
        const what = site.kind.kind === 'mixin' ? 'a mixin of mapped classes' : 'a mapped class';
        context.report(name, `\`__init__\` on ${what} runs only for objects built in code, never for rows loaded by the ORM`, undefined);
      }
    }
  },
};
