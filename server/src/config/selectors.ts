import { RULES } from '../rules/index';

/**
 * Rule selectors as users write them: a full code (`SQA401`) or a prefix (`SQA4` selects every
 * Query rule). A selector that matches no rule is reported, never silently ignored.
 */
export function resolveSelectors(selectors: readonly string[]): { codes: Set<string>; unknown: string[] } {
  const codes = new Set<string>();
  const unknown: string[] = [];
  for (const raw of selectors) {
    const selector = raw.trim().toUpperCase();
    if (!selector) continue;
    const matched = RULES.filter((r) => r.code.startsWith(selector) && /^SQA\d{0,3}$/.test(selector));
    if (matched.length === 0) unknown.push(raw.trim());
    for (const rule of matched) codes.add(rule.code);
  }
  return { codes, unknown };
}
