import {
  MessageType, ShowMessageNotification, CodeActionKind, type CancellationToken, type CodeAction, type CodeActionParams, type Connection, type Diagnostic, type Hover,
  type HoverParams, type WorkspaceEdit,
} from 'vscode-languageserver';
import type { Node, Parser } from 'web-tree-sitter';
import { analyze } from '../engine/analyze';
import { analyzeIncrementally, type AnalysisSnapshot } from '../engine/incremental';
import type { ModuleModel } from '../semantics/model';
import { skipReason } from '../engine/limits';
import type { LineIndex } from '../engine/lines';
import { SUPPRESSION_PATTERN } from '../engine/suppression';
import { fixAll, keepsSyntax } from '../fix/fixAll';
import { diffEdits } from '../fix/apply';
import { ruleByCode } from '../rules/index';
import { ruleMarkdown } from '../rules/docs';
import type { Finding, TextEdit } from '../rules/types';
import type { DocumentStore, OpenDocument } from './documents';
import { SOURCE, confirmedAtRuntime, runtimeWarningDiagnostic, toDiagnostic, toLspEdit } from './convert';
import type { Settings, SettingsCache } from './settings';
import { summarize } from './workspace';
import { projectOptions } from './projectOptions';
import { URI } from 'vscode-uri';
import { createHash, randomBytes } from 'crypto';
import type { ProjectModels } from '../semantics/projectModels';
import type { FindingSummary } from '../protocol';
import { throwIfCancelled, untilCancelled } from './cancellation';
import { findingRanges, runtimeWarningSuppressed, type RuntimeWarnings } from '../cli/runtimeWarnings';

