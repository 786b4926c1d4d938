import { diffLines } from 'diff';
import type { Fix, TextEdit } from '../rules/types';

function isInsertion(edit: TextEdit): boolean {
  return edit.start === edit.end;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.start === b.start && a.end === b.end && a.newText === b.newText;
}

function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (isInsertion(a) && isInsertion(b)) return false;
  if (isInsertion(a)) return a.start > b.start && a.start < b.end;
  if (isInsertion(b)) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/** Applies non-overlapping edits; identical duplicates count once. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const unique: TextEdit[] = [];
  for (const edit of edits) if (!unique.some((u) => sameEdit(u, edit))) unique.push(edit);
  // Stable order: by start, insertions before a replacement starting at the same place.
  const ordered = unique
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.start - b.edit.start || Number(isInsertion(b.edit)) - Number(isInsertion(a.edit)) || a.index - b.index);
  let result = '';
  let cursor = 0;
  for (const { edit } of ordered) {
    if (edit.start < cursor) throw new Error(`overlapping edits at ${edit.start}`);
    result += text.slice(cursor, edit.start) + edit.newText;
    cursor = edit.end;
  }
  return result + text.slice(cursor);
}

/**
 * Picks fixes, in order, whose edits do not collide with those already picked; the rest wait
 * for the next pass over the fixed text. Edits shared by several fixes (an import) are fine.
 */
export function selectCompatible(fixes: readonly Fix[]): Fix[] {
  const taken: TextEdit[] = [];
  const chosen: Fix[] = [];
  for (const fix of fixes) {
    const collides = fix.edits.some((edit) => taken.some((t) => !sameEdit(t, edit) && overlaps(t, edit)));
    const selfOverlap = fix.edits.some((a, i) => fix.edits.some((b, j) => i < j && !sameEdit(a, b) && overlaps(a, b)));
    if (collides || selfOverlap) continue;
    chosen.push(fix);
    taken.push(...fix.edits);
  }
  return chosen;
}

/**
 * Edits that turn `before` into `after`, line by line, so that an editor keeps cursors,
 * folding and undo steps of the lines a fix did not touch.
 */
export function diffEdits(before: string, after: string): TextEdit[] {
  const edits: TextEdit[] = [];
  let offset = 0;
  let pending: TextEdit | undefined;
  for (const part of diffLines(before, after)) {
    if (part.added) {
      pending ??= { start: offset, end: offset, newText: '' };
      pending.newText += part.value;
    } else if (part.removed) {
      pending ??= { start: offset, end: offset, newText: '' };
      offset += part.value.length;
      pending.end = offset;
    } else {
      if (pending) edits.push(pending);
      pending = undefined;
      offset += part.value.length;
    }
  }
  if (pending) edits.push(pending);
  return edits;
}
