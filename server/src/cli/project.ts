import * as path from 'path';
import type { AnalysisEngine } from '../engine/engine';
import { applyEdits } from '../fix/apply';
import type { ExternalEdits, ExternalFix } from '../fix/fixAll';
import type { TextEdit } from '../rules/types';
import { ProjectModels } from '../semantics/projectModels';

/**
 * The texts of one `fix` run, file by file, and the project's models kept in step with them:
 * a fix that edits another file is taken only when those edits still apply to that file's text.
 */
export class ProjectTexts {
  readonly models: ProjectModels;
  private readonly texts = new Map<string, string>();
  private readonly editable = new Set<string>();

  constructor(private readonly engine: AnalysisEngine) {
    this.models = new ProjectModels(engine.parser);
  }

  /**
   * Adds a file of the run; only editable files take edits from fixes in other files. A file that
   * cannot use SQLAlchemy (`unindexed`) is indexed only if another file's analysis asks about it.
   */
  add(file: string, text: string, editable: boolean, unindexed = false): void {
    const key = path.resolve(file);
    this.texts.set(key, text);
    if (editable) this.editable.add(key);
    if (unindexed) this.models.updateUnindexed(key, text);
    else this.models.update(key, text);
  }

  textOf(file: string): string | undefined {
    return this.texts.get(path.resolve(file));
  }

  set(file: string, text: string): void {
    const key = path.resolve(file);
    if (this.texts.get(key) === text) return;
    this.texts.set(key, text);
    this.models.update(key, text);
  }

  /**
   * Whether a fix's edits to other files can go in together with those accepted before it:
   * the file is part of the run, the index saw its current text, and the result parses no worse.
   */
  readonly accept = (edits: ExternalEdits, accepted: readonly ExternalFix[]): boolean => {
    for (const { file, edits: fileEdits } of edits) {
      const key = path.resolve(file);
      const text = this.texts.get(key);
      if (text === undefined || !this.editable.has(key) || this.models.textOf(key) !== text) return false;
      const before = editsFor(key, accepted);
      let after: string;
      try {
        after = applyEdits(text, [...before, ...fileEdits]);
      } catch {
        return false;
      }
      const base = before.length > 0 ? applyEdits(text, before) : text;
      if (this.engine.countSyntaxErrors(after) > this.engine.countSyntaxErrors(base)) return false;
    }
    return true;
  };

  /** Applies the other-file edits of applied fixes; returns the files that changed. */
  applyExternal(fixes: readonly ExternalFix[]): string[] {
    const files = new Set(fixes.flatMap((f) => f.externalEdits.map((e) => path.resolve(e.file))));
    for (const file of files) this.set(file, applyEdits(this.texts.get(file)!, editsFor(file, fixes)));
    return [...files];
  }
}

function editsFor(file: string, fixes: readonly ExternalFix[]): TextEdit[] {
  return fixes.flatMap((f) => f.externalEdits.filter((e) => path.resolve(e.file) === file).flatMap((e) => e.edits));
}