/** Tells this server process's result ids from those of an earlier one that the client may still hold. */
const RUN_TAG = randomBytes(4).toString('hex');

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.${SOURCE}`;
export const MIGRATE_FILE_COMMAND = 'sqlaUpgrade.server.migrateFile';

interface CachedAnalysis {
  version: number;
  findings: Finding[];
  lines: LineIndex;
  usesSqlAlchemy: boolean;
  targetVersion: '1.4-compatible' | '2.0' | undefined;
  /** The document's outside generation when analyzed: the other files' models the findings saw. */
  outside: number;
  /** The progress view's summary of the findings, made once per settings (each edit asks twice when the client pulls). */
  summary?: { settings: Settings; items: FindingSummary[] };
}

function summaryOf(analysis: CachedAnalysis, settings: Settings): FindingSummary[] {
  if (analysis.summary?.settings !== settings) analysis.summary = { settings, items: summarize(analysis.findings, analysis.lines, settings) };
  return analysis.summary.items;
}

export interface DocumentDiagnostics {
  version: number;
  diagnostics: Diagnostic[];
  summary: FindingSummary[];
  usesSqlAlchemy: boolean;
}

interface FixAllData {
  uri: string;
  version: number;
  includeReview: boolean;
  codes?: string[];
}

export interface MigrateFileArgs {
  uri: string;
  version?: number;
  includeReview?: boolean;
}

export interface MigrateFileResult {
  applied: boolean;
  fixes: number;
  reason?: string;
}

/** What the server does for open documents: diagnostics, hover, code actions and file migration. */
export class LanguageService {
  private readonly analyses = new Map<string, CachedAnalysis>();
  /** The last analysis of each open document, for the next one to start from. */
  private readonly snapshots = new Map<string, AnalysisSnapshot>();
  /** Whether the client can fill in a code action's edit later (`codeAction/resolve`). */
  resolveSupport = false;
  /** Mapped classes across the workspace, for cross-file answers; set by the server. */
  models: ProjectModels | undefined;
  /** Whether the user's `sqlaUpgrade.exclude` globs leave this document out. */
  isExcluded: (uri: string, settings: Settings) => boolean = () => false;
  /** Warnings recorded while the program ran (`sqlaUpgrade/importRuntimeWarnings`). */
  get runtimeWarnings(): RuntimeWarnings | undefined {
    return this.recordedWarnings;
  }
  set runtimeWarnings(warnings: RuntimeWarnings | undefined) {
    this.recordedWarnings = warnings;
    this.generation++;
  }
  private recordedWarnings: RuntimeWarnings | undefined;
  /**
   * Counts changes that can change every document's findings without a new version or new
   * settings (project config, recorded warnings, workspace folders); part of pull result ids.
   */
  generation = 0;
  /** Where each analysis that actually ran is told (the server sends it as `$/logTrace`). */
  trace: (message: string) => void = () => undefined;

  constructor(
    private readonly connection: Connection,
    private readonly parser: Parser,
    private readonly store: DocumentStore,
    private readonly settings: SettingsCache,
  ) {}

  /**
   * Findings of the document's current version (cached per version). Diagnostics ask for
   * `current` findings, which also have to have seen the other files' current models; hover and
   * code actions take the cached ones of the same text, so that a background scan does not make
   * every hover analyze again.
   */
  analysis(entry: OpenDocument, current = false): CachedAnalysis {
    const uri = entry.document.uri;
    const options = this.fileOptions(uri);
    const outside = this.outsideChanges(options.filePath);
    const cached = this.analyses.get(uri);
    if (cached && cached.version === entry.document.version && cached.targetVersion === options.targetVersion && (!current || cached.outside === outside)) return cached;
    const text = entry.document.getText();
    // Huge, generated or minified documents are parsed (the store keeps a tree) but not analyzed.
    const skipped = skipReason(text, this.maxFileSizes.get(uri));
    if (skipped) this.reportSkipped(uri, skipped);
    let analysis: { findings: Finding[]; lines: LineIndex; model: ModuleModel; definitionsChanged: boolean };
    if (skipped) {
      analysis = { ...analyze(text, entry.tree, { select: new Set() }), definitionsChanged: true };
      this.snapshots.delete(uri);
    } else {
      // Findings depend on the options and on the other files' models: either changing means a whole analysis.
      const key = JSON.stringify([options.targetVersion, [...(options.select ?? [])], [...(options.ignore ?? [])], outside]);
      const result = this.recordingDependencies(options.filePath, () => analyzeIncrementally(text, entry.tree, options, key, this.snapshots.get(uri)));
      // An analysis cut short by its time budget is not a base for the next one.
      if (result.stoppedBefore) {
        this.snapshots.delete(uri);
        this.reportSkipped(uri, `fully: its analysis ran past the time budget (rules from ${result.stoppedBefore} on did not run)`);
      } else this.snapshots.set(uri, result.snapshot);
      analysis = result;
      this.trace(`analyzed ${uri} version ${entry.document.version} (${result.checkedUnits}/${result.totalUnits} statements)`);
    }
    const { lines, model } = analysis;
    // Re-indexing this file's classes is needed only when an edit can have changed them, and not
    // for the text indexed already: that would count as a change for every other open document,
    // whose analysis again (same text) would count as one for this one, and so on.
    if (options.filePath && this.models && analysis.definitionsChanged && this.models.textOf(options.filePath) !== text) this.models.update(options.filePath, model);
    // Fixes that edit other files need a multi-file edit; the editor's single-document actions leave them out.
    // (copies: the snapshot keeps what the analysis found).
    const findings = analysis.findings.map((f) => (f.fix?.externalEdits?.length ? { ...f, fix: undefined } : f));
    const fresh = { version: entry.document.version, findings, lines, usesSqlAlchemy: model.usesSqlAlchemy, targetVersion: options.targetVersion, outside };
    this.analyses.set(uri, fresh);
    return fresh;
  }

  private readonly maxFileSizes = new Map<string, number>();
  private readonly reportedSkips = new Set<string>();

  /** Says once per document why it is not analyzed. */
  private reportSkipped(uri: string, reason: string): void {
    if (this.reportedSkips.has(uri)) return;
    this.reportedSkips.add(uri);
    // A notification, not a request: nothing waits for the user to close it.
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `SQLAlchemy Upgrade: ${uri.split('/').pop()} is not analyzed: ${reason}.` });
  }

  /** The `sqlaUpgrade.targetVersion` setting of each document, as last read; `2.0` wins over the project config. */
  private readonly targetSettings = new Map<string, Settings['targetVersion']>();

  /** Options fix-all needs to see what the analysis saw: the project config and the model index. */
  private fileOptions(uri: string) {
    const filePath = uri.startsWith('file:') ? URI.parse(uri).fsPath : undefined;
    // A document its project excludes is still parsed, but gets no findings.
    const project = projectOptions(uri) ?? { select: new Set<string>() };
    const targetVersion = this.targetSettings.get(uri) === '2.0' ? '2.0' : project.targetVersion;
    return { ...project, targetVersion, filePath, models: this.models };
  }

  forget(uri: string): void {
    this.analyses.delete(uri);
    this.snapshots.delete(uri);
    this.targetSettings.delete(uri);
    this.maxFileSizes.delete(uri);
    this.reportedSkips.delete(uri);
    if (uri.startsWith('file:')) this.dependencies.delete(URI.parse(uri).fsPath);
  }

  /**
   * Per file: the questions its analyses asked of the other files' models, each with how often
   * other files had changed its answer then, and a generation that moves on when one of the
   * answers changed since. Kept statements' findings came from earlier analyses: the questions
   * add up until a whole analysis starts afresh.
   */
  private readonly dependencies = new Map<string, { generation: number; questions: Map<string, number> }>();

  private outsideChanges(filePath: string | undefined): number {
    if (!filePath || !this.models) return 0;
    const dependencies = this.dependencies.get(filePath);
    if (!dependencies) return 0;
    for (const [question, seen] of dependencies.questions) {
      if (this.models.changesOutsideOf(question, filePath) === seen) continue;
      dependencies.generation++;
      dependencies.questions.clear();
      break;
    }
    return dependencies.generation;
  }

  private recordingDependencies<T>(filePath: string | undefined, analyze: () => T): T {
    const models = this.models;
    if (!filePath || !models) return analyze();
    const { result, questions } = models.recordQueries(analyze);
    let dependencies = this.dependencies.get(filePath);
    if (!dependencies) this.dependencies.set(filePath, (dependencies = { generation: 0, questions: new Map() }));
    for (const question of questions) dependencies.questions.set(question, models.changesOutsideOf(question, filePath));
    return result;
  }

  /**
   * What a document's findings depend on besides its text and settings: the generation and the
   * other files' models. The server asks the client to pull again when it changes.
   */
  dependencyKey(uri: string): string {
    const filePath = uri.startsWith('file:') ? URI.parse(uri).fsPath : undefined;
    return `${this.generation}.${this.outsideChanges(filePath)}`;
  }

  /** The result id of a pull report: it changes whenever the document's diagnostics can. */
  resultId(uri: string, settings: Settings): string | undefined {
    const entry = this.store.get(uri);
    if (!entry) return undefined;
    const settingsHash = createHash('sha1').update(JSON.stringify(settings)).digest('hex').slice(0, 12);
    return `${RUN_TAG}:${entry.document.version}:${settingsHash}:${this.dependencyKey(uri)}`;
  }

  async diagnostics(uri: string): Promise<DocumentDiagnostics | undefined> {
    if (!this.store.get(uri)) return undefined;
    const settings = await this.settings.get(uri);
    // The document may have moved on while settings were fetched; analyze what is current now.
    return this.diagnosticsWith(uri, settings);
  }

  /**
   * What the progress view shows of the document's current version: its findings, summarized.
   * A client that pulls asks for the diagnostics themselves when it wants them.
   */
  summaryWith(uri: string, settings: Settings): Omit<DocumentDiagnostics, 'diagnostics'> | undefined {
    const current = this.store.get(uri);
    if (!current) return undefined;
    const analysis = this.currentAnalysis(current, settings);
    if (!analysis) return { version: current.document.version, summary: [], usesSqlAlchemy: false };
    const { version, usesSqlAlchemy } = analysis;
    return { version, summary: summaryOf(analysis, settings), usesSqlAlchemy };
  }

  /** The current analysis under `settings`; undefined when they turn the document off. */
  private currentAnalysis(current: OpenDocument, settings: Settings): CachedAnalysis | undefined {
    const uri = current.document.uri;
    if (!settings.enable || this.isExcluded(uri, settings)) return undefined;
    this.targetSettings.set(uri, settings.targetVersion);
    this.maxFileSizes.set(uri, settings.maxFileSizeMB);
    return this.analysis(current, true);
  }

  /** Diagnostics of the document's current version under settings the caller fetched (and the progress view's summary of them, unless `withSummary` is false). */
  diagnosticsWith(uri: string, settings: Settings, withSummary = true): DocumentDiagnostics | undefined {
    const current = this.store.get(uri);
    if (!current) return undefined;
    const analysis = this.currentAnalysis(current, settings);
    if (!analysis) return { version: current.document.version, diagnostics: [], summary: [], usesSqlAlchemy: false };
    const { findings, version, lines, usesSqlAlchemy } = analysis;
    const runtime = this.runtimeMatch(uri, findings, lines);
    const diagnostics = findings
      .map((f, i) => {
        const diagnostic = toDiagnostic(current.document, f, settings);
        return diagnostic && runtime?.confirmed[i] ? confirmedAtRuntime(diagnostic) : diagnostic;
      })
      .filter((d): d is Diagnostic => !!d);
    for (const warning of runtime?.unmatched ?? []) {
      if (runtimeWarningSuppressed(lines, warning.line - 1)) continue;
      const diagnostic = runtimeWarningDiagnostic(current.document, lines, warning, settings);
      if (diagnostic) diagnostics.push(diagnostic);
    }
    return { version, diagnostics, summary: withSummary ? summaryOf(analysis, settings) : [], usesSqlAlchemy };
  }

  /** Recorded warnings of a file on disk against its findings (all of them, also those the settings turn off). */
  private runtimeMatch(uri: string, findings: Finding[], lines: LineIndex) {
    if (!this.runtimeWarnings) return undefined;
    const parsed = URI.parse(uri);
    if (parsed.scheme !== 'file') return undefined;
    return this.runtimeWarnings.match(parsed.fsPath, findingRanges(findings, lines), lines);
  }

  hover(params: HoverParams): Hover | undefined {
    const entry = this.store.get(params.textDocument.uri);
    if (!entry) return undefined;
    const offset = entry.document.offsetAt(params.position);
    const hits = this.analysis(entry).findings.filter((f) => f.start <= offset && offset <= f.end);
    if (hits.length === 0) return undefined;
    const codes = [...new Set(hits.map((f) => f.code))];
    const sections = codes.map((code) => {
      const finding = hits.find((f) => f.code === code)!;
      const fixLine = finding.fix ? `\n\n**Fix here:** ${finding.fix.title} (${finding.fix.safety === 'safe' ? 'safe' : 'needs review'}).` : '\n\n**Fix here:** none automatic; see *Use instead*.';
      return `**${finding.message}**${fixLine}\n\n${ruleMarkdown(ruleByCode(code)!, 3)}`;
    });
    const first = hits[0];
    return {
      contents: { kind: 'markdown', value: sections.join('\n\n---\n\n') },
      range: { start: entry.document.positionAt(first.start), end: entry.document.positionAt(first.end) },
    };
  }

  async codeActions(params: CodeActionParams, token?: CancellationToken): Promise<CodeAction[]> {
    if (!this.store.get(params.textDocument.uri)) return [];
    const settings = await untilCancelled(this.settings.get(params.textDocument.uri), token);
    // Actions are for the text as it is now, which may have moved on while settings were fetched.
    const entry = this.store.get(params.textDocument.uri);
    if (!entry || !settings.enable) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
    const actions: CodeAction[] = [];
    if (wants(FIX_ALL_KIND)) {
      const fixAllAction = this.fixAllAction(entry, { includeReview: false }, 'Fix all safe SQLAlchemy 2.0 findings', FIX_ALL_KIND);
      if (fixAllAction) actions.push(fixAllAction);
    }
    if (!wants(CodeActionKind.QuickFix)) return actions;
    const { findings } = this.analysis(entry);
    const document = entry.document;
    const start = document.offsetAt(params.range.start);
    const end = document.offsetAt(params.range.end);
    const touched = findings.filter((f) => f.start <= end && start <= f.end && settings.rules[f.code] !== 'off');
    const seenCodes = new Set<string>();
    for (const finding of touched) {
      const diagnostic = toDiagnostic(document, finding, settings);
      if (finding.fix && keepsSyntax(this.parser, document.getText(), entry.tree, finding.fix)) {
        actions.push({
          title: `${finding.fix.title} (${finding.code}${finding.fix.safety === 'review' ? ', needs review' : ''})`,
          kind: CodeActionKind.QuickFix,
          diagnostics: diagnostic ? [diagnostic] : undefined,
          isPreferred: finding.fix.safety === 'safe',
          edit: this.versionedEdit(entry, finding.fix.edits),
        });
      }
      if (seenCodes.has(finding.code)) continue;
      seenCodes.add(finding.code);
      const sameCode = findings.filter((f) => f.code === finding.code && f.fix);
      if (sameCode.length > 1 || (sameCode.length === 1 && !finding.fix)) {
        const includeReview = sameCode.some((f) => f.fix?.safety === 'review');
        const action = this.fixAllAction(entry, { includeReview, codes: new Set([finding.code]) }, `Fix all ${finding.code} in this file`, CodeActionKind.QuickFix);
        if (action) actions.push(action);
      }
      const ignore = this.ignoreEdit(entry, finding);
      // A comment cannot follow a line continuation or sit inside a multi-line string.
      if (!ignore || !keepsSyntax(this.parser, document.getText(), entry.tree, { title: '', safety: 'safe', edits: [ignore] })) continue;
      actions.push({
        title: `Ignore ${finding.code} on this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: diagnostic ? [diagnostic] : undefined,
        edit: this.versionedEdit(entry, [ignore]),
      });
    }
    return actions;
  }

  /** Applies every safe fix (and review fixes when asked) to an open document, refusing stale versions. */
  async migrateFile(args: MigrateFileArgs, token?: CancellationToken): Promise<MigrateFileResult> {
    const entry = this.store.get(args.uri);
    if (!entry) return { applied: false, fixes: 0, reason: 'document is not open' };
    if (args.version !== undefined && args.version !== entry.document.version) {
      return { applied: false, fixes: 0, reason: `document changed (version ${entry.document.version}, expected ${args.version})` };
    }
    const settings: Settings = await untilCancelled(this.settings.get(args.uri), token);
    // Nothing is applied for a cancelled request, nor for a version that moved on while settings were fetched.
    if (entry !== this.store.get(args.uri)) return { applied: false, fixes: 0, reason: 'document changed' };
    const includeReview = args.includeReview ?? settings.fix.includeReview;
    const text = entry.document.getText();
    const result = fixAll(this.parser, text, { includeReview, ...this.fileOptions(args.uri), acceptExternal: () => false });
    if (result.text === text) return { applied: false, fixes: 0, reason: 'nothing to fix' };
    throwIfCancelled(token);
    const edit = this.versionedEdit(entry, diffEdits(text, result.text));
    const response = await this.connection.workspace.applyEdit({ label: 'Migrate file to SQLAlchemy 2.0', edit });
    return { applied: response.applied, fixes: result.applied.length, reason: response.failureReason };
  }

  /**
   * A fix-all action. With resolve support its edit is computed only when chosen: editors ask
   * for code actions on every cursor move, and a fix-all re-parses the file for each pass.
   */
  private fixAllAction(entry: OpenDocument, options: { includeReview: boolean; codes?: Set<string> }, title: string, kind: string): CodeAction | undefined {
    const data: FixAllData = { uri: entry.document.uri, version: entry.document.version, includeReview: options.includeReview, codes: options.codes && [...options.codes] };
    if (this.resolveSupport) return { title, kind, data };
    const edit = this.fixAllEdit(entry, data);
    return edit && { title, kind, edit };
  }

  resolveCodeAction(action: CodeAction): CodeAction {
    const data = action.data as FixAllData | undefined;
    if (!data || action.edit) return action;
    const entry = this.store.get(data.uri);
    // A stale request gets no edit rather than one computed for other text.
    if (!entry || entry.document.version !== data.version) return action;
    const edit = this.fixAllEdit(entry, data);
    return edit ? { ...action, edit } : action;
  }

  private fixAllEdit(entry: OpenDocument, data: FixAllData): WorkspaceEdit | undefined {
    const text = entry.document.getText();
    const result = fixAll(this.parser, text, { includeReview: data.includeReview, codes: data.codes && new Set(data.codes), ...this.fileOptions(data.uri), acceptExternal: () => false });
    if (result.text === text) return undefined;
    return this.versionedEdit(entry, diffEdits(text, result.text));
  }

  /** Edits tied to the document version, so the client refuses them if the text has moved on. */
  private versionedEdit(entry: OpenDocument, edits: TextEdit[]): WorkspaceEdit {
    const { document } = entry;
    return {
      documentChanges: [
        { textDocument: { uri: document.uri, version: document.version }, edits: edits.map((e) => toLspEdit(document, e)) },
      ],
    };
  }

  /** `# sqla-upgrade: ignore[CODE]` at the end of the finding's first line, or the code added to one already there. */
  private ignoreEdit(entry: OpenDocument, finding: Finding): TextEdit | undefined {
    const { lines } = this.analysis(entry);
    const text = entry.document.getText();
    const line = lines.lineOf(finding.start);
    const lineStart = lines.lineStart(line);
    const lineEnd = lines.lineEnd(line);
    const content = text.slice(lineStart, lineEnd);
    for (let node: Node | null = entry.tree.descendantForIndex(lineEnd); node; node = node.parent) {
      if (node.type === 'string' && node.startIndex < lineEnd && lineEnd < node.endIndex) return undefined;
    }
    const existing = /#\s*sqla-upgrade:\s*ignore\[([^\]]*)\]/.exec(content);
    if (existing && SUPPRESSION_PATTERN.test(existing[0])) {
      const closing = lineStart + existing.index + existing[0].length - 1;
      return { start: closing, end: closing, newText: `, ${finding.code}` };
    }
    return { start: lineEnd, end: lineEnd, newText: `  # sqla-upgrade: ignore[${finding.code}]` };
  }
}
