import type { Connection } from 'vscode-languageserver';

export type RuleLevel = 'off' | 'hint' | 'info' | 'warning' | 'error';

/** The `sqlaUpgrade.*` settings, read per document (they are resource-scoped). */
export interface Settings {
  enable: boolean;
  fix: { includeReview: boolean };
  rules: Record<string, RuleLevel>;
}

export const DEFAULT_SETTINGS: Settings = { enable: true, fix: { includeReview: false }, rules: {} };

const LEVELS = new Set<RuleLevel>(['off', 'hint', 'info', 'warning', 'error']);

/** Accepts only well-formed values; anything else falls back to the default. */
export function normalizeSettings(raw: unknown): Settings {
  const value = (raw ?? {}) as Partial<{ enable: unknown; fix: { includeReview?: unknown }; rules: Record<string, unknown> }>;
  const rules: Record<string, RuleLevel> = {};
  for (const [code, level] of Object.entries(value.rules ?? {})) {
    if (typeof level === 'string' && LEVELS.has(level as RuleLevel)) rules[code.toUpperCase()] = level as RuleLevel;
  }
  return {
    enable: typeof value.enable === 'boolean' ? value.enable : DEFAULT_SETTINGS.enable,
    fix: { includeReview: typeof value.fix?.includeReview === 'boolean' ? value.fix.includeReview : false },
    rules,
  };
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
        .getConfiguration({ scopeUri: uri, section: 'sqlaUpgrade' })
        .then(normalizeSettings, () => DEFAULT_SETTINGS);
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
