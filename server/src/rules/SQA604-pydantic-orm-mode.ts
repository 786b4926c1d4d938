import type { Node } from '../parse/parser';
import type { Fix, Rule } from './types';
import type { ModuleModel } from '../semantics/model';
import { checkedMethodCalls } from './helpers';
import { ensureImported } from '../fix/imports';
import { CONFIG_DICT_NAMES, KEPT_CONFIG_KEYS, OTHER_ORM_ROOTS, PYDANTIC_BASE_MODELS, RENAMED_CONFIG_KEYS } from './data/pydanticConfig';

/**
 * SQA604 pydantic-orm-mode: Pydantic v1's way of reading ORM objects.
 */
export const pydanticOrmMode: Rule = {
  code: 'SQA604',
  id: 'pydantic-orm-mode',
  tier: 'pitfall',
  fixable: 'safe',
  needsSqlAlchemy: false,
  textWords: ['orm_mode', 'from_orm'],
  guide: { anchor: 'migration-20-query-usage', title: '2.0 Migration - ORM Usage' },
  docs: {
    summary: 'Pydantic v1 `orm_mode` and `from_orm()` on ORM objects',
    what: 'Flags, on classes that subclass Pydantic\'s `BaseModel` (directly or through classes of the same file), the v1 setting `orm_mode` (in `class Config:` or as a class keyword) and calls of `Model.from_orm(obj)`. Files that import another ORM (Django, Tortoise, Peewee, ...) are left alone.',
    why: 'Serializing ORM objects into DTOs is where SQLAlchemy 2.0 code meets Pydantic, and 2.0-era stacks run Pydantic v2. There `orm_mode` is renamed `from_attributes` and belongs in `model_config = ConfigDict(...)`, and `from_orm()` is deprecated in favour of `model_validate()`; v2 only warns about the old spellings, and a `class Config` cannot be combined with `model_config`.',
    example: 'from pydantic import BaseModel\n\n\nclass UserDTO(BaseModel):\n    id: int\n    name: str\n\n    class Config:\n        orm_mode = True\n\n\ndto = UserDTO.from_orm(session.get(User, 1))',
    useInstead: 'from pydantic import BaseModel, ConfigDict\n\n\nclass UserDTO(BaseModel):\n    model_config = ConfigDict(from_attributes=True)\n\n    id: int\n    name: str\n\n\ndto = UserDTO.model_validate(session.get(User, 1))',
    fixSafety: 'Safe on Pydantic v2, which the fixed code needs (`ConfigDict` and `model_validate()` do not exist in v1). `class Config:` becomes `model_config = ConfigDict(...)` when each of its settings has a v2 key of the same meaning (`orm_mode` → `from_attributes`, `allow_population_by_field_name` → `populate_by_name`, `anystr_*` → `str_*`, `validate_all` → `validate_default`, and settings v2 keeps as they are); a Config with other settings, methods or comments is flagged without a fix. `from_orm(obj)` becomes `model_validate(obj)`, which reads attributes as `from_orm` did once the model has `from_attributes`.',
  },
  check(context) {
    const { model } = context;
    if (importsOtherOrm(model)) return;
    for (const cls of model.checkedNodes('class_definition')) {
      if (!isPydanticModel(model, cls, 0)) continue;
      for (const keyword of classKeywords(cls)) {
        if (keyword.childForFieldName('name')?.text !== 'orm_mode') continue;
        const name = keyword.childForFieldName('name')!;
        context.report(keyword, 'orm_mode is Pydantic v1; v2 calls it from_attributes', {
          title: 'Rename to from_attributes',
          safety: 'safe',
          edits: [{ start: name.startIndex, end: name.endIndex, newText: 'from_attributes' }],
        });
      }
      const config = configClass(cls);
      const ormMode = config && configSettings(config).find((s) => s.name === 'orm_mode');
      if (!config || !ormMode) continue;
      context.report(ormMode.statement, 'class Config with orm_mode is Pydantic v1; v2 uses model_config = ConfigDict(from_attributes=True)', configFix(model, cls, config));
    }
    for (const parts of checkedMethodCalls(model, new Set(['from_orm']))) {
      if (!parts.object || !parts.methodNode || !isPydanticReceiver(model, parts.object)) continue;
      context.report(parts.call, 'from_orm() is Pydantic v1; v2 reads ORM objects with model_validate()', {
        title: 'Use model_validate()',
        safety: 'safe',
        edits: [{ start: parts.methodNode.startIndex, end: parts.methodNode.endIndex, newText: 'model_validate' }],
      });
    }
  },
};

interface Setting {
  name: string;
  value: Node;
  statement: Node;
}

