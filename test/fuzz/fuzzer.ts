import * as fs from 'fs';
import * as path from 'path';
import type { Parser } from 'web-tree-sitter';
import { analyze } from '../../server/src/engine/analyze';
import { countSyntaxErrors, fixAll } from '../../server/src/fix/fixAll';
import { parseText, type Node } from '../../server/src/parse/parser';

/** A small seeded PRNG (mulberry32): every case can be replayed from its seed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GARBAGE = ['\u0000', '\uFEFF', '\uD800', '\uDC00', '😀', '中文', '\t', '\r\n', '\r', '(', ')', '[', ']', ':', '"""', "'", '\\', '#', '    ', 'é', '\u2028'];

type Mutation = (text: string, rnd: () => number) => string;

const pick = <T>(items: readonly T[], rnd: () => number): T => items[Math.floor(rnd() * items.length)];
const spot = (text: string, rnd: () => number) => Math.floor(rnd() * (text.length + 1));

/** Token-ish pieces: identifiers, numbers, strings' quotes, punctuation, spaces. */
function tokenSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const pattern = /[A-Za-z_][A-Za-z_0-9]*|\d+|\s+|./gsu;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) spans.push([m.index, m.index + m[0].length]);
  return spans;
}

export const MUTATIONS: Record<string, Mutation> = {
  deleteToken(text, rnd) {
    const spans = tokenSpans(text);
    if (spans.length === 0) return text;
    const [s, e] = pick(spans, rnd);
    return text.slice(0, s) + text.slice(e);
  },
  duplicateToken(text, rnd) {
    const spans = tokenSpans(text);
    if (spans.length === 0) return text;
    const [s, e] = pick(spans, rnd);
    return text.slice(0, e) + text.slice(s, e) + text.slice(e);
  },
  truncate(text, rnd) {
    return text.slice(0, spot(text, rnd));
  },
  insertGarbage(text, rnd) {
    const at = spot(text, rnd);
    return text.slice(0, at) + pick(GARBAGE, rnd) + text.slice(at);
  },
  insertNul(text, rnd) {
    const at = spot(text, rnd);
    return text.slice(0, at) + '\u0000' + text.slice(at);
  },
  loneSurrogate(text, rnd) {
    const at = spot(text, rnd);
    return text.slice(0, at) + pick(['\uD83D', '\uDE00'], rnd) + text.slice(at);
  },
  bom(text) {
    return '\uFEFF' + text;
  },
  mixedLineEndings(text, rnd) {
    return text.replace(/\n/g, () => (rnd() < 0.5 ? '\r\n' : '\n'));
  },
  tabsForSpaces(text, rnd) {
    return text.replace(/^( {4})+/gm, (m) => (rnd() < 0.5 ? '\t'.repeat(m.length / 4) : m));
  },
  longLine(text, rnd) {
    const at = spot(text, rnd);
    return text.slice(0, at) + 'x = ' + '"' + 'a'.repeat(20000) + '"' + '\n' + text.slice(at);
  },
  deepNesting(text, rnd) {
    const depth = 200 + Math.floor(rnd() * 800);
    return text + '\nvalue = ' + '('.repeat(depth) + 'session.query(User).get(1)' + ')'.repeat(depth) + '\n';
  },
  swapLines(text, rnd) {
    const lines = text.split('\n');
    if (lines.length < 2) return text;
    const a = Math.floor(rnd() * lines.length);
    const b = Math.floor(rnd() * lines.length);
    [lines[a], lines[b]] = [lines[b], lines[a]];
    return lines.join('\n');
  },
};

export interface FuzzTotals {
  cases: number;
  crashes: number;
  outOfRange: number;
  syntaxWorsening: number;
  fixesIntoErrors: number;
  failures: Array<{ seed: number; source: string; problem: string; text: string }>;
}

