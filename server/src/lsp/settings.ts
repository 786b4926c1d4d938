import type { Connection } from 'vscode-languageserver';
import { DEFAULT_MAX_FILE_SIZE_MB } from '../engine/limits';

export type RuleLevel = 'off' | 'hint' | 'info' | 'warning' | 'error';

/** The `sqlaUpgrade.*` settings, read per document (they are resource-scoped). */
export interface Settings {
  enable: boolean;
  targetVersion: '1.4-compatible' | '2.0';
  fix: { includeReview: boolean };
  rules: Record<string, RuleLevel>;
  /** Globs, relative to the workspace folder, of files to leave out. */
  exclude: string[];
  /** The workspace scan leaves out what `.gitignore` files ignore. */
  respectGitIgnore: boolean;
  /** VS Code's `files.exclude` for the folder: globs the scan leaves out (a `when` clause names a sibling that must exist). */
  filesExclude: FilesExclude;
  /** Larger files are reported once and not analyzed. */
  maxFileSizeMB: number;
  /** `workspace: true` also reports closed files' findings to clients that pull diagnostics. */
  diagnostics: { workspace: boolean };
}

/** A `files.exclude` glob, with the sibling a `{"when": "$(basename).ts"}` value asks for. */
export type FilesExclude = Array<{ glob: string; when?: string }>;

export const DEFAULT_SETTINGS: Settings = {
  enable: true, targetVersion: '1.4-compatible', fix: { includeReview: false }, rules: {}, exclude: [], respectGitIgnore: true, filesExclude: [],
  maxFileSizeMB: DEFAULT_MAX_FILE_SIZE_MB, diagnostics: { workspace: false },
};

const LEVELS = new Set<RuleLevel>(['off', 'hint', 'info', 'warning', 'error']);

/** Accepts only well-formed values; anything else falls back to the default. */
export function normalizeSettings(raw: unknown, filesExclude?: unknown): Settings {
  const value = (raw ?? {}) as Partial<{ enable: unknown; targetVersion: unknown; fix: { includeReview?: unknown }; rules: Record<string, unknown>; exclude: unknown; respectGitIgnore: unknown; maxFileSizeMB: unknown; diagnostics: { workspace?: unknown } }>;
  const rules: Record<string, RuleLevel> = {};
  for (const [code, level] of Object.entries(value.rules ?? {})) {
    if (typeof level === 'string' && LEVELS.has(level as RuleLevel)) rules[code.toUpperCase()] = level as RuleLevel;
  }
  return {
    enable: typeof value.enable === 'boolean' ? value.enable : DEFAULT_SETTINGS.enable,
    targetVersion: value.targetVersion === '2.0' ? '2.0' : '1.4-compatible',
    fix: { includeReview: typeof value.fix?.includeReview === 'boolean' ? value.fix.includeReview : false },
    rules,
    exclude: Array.isArray(value.exclude) ? value.exclude.filter((g): g is string => typeof g === 'string') : [],
    respectGitIgnore: typeof value.respectGitIgnore === 'boolean' ? value.respectGitIgnore : DEFAULT_SETTINGS.respectGitIgnore,
    filesExclude: normalizeFilesExclude(filesExclude),
    maxFileSizeMB: typeof value.maxFileSizeMB === 'number' && value.maxFileSizeMB > 0 ? value.maxFileSizeMB : DEFAULT_MAX_FILE_SIZE_MB,
    diagnostics: { workspace: value.diagnostics?.workspace === true },
  };
}

/** `files.exclude` maps globs to `true`, `false` or `{ when }`; only those that exclude are kept. */
function normalizeFilesExclude(raw: unknown): FilesExclude {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const result: FilesExclude = [];
  for (const [glob, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === true) result.push({ glob });
    else if (value && typeof value === 'object' && typeof (value as { when?: unknown }).when === 'string') result.push({ glob, when: (value as { when: string }).when });
  }
  return result;
}

/** Per-URI cache of settings, emptied when the client says the configuration changed. */
export class SettingsCache {
  private readonly cache = new Map<string, Promise<Settings>>();
  supportsConfiguration = false;

  constructor(private readonly connection: Connection) {}

  get(uri: string): Promise<Settings> {
    if (!this.supportsConfiguration) return Promise.resolve(DEFAULT_SETTINGS);
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration([{ scopeUri: uri, section: 'sqlaUpgrade' }, { scopeUri: uri, section: 'files.exclude' }])
        .then(([own, filesExclude]: unknown[]) => normalizeSettings(own, filesExclude), () => DEFAULT_SETTINGS);
      this.cache.set(uri, settings);
    }
    return settings;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  clear(): void {
    this.cache.clear();
  }
}
