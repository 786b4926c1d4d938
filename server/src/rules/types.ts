import type { Node } from '../parse/parser';
import type { ModuleModel } from '../semantics/model';
import type { ProjectModels } from '../semantics/projectModels';

/** Guide tiers, as the catalogue defines them. */
export type Tier = 'removed' | 'legacy' | 'pitfall' | 'typing';
export type FixSafety = 'safe' | 'review';
/** What a rule can offer: a rule with mixed fixes declares the most it can do. */
export type Fixability = 'safe' | 'review' | 'none' | 'mixed';
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A replacement of `text.slice(start, end)`; offsets are UTF-16 code units, as JS strings and LSP use. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  safety: FixSafety;
  edits: TextEdit[];
  /** Edits to other files (absolute paths), offsets into the text the project index holds: applied with this fix or not at all. */
  externalEdits?: Array<{ file: string; edits: TextEdit[] }>;
}

export interface Finding {
  code: string;
  id: string;
  tier: Tier;
  message: string;
  start: number;
  end: number;
  fix?: Fix;
}

/** The sections every rule documents; they feed hover, `explain` and the README. */
export interface RuleDocs {
  summary: string;
  what: string;
  why: string;
  example: string;
  useInstead: string;
  fixSafety: string;
}

export interface GuideLink {
  anchor: string;
  title: string;
}

export interface RuleContext {
  readonly model: ModuleModel;
  /** `1.4-compatible`: offer only fixes that run on 1.4 and 2.0; `2.0`: 2.0-only forms too. */
  readonly targetVersion: '1.4-compatible' | '2.0';
  /** The project's models across files; absent, rules index the current module alone. */
  readonly models?: ProjectModels;
  /** The analyzed file's absolute path, when it is a file: needed to resolve imports through `models`. */
  readonly filePath?: string;
  report(node: Node | { start: number; end: number }, message: string, fix?: Fix): void;
}

export interface Rule {
  code: string;
  id: string;
  tier: Tier;
  fixable: Fixability;
  guide: GuideLink;
  docs: RuleDocs;
  /** Set on rules of the typed 2.0 style that report only when the target version is 2.0. */
  onlyForTarget?: '2.0';
  /** False for rules that look at more than SQLAlchemy code (suppression comments, Pydantic models). */
  needsSqlAlchemy?: boolean;
  /** Identifiers of which the module's text must spell one (as a whole word) for the rule to find anything there. */
  textWords?: readonly string[];
  /**
   * Set when a finding depends on the whole module (one fix over every site and use), not on its
   * own statement: gives the words a statement must spell to matter to the rule.
   */
  wholeModule?: (model: ModuleModel) => readonly string[];
  check(context: RuleContext): void;
}

export const GUIDE_BASE = 'https://docs.sqlalchemy.org/en/20/changelog/migration_20.html';

export function guideUrl(guide: GuideLink): string {
  return `${GUIDE_BASE}#${guide.anchor}`;
}

export function defaultSeverity(tier: Tier): Severity {
  switch (tier) {
    case 'removed':
      return 'warning';
    case 'legacy':
    case 'pitfall':
      return 'info';
    case 'typing':
      return 'hint';
  }
}

/** The step of the migration guide a rule belongs to, as the progress view groups them. */
export function guideStep(rule: Pick<Rule, 'code' | 'tier'>): 'removed-apis' | 'future-flags' | 'typed-models' | 'legacy-query' | 'pitfalls' {
  if (rule.code === 'SQA110') return 'future-flags';
  if (rule.tier === 'typing') return 'typed-models';
  if (rule.tier === 'pitfall') return 'pitfalls';
  if (rule.code.startsWith('SQA4')) return 'legacy-query';
  return 'removed-apis';
}
