import type { ModuleModel } from './model';
import { StatementFacts } from './statementFacts';
import { ModelMemo } from './modelMemo';

/**
 * The words a use of one of these qualified names can be spelled with: the last part of each
 * (`MetaData`, `sa.MetaData`) and the local names the module imports them under.
 */
export function spellingsOf(model: ModuleModel, qualifiedNames: string[]): string[] {
  const byKey = spellingsCache.of(model, () => new Map());
  const key = qualifiedNames.join(' ');
  let words = byKey.get(key);
  if (!words) byKey.set(key, (words = findSpellings(model, qualifiedNames)));
  return words;
}

const spellingsCache = new ModelMemo<Map<string, string[]>>();

function findSpellings(model: ModuleModel, qualifiedNames: string[]): string[] {
  const lastParts = new Set(qualifiedNames.map((q) => q.slice(q.lastIndexOf('.') + 1)));
  const words = new Set(lastParts);
  // Only `from m import X as Y` adds a spelling.
  for (const { name, alias } of aliasedImports(model)) if (alias && lastParts.has(name)) words.add(alias);
  return [...words];
}

/** `from m import name as alias`: the name as written and its alias. */
export interface AliasedImport {
  name: string;
  alias: string;
}

const statementAliases = new StatementFacts<readonly AliasedImport[]>();
const aliasesCache = new ModelMemo<AliasedImport[]>();

/** Every `name as alias` of the module's from-imports (at any depth), in source order. */
export function aliasedImports(model: ModuleModel): readonly AliasedImport[] {
  let aliases = aliasesCache.get(model);
  if (aliases) return aliases;
  aliases = [];
  // `import` picks fewer statements than `as` (`with ... as conn`).
  for (const i of model.candidateUnits(['import'])) {
    // What a statement aliases depends on its text alone; only one spelling both words can alias.
    if (!model.unitSpells(i, ['as']) || !model.unitSpells(i, ['import'])) continue;
    aliases.push(...statementAliases.of(model, i, () => aliasesIn(model, i)));
  }
  aliasesCache.set(model, aliases);
  return aliases;
}

function aliasesIn(model: ModuleModel, i: number): AliasedImport[] {
  const found: AliasedImport[] = [];
  for (const statement of model.unitNodes(i, 'import_from_statement')) {
    for (const imported of statement.childrenForFieldName('name')) {
      if (imported?.type !== 'aliased_import') continue;
      found.push({ name: imported.childForFieldName('name')?.text ?? '', alias: imported.childForFieldName('alias')?.text ?? '' });
    }
  }
  return found;
}
