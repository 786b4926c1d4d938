// Regenerates docs/rules/SQA###.md and the README's rule table from the rules' own docs.
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../server/src/rules/index';
import { ruleMarkdown, withRulesTable } from '../server/src/rules/docs';

const root = path.resolve(__dirname, '..');
const docsDir = path.join(root, 'docs/rules');
fs.mkdirSync(docsDir, { recursive: true });
for (const rule of RULES) fs.writeFileSync(path.join(docsDir, `${rule.code}.md`), ruleMarkdown(rule, 1));
const readmePath = path.join(root, 'README.md');
fs.writeFileSync(readmePath, withRulesTable(fs.readFileSync(readmePath, 'utf8'), RULES));
console.log(`wrote ${RULES.length} rule pages and the README table`);