function errorRanges(root: Node): Array<[number, number]> {
  if (!root.hasError) return [];
  const ranges: Array<[number, number]> = [];
  const visit = (node: Node) => {
    if (node.isError || node.isMissing) {
      ranges.push([node.startIndex, node.endIndex]);
      return;
    }
    if (!node.hasError) return;
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return ranges;
}

/** Runs one mutated case through the analyzer and fix-all; returns the problem found, if any. */
export function runCase(parser: Parser, text: string): string | undefined {
  const tree = parseText(parser, text);
  try {
    const { findings } = analyze(text, tree);
    for (const f of findings) {
      if (!(f.start >= 0 && f.start <= f.end && f.end <= text.length)) return `out-of-range finding ${f.code} ${f.start}-${f.end} of ${text.length}`;
      for (const e of f.fix?.edits ?? []) {
        if (!(e.start >= 0 && e.start <= e.end && e.end <= text.length)) return `out-of-range edit of ${f.code}`;
      }
    }
    const errors = errorRanges(tree.rootNode);
    for (const f of findings) {
      for (const e of f.fix?.edits ?? []) {
        // An insertion at an error's edge touches nothing inside it.
        const inside = errors.some(([s, end]) => (e.start === e.end ? e.start > s && e.start < end : e.start < end && s < e.end));
        if (inside) return `fix of ${f.code} edits inside a syntax error`;
      }
    }
    const before = countSyntaxErrors(tree);
    const fixed = fixAll(parser, text, { includeReview: true });
    const afterTree = parseText(parser, fixed.text);
    const after = countSyntaxErrors(afterTree);
    afterTree.delete();
    if (after > before) return `fix-all raised syntax errors from ${before} to ${after}`;
    return undefined;
  } finally {
    tree.delete();
  }
}

/** Every fixture and runtime program: the seeds the mutations start from. */
export function corpus(root: string): Array<{ name: string; text: string }> {
  const dirs = ['test/fixtures/rules', 'test/fixtures/near-miss', 'test/runtime/programs', 'test/fixtures/fuzz-regressions'];
  const files: Array<{ name: string; text: string }> = [];
  for (const dir of dirs) {
    const full = path.join(root, dir);
    if (!fs.existsSync(full)) continue;
    for (const name of fs.readdirSync(full).sort()) if (name.endsWith('.py')) files.push({ name: `${dir}/${name}`, text: fs.readFileSync(path.join(full, name), 'utf8') });
  }
  return files;
}

/** `cases` mutated inputs, each from a seed derived from `baseSeed`; one to three mutations each. */
export function fuzz(parser: Parser, root: string, cases: number, baseSeed: number): FuzzTotals {
  const seeds = corpus(root);
  const names = Object.keys(MUTATIONS);
  const totals: FuzzTotals = { cases: 0, crashes: 0, outOfRange: 0, syntaxWorsening: 0, fixesIntoErrors: 0, failures: [] };
  for (let i = 0; i < cases; i++) {
    const seed = (baseSeed + i * 2654435761) >>> 0;
    const rnd = random(seed);
    const source = pick(seeds, rnd);
    let text = source.text;
    const count = 1 + Math.floor(rnd() * 3);
    for (let m = 0; m < count; m++) text = MUTATIONS[pick(names, rnd)](text, rnd);
    totals.cases++;
    let problem: string | undefined;
    try {
      problem = runCase(parser, text);
    } catch (error) {
      problem = `crash: ${(error as Error).stack?.split('\n').slice(0, 3).join(' | ')}`;
    }
    if (!problem) continue;
    if (problem.startsWith('crash')) totals.crashes++;
    else if (problem.startsWith('out-of-range')) totals.outOfRange++;
    else if (problem.includes('inside a syntax error')) totals.fixesIntoErrors++;
    else totals.syntaxWorsening++;
    totals.failures.push({ seed, source: source.name, problem, text });
  }
  return totals;
}

export function summaryLine(t: FuzzTotals): string {
  return `fuzz: cases ${t.cases}, crashes ${t.crashes}, out-of-range ${t.outOfRange}, syntax-worsening fixes ${t.syntaxWorsening}, fixes inside errors ${t.fixesIntoErrors}`;
}

/** Keeps each failing input as a regression fixture; it joins the corpus of later runs. */
export function saveRegressions(root: string, totals: FuzzTotals): string[] {
  const dir = path.join(root, 'test/fixtures/fuzz-regressions');
  const saved: string[] = [];
  for (const failure of totals.failures.slice(0, 20)) {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `seed_${failure.seed}.py`);
    fs.writeFileSync(file, failure.text);
    saved.push(path.relative(root, file));
  }
  return saved;
}
