import * as path from 'path';
import { parseArgs } from 'util';
import { createTwoFilesPatch } from 'diff';
import { AnalysisEngine, type TextAnalysis } from '../engine/engine';
import { LineIndex } from '../engine/lines';
import { cannotUseSqlAlchemy, projectModuleRoots } from '../engine/standalone';
import { RULES, ruleByCode } from '../rules/index';
import { ruleMarkdown } from '../rules/docs';
import { defaultSeverity, guideUrl } from '../rules/types';
import { collectPythonFiles, readSource, writeAtomically, type WalkOptions } from './files';
import { formatSarif, formatText, toReported, type ReportedFinding } from './formats';
import { VERSION } from '../version';
import { skipReason } from '../engine/limits';
import type { AnalyzeOptions } from '../engine/analyze';
import type { FixAllOptions } from '../fix/fixAll';
import { ProjectTexts } from './project';
import { findProjectConfig, ignoredCodesFor, isExcludedByConfig, type TargetVersion } from '../config/projectConfig';
import { resolveSelectors } from '../config/selectors';
import { baselineKey, baselinePath, fingerprints, readBaseline, writeBaseline, type BaselineEntry } from './baseline';
import { RuntimeWarningCheck } from './runtimeWarnings';


const USAGE = `Usage: sqla-upgrade <command> [options]

Commands:
  check [PATH...]    report SQLAlchemy 1.x patterns (default: the current folder)
      --format text|json|sarif   output format (default text)
      --select CODES   only these rule codes or prefixes (comma-separated, e.g. SQA4,SQA101)
      --ignore CODES   skip these rule codes
      --target-version 1.4-compatible|2.0   which SQLAlchemy the fixed code must run on
      --baseline FILE  report only findings that are not in FILE
      --write-baseline FILE   record today's findings in FILE
      --runtime-warnings FILE   warnings recorded while the code ran (python/sqla_upgrade_warnings):
                       mark the findings they confirm, report the others as SQA000
      --no-respect-gitignore   also walk into what .gitignore files ignore
  fix [PATH...]      rewrite files with safe fixes
      --unsafe         also apply fixes that need review
      --diff           print a unified diff instead of writing
      --select, --ignore, --target-version, --no-respect-gitignore as for check
  rules [--format text|json]   list the rules
  explain CODE       show a rule's documentation

A folder's walk leaves out what the .gitignore files inside it ignore (those above the folder
are not read); a file named on the command line is analyzed even when ignored.

Settings come from [tool.sqla-upgrade] in the nearest pyproject.toml (select, ignore,
target-version, exclude, per-file-ignores); command-line options take precedence.

Exit codes: 0 nothing found, 1 findings remain, 2 usage, configuration or file errors.
`;

class UsageError extends Error {}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