function importsOtherOrm(model: ModuleModel): boolean {
  const roots = [...model.nodesWithWords('import_statement', ['import']), ...model.nodesWithWords('import_from_statement', ['import'])].flatMap((stmt) => {
    const moduleName = stmt.childForFieldName('module_name');
    const names = moduleName ? [moduleName] : stmt.childrenForFieldName('name');
    return names.map((n) => (n?.type === 'aliased_import' ? n.childForFieldName('name') : n)?.text.split('.')[0] ?? '');
  });
  return roots.some((root) => OTHER_ORM_ROOTS.has(root));
}

/** A class deriving from `pydantic.BaseModel`, directly or through classes defined in this file. */
function isPydanticModel(model: ModuleModel, cls: Node, depth: number): boolean {
  if (depth > 10) return false;
  const bases = cls.childForFieldName('superclasses')?.namedChildren ?? [];
  return bases.some((base) => {
    if (!base || base.type === 'keyword_argument') return false;
    if (PYDANTIC_BASE_MODELS.has(model.qualifiedName(base) ?? '')) return true;
    if (base.type !== 'identifier') return false;
    const bindings = model.lookup(base.text, base);
    return bindings?.length === 1 && bindings[0].kind === 'class' && !!bindings[0].value && isPydanticModel(model, bindings[0].value, depth + 1);
  });
}

function classKeywords(cls: Node): Node[] {
  const args = cls.childForFieldName('superclasses')?.namedChildren ?? [];
  return args.filter((a): a is Node => a?.type === 'keyword_argument');
}

/** The `class Config:` directly in the model's body. */
function configClass(cls: Node): Node | undefined {
  const body = cls.childForFieldName('body');
  return body?.namedChildren.find((s): s is Node => s?.type === 'class_definition' && s.childForFieldName('name')?.text === 'Config');
}

/** `name = value` statements of the Config body. */
function configSettings(config: Node): Setting[] {
  const settings: Setting[] = [];
  for (const statement of config.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
    const value = assignment?.childForFieldName('right');
    if (statement && left?.type === 'identifier' && value) settings.push({ name: left.text, value, statement });
  }
  return settings;
}

/** `class Config:` as `model_config = ConfigDict(...)`, when every setting has a v2 key. */
function configFix(model: ModuleModel, cls: Node, config: Node): Fix | undefined {
  const body = config.childForFieldName('body');
  if (!body || config.descendantsOfType('comment').length > 0) return undefined;
  // v2 refuses a class that has both.
  if (cls.childForFieldName('body')?.descendantsOfType('identifier').some((id) => id?.text === 'model_config')) return undefined;
  const settings = configSettings(config);
  const statements = body.namedChildren.filter((s): s is Node => !!s);
  const ignorable = (s: Node) => s.type === 'pass_statement' || (s.type === 'expression_statement' && s.namedChildren[0]?.type === 'string');
  if (statements.some((s) => !ignorable(s) && !settings.some((setting) => setting.statement.id === s.id))) return undefined;
  const entries: string[] = [];
  for (const { name, value } of settings) {
    const key = RENAMED_CONFIG_KEYS.get(name) ?? (KEPT_CONFIG_KEYS.has(name) ? name : undefined);
    // `extra = Extra.forbid` names an enum that v2 deprecates; only the string spelling carries over.
    if (!key || (name === 'extra' && value.type !== 'string')) return undefined;
    entries.push(`${key}=${model.textOf(value)}`);
  }
  const configDict = ensureImported(model, 'pydantic', 'ConfigDict', config, CONFIG_DICT_NAMES);
  if (!configDict) return undefined;
  return {
    title: 'Replace class Config with model_config = ConfigDict(...)',
    safety: 'safe',
    edits: [...configDict.edits, { start: config.startIndex, end: config.endIndex, newText: `model_config = ${configDict.expression}(${entries.join(', ')})` }],
  };
}

/** `UserDTO` (a Pydantic class of this file) or `cls` in one of its class methods. */
function isPydanticReceiver(model: ModuleModel, receiver: Node): boolean {
  if (receiver.type !== 'identifier') return false;
  const bindings = model.lookup(receiver.text, receiver);
  if (bindings?.length !== 1) return false;
  const binding = bindings[0];
  if (binding.kind === 'class') return !!binding.value && isPydanticModel(model, binding.value, 0);
  if (binding.kind !== 'param' || receiver.text !== 'cls') return false;
  const method = model.scopeNodeOf(binding.target);
  const decorated = method.parent?.type === 'decorated_definition' ? method.parent : undefined;
  const isClassMethod = decorated?.namedChildren.some((d) => d?.type === 'decorator' && d.text === '@classmethod');
  const owner = (decorated ?? method).parent?.parent;
  return !!isClassMethod && owner?.type === 'class_definition' && isPydanticModel(model, owner, 0);
}
