import { parseArgs } from 'util';
import { createTwoFilesPatch } from 'diff';
import { AnalysisEngine } from '../engine/engine';
import { RULES, ruleByCode } from '../rules/index';
import { ruleMarkdown } from '../rules/docs';
import { defaultSeverity, guideUrl } from '../rules/types';
import { collectPythonFiles, readSource, writeAtomically } from './files';
import { formatSarif, formatText, toReported, type ReportedFinding } from './formats';
import { VERSION } from '../version';


const USAGE = `Usage: sqla-upgrade <command> [options]

Commands:
  check [PATH...]    report SQLAlchemy 1.x patterns (default: the current folder)
      --format text|json|sarif   output format (default text)
      --select CODES   only these rule codes (comma-separated)
      --ignore CODES   skip these rule codes
  fix [PATH...]      rewrite files with safe fixes
      --unsafe         also apply fixes that need review
      --diff           print a unified diff instead of writing
      --select, --ignore as for check
  rules [--format text|json]   list the rules
  explain CODE       show a rule's documentation

Exit codes: 0 nothing found, 1 findings remain, 2 usage or file errors.
`;

class UsageError extends Error {}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

function parseCodes(value: string | undefined, option: string): Set<string> | undefined {
  if (value === undefined) return undefined;
  const codes = value.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean);
  const unknown = codes.filter((c) => !ruleByCode(c));
  if (unknown.length > 0) throw new UsageError(`${option}: unknown rule code${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  return new Set(codes);
}

/** Runs the CLI; returns the exit code. Kept free of `process` so tests can call it. */
export async function run(argv: string[], io: Output): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'check':
        return await check(rest, io);
      case 'fix':
        return await fix(rest, io);
      case 'rules':
        return rules(rest, io);
      case 'explain':
        return explain(rest, io);
      case '--version':
      case '-V':
        io.out(`sqla-upgrade ${VERSION}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`sqla-upgrade: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

function analysisOptions(values: { select?: string; ignore?: string }) {
  return { select: parseCodes(values.select, '--select'), ignore: parseCodes(values.ignore, '--ignore') };
}

async function check(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'text' }, select: { type: 'string' }, ignore: { type: 'string' } },
  });
  if (!['text', 'json', 'sarif'].includes(values.format!)) throw new UsageError(`--format must be text, json or sarif, not '${values.format}'`);
  const options = analysisOptions(values);
  const { files, problems } = collectPythonFiles(positionals.length > 0 ? positionals : ['.']);
  const engine = await AnalysisEngine.create();
  const reported: ReportedFinding[] = [];
  let failed = problems.length > 0;
  for (const problem of problems) io.err(`sqla-upgrade: ${problem.path}: ${problem.message}\n`);
  for (const file of files) {
    const source = readSource(file);
    if (source.text === undefined) {
      io.err(`sqla-upgrade: ${file}: ${source.error}; skipped\n`);
      failed = true;
      continue;
    }
    const analysis = engine.analyzeText(source.text, options);
    if (analysis.syntaxErrors > 0) io.err(`sqla-upgrade: ${file}: has syntax errors; code inside them is not analyzed\n`);
    for (const finding of analysis.findings) reported.push(toReported(file, finding, analysis.lines));
  }
  if (values.format === 'json') io.out(JSON.stringify(reported, null, 2) + '\n');
  else if (values.format === 'sarif') io.out(formatSarif(reported, VERSION));
  else io.out(formatText(reported));
  if (failed) return 2;
  return reported.length > 0 ? 1 : 0;
}

async function fix(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { unsafe: { type: 'boolean', default: false }, diff: { type: 'boolean', default: false }, select: { type: 'string' }, ignore: { type: 'string' } },
  });
  const options = { ...analysisOptions(values), includeReview: values.unsafe };
  const { files, problems } = collectPythonFiles(positionals.length > 0 ? positionals : ['.']);
  const engine = await AnalysisEngine.create();
  let failed = problems.length > 0;
  for (const problem of problems) io.err(`sqla-upgrade: ${problem.path}: ${problem.message}\n`);
  let changedFiles = 0;
  let appliedFixes = 0;
  let remaining = 0;
  for (const file of files) {
    const source = readSource(file);
    if (source.text === undefined) {
      io.err(`sqla-upgrade: ${file}: ${source.error}; left untouched\n`);
      failed = true;
      continue;
    }
    // A file that does not parse cleanly is never rewritten: a fix could not be checked against it.
    if (engine.countSyntaxErrors(source.text) > 0) {
      io.err(`sqla-upgrade: ${file}: has syntax errors; left untouched\n`);
      failed = true;
      continue;
    }
    const result = engine.fixText(source.text, options);
    for (const rejected of result.rejected) io.err(`sqla-upgrade: ${file}: ${rejected.code} fix "${rejected.title}" dropped: ${rejected.reason}\n`);
    const left = engine.analyzeText(result.text, options).findings.length;
    if (result.text === source.text) {
      remaining += left;
      continue;
    }
    if (values.diff) io.out(createTwoFilesPatch(`a/${file}`, `b/${file}`, source.text, result.text, '', '', { context: 3 }));
    else {
      try {
        writeAtomically(file, (source.bom ? '\uFEFF' : '') + result.text);
      } catch (error) {
        io.err(`sqla-upgrade: ${file}: cannot write: ${(error as Error).message}; left untouched\n`);
        failed = true;
        remaining += engine.analyzeText(source.text, options).findings.length;
        continue;
      }
    }
    remaining += left;
    changedFiles++;
    appliedFixes += result.applied.length;
  }
  const verb = values.diff ? 'would fix' : 'fixed';
  io.err(`sqla-upgrade: ${verb} ${appliedFixes} finding${appliedFixes === 1 ? '' : 's'} in ${changedFiles} file${changedFiles === 1 ? '' : 's'}; ${remaining} left.\n`);
  if (failed) return 2;
  if (values.diff) return changedFiles > 0 ? 1 : 0;
  return remaining > 0 ? 1 : 0;
}

function rules(args: string[], io: Output): number {
  const { values } = parseArgs({ args, options: { format: { type: 'string', default: 'text' } } });
  if (values.format === 'json') {
    const list = RULES.map((r) => ({
      code: r.code,
      id: r.id,
      tier: r.tier,
      severity: defaultSeverity(r.tier),
      fix: r.fixable,
      summary: r.docs.summary,
      url: guideUrl(r.guide),
    }));
    io.out(JSON.stringify(list, null, 2) + '\n');
    return 0;
  }
  if (values.format !== 'text') throw new UsageError(`--format must be text or json, not '${values.format}'`);
  for (const r of RULES) io.out(`${r.code}  ${r.id.padEnd(28)} ${r.tier.padEnd(8)} fix: ${r.fixable.padEnd(7)} ${r.docs.summary}\n`);
  return 0;
}

function explain(args: string[], io: Output): number {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError('explain takes one rule code, e.g. `sqla-upgrade explain SQA401`');
  const rule = ruleByCode(positionals[0]) ?? RULES.find((r) => r.id === positionals[0]);
  if (!rule) throw new UsageError(`unknown rule '${positionals[0]}' (see \`sqla-upgrade rules\`)`);
  io.out(ruleMarkdown(rule, 1));
  return 0;
}