function parseCodes(value: string | undefined, option: string): Set<string> | undefined {
  if (value === undefined) return undefined;
  const { codes, unknown } = resolveSelectors(value.split(','));
  if (unknown.length > 0) throw new UsageError(`${option}: unknown rule code${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  return codes;
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

interface CliSelection {
  select?: Set<string>;
  ignore?: Set<string>;
  targetVersion?: TargetVersion;
}

function cliSelection(values: { select?: string; ignore?: string; 'target-version'?: string }): CliSelection {
  const target = values['target-version'];
  if (target !== undefined && target !== '1.4-compatible' && target !== '2.0') throw new UsageError(`--target-version must be 1.4-compatible or 2.0, not '${target}'`);
  return { select: parseCodes(values.select, '--select'), ignore: parseCodes(values.ignore, '--ignore'), targetVersion: target };
}

/**
 * What a folder's walk leaves out: by default what `.gitignore` files ignore, those inside the
 * folder and those above it in its repository, as ruff does. Files named on the command line are
 * never left out.
 */
function walkOptions(values: { 'no-respect-gitignore'?: boolean }): WalkOptions {
  const respectGitIgnore = !values['no-respect-gitignore'];
  return { respectGitIgnore, parentGitIgnores: respectGitIgnore };
}

/**
 * The options for one file: the nearest pyproject.toml's `[tool.sqla-upgrade]`, with the command
 * line on top. Problems in a config are reported once; undefined means the config excludes the file.
 */
function optionsForFile(file: string, cli: CliSelection, io: Output, reportedConfigs: Set<string>): { options: AnalyzeOptions; configFailed: boolean } | undefined {
  const config = findProjectConfig(file);
  let configFailed = false;
  if (config && config.errors.length > 0) {
    configFailed = true;
    if (!reportedConfigs.has(config.file)) {
      reportedConfigs.add(config.file);
      for (const error of config.errors) io.err(`sqla-upgrade: ${config.file}: [tool.sqla-upgrade]: ${error}\n`);
    }
  }
  if (isExcludedByConfig(config, file)) return undefined;
  const ignore = new Set([...(cli.ignore ?? []), ...ignoredCodesFor(config, file)]);
  return { options: { select: cli.select ?? config?.select, ignore, targetVersion: cli.targetVersion ?? config?.targetVersion }, configFailed };
}

async function check(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      select: { type: 'string' },
      ignore: { type: 'string' },
      'target-version': { type: 'string' },
      baseline: { type: 'string' },
      'write-baseline': { type: 'string' },
      'runtime-warnings': { type: 'string' },
      'no-respect-gitignore': { type: 'boolean', default: false },
    },
  });
  if (!['text', 'json', 'sarif'].includes(values.format!)) throw new UsageError(`--format must be text, json or sarif, not '${values.format}'`);
  if (values.baseline && values['write-baseline']) throw new UsageError('--baseline and --write-baseline do not go together');
  const cli = cliSelection(values);
  let known: Set<string> | undefined;
  if (values.baseline) {
    try {
      known = readBaseline(values.baseline);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  let runtime: RuntimeWarningCheck | undefined;
  try {
    runtime = values['runtime-warnings'] === undefined ? undefined : RuntimeWarningCheck.load(values['runtime-warnings']);
  } catch (error) {
    io.err(`sqla-upgrade: ${(error as Error).message}\n`);
    return 2;
  }
  const { files, problems, skipped: skippedLinks } = collectPythonFiles(positionals.length > 0 ? positionals : ['.'], walkOptions(values));
  const engine = await AnalysisEngine.create();
  const reported: ReportedFinding[] = [];
  const baselineEntries: BaselineEntry[] = [];
  const reportedConfigs = new Set<string>();
  let inBaseline = 0;
  let failed = problems.length > 0;
  for (const problem of problems) io.err(`sqla-upgrade: ${problem.path}: ${problem.message}\n`);
  for (const link of skippedLinks) io.err(`sqla-upgrade: ${link.path}: skipped: ${link.message}\n`);
  // First pass: the models of every file, so that rules follow classes across files.
  const project = new ProjectTexts(engine);
  const projectRoots = projectModuleRoots(files.map((f) => path.resolve(f)));
  const inputs: Array<{ file: string; options: AnalyzeOptions; text: string; standalone: boolean }> = [];
  for (const file of files) {
    const selected = optionsForFile(file, cli, io, reportedConfigs);
    if (!selected) continue;
    failed ||= selected.configFailed;
    const source = readSource(file);
    if (source.text === undefined) {
      io.err(`sqla-upgrade: ${file}: ${source.error}; skipped\n`);
      failed = true;
      continue;
    }
    const skipped = skipReason(source.text);
    if (skipped) {
      io.err(`sqla-upgrade: ${file}: skipped: ${skipped}\n`);
      continue;
    }
    // A module that cannot use SQLAlchemy has nothing to find: it is parsed once, for its syntax errors.
    const standalone = cannotUseSqlAlchemy(source.text, projectRoots);
    inputs.push({ file, options: selected.options, text: source.text, standalone });
    project.add(file, source.text, false, standalone);
  }
  for (const { file, options, text, standalone } of inputs) {
    const analysis: TextAnalysis = standalone
      ? { findings: [], lines: new LineIndex(text), syntaxErrors: engine.countSyntaxErrors(text), usesSqlAlchemy: false }
      : engine.analyzeText(text, { ...options, models: project.models, filePath: path.resolve(file) });
    if (analysis.syntaxErrors > 0) io.err(`sqla-upgrade: ${file}: has syntax errors; code inside them is not analyzed\n`);
    if (analysis.stoppedBefore) {
      io.err(`sqla-upgrade: ${file}: analysis stopped at its time budget, before ${analysis.stoppedBefore}; findings may be missing\n`);
      failed = true;
    }
    const prints = values.baseline || values['write-baseline'] ? fingerprints(text, analysis.lines, analysis.findings) : [];
    const baseFile = values.baseline ?? values['write-baseline'];
    runtime?.addFile(file, analysis.lines, analysis.findings);
    analysis.findings.forEach((finding, i) => {
      if (baseFile) {
        const entry = { path: baselinePath(baseFile, file), code: finding.code, fingerprint: prints[i] };
        baselineEntries.push(entry);
        if (known?.has(baselineKey(entry))) {
          inBaseline++;
          return;
        }
      }
      reported.push(toReported(file, finding, analysis.lines));
    });
  }
  if (values['write-baseline']) {
    writeBaseline(values['write-baseline'], baselineEntries);
    io.err(`sqla-upgrade: wrote ${baselineEntries.length} finding${baselineEntries.length === 1 ? '' : 's'} to the baseline ${values['write-baseline']}\n`);
    return failed ? 2 : 0;
  }
  if (runtime) io.err(runtime.merge(reported) + '\n');
  if (values.format === 'json') io.out(JSON.stringify(reported, null, 2) + '\n');
  else if (values.format === 'sarif') io.out(formatSarif(reported, VERSION));
  else io.out(formatText(reported));
  if (known) io.err(`sqla-upgrade: ${inBaseline} finding${inBaseline === 1 ? '' : 's'} already in the baseline; ${reported.length} new.\n`);
  if (failed) return 2;
  return reported.length > 0 ? 1 : 0;
}

async function fix(args: string[], io: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      unsafe: { type: 'boolean', default: false },
      diff: { type: 'boolean', default: false },
      select: { type: 'string' },
      ignore: { type: 'string' },
      'target-version': { type: 'string' },
      'no-respect-gitignore': { type: 'boolean', default: false },
    },
  });
  const cli = cliSelection(values);
  const { files, problems, skipped: skippedLinks, roots } = collectPythonFiles(positionals.length > 0 ? positionals : ['.'], walkOptions(values));
  const engine = await AnalysisEngine.create();
  const reportedConfigs = new Set<string>();
  let failed = problems.length > 0;
  for (const problem of problems) io.err(`sqla-upgrade: ${problem.path}: ${problem.message}\n`);
  for (const link of skippedLinks) io.err(`sqla-upgrade: ${link.path}: skipped: ${link.message}; left untouched\n`);
  // First pass: every file's text and models; a fix may edit another file of the run.
  const project = new ProjectTexts(engine);
  const inputs: Array<{ file: string; options: FixAllOptions; original: string; bom?: boolean }> = [];
  for (const file of files) {
    const selected = optionsForFile(file, cli, io, reportedConfigs);
    if (!selected) continue;
    failed ||= selected.configFailed;
    const source = readSource(file);
    if (source.text === undefined) {
      io.err(`sqla-upgrade: ${file}: ${source.error}; left untouched\n`);
      failed = true;
      continue;
    }
    const skipped = skipReason(source.text);
    if (skipped) {
      io.err(`sqla-upgrade: ${file}: skipped: ${skipped}; left untouched\n`);
      continue;
    }
    // A file that does not parse cleanly is never rewritten: a fix could not be checked against it.
    const editable = engine.countSyntaxErrors(source.text) === 0;
    project.add(file, source.text, editable);
    if (!editable) {
      io.err(`sqla-upgrade: ${file}: has syntax errors; left untouched\n`);
      failed = true;
      continue;
    }
    inputs.push({ file, options: { ...selected.options, includeReview: values.unsafe }, original: source.text, bom: source.bom });
  }
  let appliedFixes = 0;
  for (const { file, options } of inputs) {
    const filePath = path.resolve(file);
    const result = engine.fixText(project.textOf(filePath)!, { ...options, models: project.models, filePath, acceptExternal: project.accept });
    for (const rejected of result.rejected) io.err(`sqla-upgrade: ${file}: ${rejected.code} fix "${rejected.title}" dropped: ${rejected.reason}\n`);
    project.set(filePath, result.text);
    project.applyExternal(result.external);
    appliedFixes += result.applied.length;
  }
  let changedFiles = 0;
  let remaining = 0;
  for (const { file, options, original, bom } of inputs) {
    const filePath = path.resolve(file);
    const text = project.textOf(filePath)!;
    const findingsIn = (t: string) => engine.analyzeText(t, { ...options, models: project.models, filePath }).findings.length;
    if (text === original) {
      remaining += findingsIn(text);
      continue;
    }
    if (values.diff) io.out(createTwoFilesPatch(`a/${file}`, `b/${file}`, original, text, '', '', { context: 3 }));
    else {
      try {
        writeAtomically(file, (bom ? '\uFEFF' : '') + text, roots.get(file)!);
      } catch (error) {
        io.err(`sqla-upgrade: ${file}: cannot write: ${(error as Error).message}; left untouched\n`);
        failed = true;
        remaining += findingsIn(original);
        continue;
      }
    }
    remaining += findingsIn(text);
    changedFiles++;
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
