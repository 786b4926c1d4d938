/**
 * Messages between the extension and the language server beyond LSP, defined once for both sides.
 * Only types and message names live here, so that the client bundles no server code.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';

/** The guide's migration steps, as the progress view groups findings. */
export type GuideStep = 'removed-apis' | 'future-flags' | 'typed-models' | 'legacy-query' | 'pitfalls';

export const GUIDE_STEP_LABELS: Record<GuideStep, string> = {
  'removed-apis': 'Removed APIs (step three)',
  'future-flags': '"future" flags (steps four and five)',
  'typed-models': 'Typed models (step six)',
  'legacy-query': 'Legacy Query API',
  pitfalls: 'Pitfalls',
};

export interface FindingSummary {
  code: string;
  id: string;
  step: GuideStep;
  message: string;
  /** 0-based, UTF-16 code units, as LSP ranges. */
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  fix: 'safe' | 'review' | null;
  fixTitle?: string;
}

export interface FileProgress {
  uri: string;
  /** The file imports SQLAlchemy (or a library built on it). */
  usesSqlAlchemy: boolean;
  findings: FindingSummary[];
}

export interface ProgressReport {
  files: FileProgress[];
  /** Files with SQLAlchemy code and no findings left. */
  filesMigrated: number;
  filesUsingSqlAlchemy: number;
  findingsLeft: number;
  scan: { running: boolean; done: number; total: number };
}

export namespace ProgressRequest {
  export const method = 'sqlaUpgrade/progress';
  export const type = new RequestType0<ProgressReport, void>(method);
}

/** Sent when findings of the workspace changed; the client asks for the report again. */
export namespace ProgressChangedNotification {
  export const method = 'sqlaUpgrade/progressChanged';
  export const type = new NotificationType<{ findingsLeft: number; scanRunning: boolean }>(method);
}

export namespace RescanRequest {
  export const method = 'sqlaUpgrade/rescan';
  export const type = new RequestType0<void, void>(method);
}

export interface WorkspaceMigrationParams {
  includeReview: boolean;
  /** Only these files (URIs); all affected files when absent. */
  uris?: string[];
  /** Only fixes of these codes. */
  codes?: string[];
}

/** A closed file as the server read it from disk to compute its part of a migration. */
export interface DiskBase {
  uri: string;
  /** SHA-256 of the file's bytes, in lower-case hex. */
  sha256: string;
}

export interface WorkspaceMigrationResult {
  /** An LSP WorkspaceEdit: one TextDocumentEdit per file, versioned for open documents. */
  edit: { documentChanges: unknown[]; changeAnnotations?: Record<string, unknown> };
  files: number;
  fixes: number;
  skipped: Array<{ uri: string; reason: string }>;
  /**
   * One entry per closed file the edit rewrites. The edit is right only for these bytes: a client
   * applies it only while every file still has them, and open documents still have the edit's
   * versions; otherwise it applies nothing, since a migration applies whole or not at all.
   */
  diskBases: DiskBase[];
}

export namespace WorkspaceMigrationRequest {
  export const method = 'sqlaUpgrade/workspaceMigration';
  export const type = new RequestType<WorkspaceMigrationParams, WorkspaceMigrationResult, void>(method);
}

export type ReportFormat = 'markdown' | 'json' | 'sarif';

export namespace ReportRequest {
  export const method = 'sqlaUpgrade/report';
  export const type = new RequestType<{ format: ReportFormat }, string, void>(method);
}

export namespace RuleDocumentationRequest {
  export const method = 'sqlaUpgrade/ruleDocumentation';
  export const type = new RequestType<{ code: string }, string | null, void>(method);
}

export interface ImportRuntimeWarningsParams {
  /** The recorded JSON-lines file: a path (relative ones against the first workspace folder) or a `file:` URI. */
  file: string;
}

export interface ImportRuntimeWarningsResult {
  /** Distinct warnings read. */
  warnings: number;
  /** Files they were recorded in. */
  files: number;
}

/**
 * Replaces the runtime warnings the server holds with those of a file recorded by
 * `python/sqla_upgrade_warnings`, and publishes the open documents' diagnostics again: findings
 * on a recorded line are marked confirmed at runtime, other recorded lines get an SQA000
 * diagnostic. The server only reads the file. A file that is not warning records is refused
 * with an error and the warnings held before are kept.
 */
export namespace ImportRuntimeWarningsRequest {
  export const method = 'sqlaUpgrade/importRuntimeWarnings';
  export const type = new RequestType<ImportRuntimeWarningsParams, ImportRuntimeWarningsResult, void>(method);
}
