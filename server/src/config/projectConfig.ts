import * as fs from 'fs';
import * as path from 'path';
import { parse as parseToml } from 'smol-toml';
import { minimatch } from 'minimatch';
import { resolveSelectors } from './selectors';

export type TargetVersion = '1.4-compatible' | '2.0';

/** `[tool.sqla-upgrade]` of a pyproject.toml, validated. */
export interface ProjectConfig {
  /** The folder holding the pyproject.toml; globs are relative to it. */
  root: string;
  file: string;
  select?: Set<string>;
  ignore: Set<string>;
  targetVersion?: TargetVersion;
  exclude: string[];
  perFileIgnores: Array<{ glob: string; codes: Set<string> }>;
  /** What was wrong in the section; the valid parts still apply. */
  errors: string[];
}

const KNOWN_KEYS = new Set(['select', 'ignore', 'target-version', 'exclude', 'per-file-ignores']);

function stringList(value: unknown, key: string, errors: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    errors.push(`\`${key}\` must be a list of strings`);
    return [];
  }
  return value as string[];
}

function codesOf(selectors: string[], where: string, errors: string[]): Set<string> {
  const { codes, unknown } = resolveSelectors(selectors);
  for (const code of unknown) errors.push(`unknown rule code \`${code}\` in ${where}`);
  return codes;
}

/** Reads `[tool.sqla-upgrade]` from one pyproject.toml; undefined when the file has no such section. */
export function readProjectConfig(file: string): ProjectConfig | undefined {
  let data: Record<string, unknown>;
  try {
    data = parseToml(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    return { root: path.dirname(file), file, ignore: new Set(), exclude: [], perFileIgnores: [], errors: [`cannot read ${path.basename(file)}: ${(error as Error).message.split('\n')[0]}`] };
  }
  const section = (data.tool as Record<string, unknown> | undefined)?.['sqla-upgrade'] as Record<string, unknown> | undefined;
  if (!section) return undefined;
  const errors: string[] = [];
  for (const key of Object.keys(section)) if (!KNOWN_KEYS.has(key)) errors.push(`unknown setting \`${key}\``);
  const config: ProjectConfig = { root: path.dirname(file), file, ignore: new Set(), exclude: [], perFileIgnores: [], errors };
  if (section.select !== undefined) config.select = codesOf(stringList(section.select, 'select', errors), '`select`', errors);
  config.ignore = codesOf(stringList(section.ignore, 'ignore', errors), '`ignore`', errors);
  const target = section['target-version'];
  if (target !== undefined) {
    if (target === '1.4-compatible' || target === '2.0') config.targetVersion = target;
    else errors.push('`target-version` must be "1.4-compatible" or "2.0"');
  }
  config.exclude = stringList(section.exclude, 'exclude', errors);
  const perFile = section['per-file-ignores'];
  if (perFile !== undefined) {
    if (typeof perFile !== 'object' || perFile === null || Array.isArray(perFile)) errors.push('`per-file-ignores` must be a table of glob = [codes]');
    else {
      for (const [glob, codes] of Object.entries(perFile)) {
        config.perFileIgnores.push({ glob, codes: codesOf(stringList(codes, `per-file-ignores."${glob}"`, errors), `\`per-file-ignores."${glob}"\``, errors) });
      }
    }
  }
  return config;
}

const cache = new Map<string, ProjectConfig | null>();

/** The nearest pyproject.toml with a `[tool.sqla-upgrade]` section, looking up from a file's folder. */
export function findProjectConfig(file: string): ProjectConfig | undefined {
  let dir = path.dirname(path.resolve(file));
  const visited: string[] = [];
  for (;;) {
    const cached = cache.get(dir);
    if (cached !== undefined) {
      for (const v of visited) cache.set(v, cached);
      return cached ?? undefined;
    }
    visited.push(dir);
    const candidate = path.join(dir, 'pyproject.toml');
    const config = fs.existsSync(candidate) ? readProjectConfig(candidate) : undefined;
    if (config) {
      for (const v of visited) cache.set(v, config);
      return config;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      for (const v of visited) cache.set(v, null);
      return undefined;
    }
    dir = parent;
  }
}

export function clearProjectConfigCache(): void {
  cache.clear();
}

function relativeTo(config: ProjectConfig, file: string): string {
  return path.relative(config.root, path.resolve(file)).split(path.sep).join('/');
}

export function isExcludedByConfig(config: ProjectConfig | undefined, file: string): boolean {
  if (!config) return false;
  const relative = relativeTo(config, file);
  return config.exclude.some((glob) => minimatch(relative, glob, { dot: true }) || minimatch(relative, `${glob}/**`, { dot: true }));
}

/** The codes the config turns off for one file (global `ignore` plus matching `per-file-ignores`). */
export function ignoredCodesFor(config: ProjectConfig | undefined, file: string): Set<string> {
  if (!config) return new Set();
  const relative = relativeTo(config, file);
  const ignored = new Set(config.ignore);
  for (const { glob, codes } of config.perFileIgnores) {
    if (minimatch(relative, glob, { dot: true }) || minimatch(path.posix.basename(relative), glob, { dot: true })) for (const c of codes) ignored.add(c);
  }
  return ignored;
}
