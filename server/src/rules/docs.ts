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
