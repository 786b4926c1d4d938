import { defaultSeverity, guideUrl, type Rule } from './types';

const FIXABILITY_TEXT: Record<Rule['fixable'], string> = {
  safe: 'safe fix',
  review: 'fix needs review',
  none: 'no automatic fix',
  mixed: 'safe or needs-review fix, by case',
};

/** The rule's documentation as Markdown: the one text behind hover, `explain` and the docs pages. */
export function ruleMarkdown(rule: Rule, headingLevel = 2): string {
  const h = '#'.repeat(headingLevel);
  return [
    `${h} ${rule.code} ${rule.id}`,
    '',
    `${capitalize(rule.docs.summary)}. Tier: **${rule.tier}** (default severity ${defaultSeverity(rule.tier)}); ${FIXABILITY_TEXT[rule.fixable]}.`,
    '',
    `${h}# What it does`,
    rule.docs.what,
    '',
    `${h}# Why`,
    rule.docs.why,
    '',
    `${h}# Example`,
    '```python',
    rule.docs.example,
    '```',
    '',
    `${h}# Use instead`,
    '```python',
    rule.docs.useInstead,
    '```',
    '',
    `${h}# Fix safety`,
    rule.docs.fixSafety,
    '',
    `${h}# Reference`,
    `[Migration guide: ${rule.guide.title}](${guideUrl(rule.guide)})`,
    '',
  ].join('\n');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The README's rule table, one row per rule, linking each rule's docs page. */
export function rulesTableMarkdown(rules: readonly Rule[]): string {
  const rows = rules.map((r) => `| [${r.code}](docs/rules/${r.code}.md) | ${r.id} | ${r.tier} | ${FIXABILITY_TEXT[r.fixable]} | ${r.docs.summary.replace(/\|/g, '\\|')} |`);
  return ['| code | id | tier | fix | what it flags |', '|---|---|---|---|---|', ...rows].join('\n');
}

export const TABLE_START = '<!-- rules:start -->';
export const TABLE_END = '<!-- rules:end -->';

/** The README with its rule table replaced by the current one. */
export function withRulesTable(readme: string, rules: readonly Rule[]): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end === -1) throw new Error('README has no rule table markers');
  return `${readme.slice(0, start + TABLE_START.length)}\n${rulesTableMarkdown(rules)}\n${readme.slice(end)}`;
}
