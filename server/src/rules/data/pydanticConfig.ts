/** Pydantic v1 `class Config` settings and their Pydantic v2 `ConfigDict` keys, kept apart from the checker as data. */

export const PYDANTIC_BASE_MODELS = new Set(['pydantic.BaseModel', 'pydantic.main.BaseModel']);

export const CONFIG_DICT_NAMES = new Set(['pydantic.ConfigDict', 'pydantic.config.ConfigDict']);

/** v1 settings renamed in v2 with the same meaning. */
export const RENAMED_CONFIG_KEYS: ReadonlyMap<string, string> = new Map([
  ['orm_mode', 'from_attributes'],
  ['allow_population_by_field_name', 'populate_by_name'],
  ['anystr_lower', 'str_to_lower'],
  ['anystr_upper', 'str_to_upper'],
  ['anystr_strip_whitespace', 'str_strip_whitespace'],
  ['min_anystr_length', 'str_min_length'],
  ['max_anystr_length', 'str_max_length'],
  ['validate_all', 'validate_default'],
]);

/** v1 settings that v2 keeps under the same name and meaning (`extra` only with a string value). */
export const KEPT_CONFIG_KEYS = new Set([
  'title', 'frozen', 'validate_assignment', 'arbitrary_types_allowed', 'use_enum_values', 'allow_inf_nan', 'extra',
]);

/** Other ORMs whose objects Pydantic's `orm_mode` also reads: files that use them are not this tool's business. */
export const OTHER_ORM_ROOTS = new Set(['django', 'tortoise', 'peewee', 'pony', 'mongoengine', 'ormar', 'piccolo']);
