import type { Node } from '../parse/parser';
import type { ModuleModel } from './model';

/**
 * The words a use of one of these qualified names can be spelled with: the last part of each
 * (`MetaData`, `sa.MetaData`) and the local names the module imports them under.
 */
export function spellingsOf(model: ModuleModel, qualifiedNames: string[]): string[] {
  let byKey = spellingsCache.get(model);
  if (!byKey) spellingsCache.set(model, (byKey = new Map()));
  const key = qualifiedNames.join(' ');
  let words = byKey.get(key);
  if (!words) byKey.set(key, (words = findSpellings(model, qualifiedNames)));
  return words;
}

const spellingsCache = new WeakMap<ModuleModel, Map<string, string[]>>();

function findSpellings(model: ModuleModel, qualifiedNames: string[]): string[] {
  const lastParts = new Set(qualifiedNames.map((q) => q.slice(q.lastIndexOf('.') + 1)));
  const words = new Set(lastParts);
  // Only `from m import X as Y` adds a spelling: statements spelling `as` and a last part.
  const spelled = [...lastParts];
  const statements: Node[] = [];
  // `as` is common (`with ... as conn`): the last parts pick fewer statements.
  const candidates = model.unitsSpellingAny(spelled) ?? Array.from({ length: model.unitCount }, (_, i) => i);
  for (const i of candidates) {
    if (model.unitSpells(i, ['as']) && model.unitSpells(i, spelled)) statements.push(...model.unitNodes(i, 'import_from_statement'));
  }
  for (const statement of statements) {
    for (const name of statement.childrenForFieldName('name')) {
      if (name?.type !== 'aliased_import') continue;
      const alias = name.childForFieldName('alias')?.text;
      if (alias && lastParts.has(name.childForFieldName('name')?.text ?? '')) words.add(alias);
    }
  }
  return [...words];
}
