import type { Parser } from 'web-tree-sitter';
import { createPythonParser, parseText } from '../parse/parser';
import { analyze, type AnalyzeOptions } from './analyze';
import { LineIndex } from './lines';
import { countSyntaxErrors, fixAll, type FixAllOptions, type FixAllResult } from '../fix/fixAll';
import type { Finding } from '../rules/types';

export interface TextAnalysis {
  findings: Finding[];
  lines: LineIndex;
  syntaxErrors: number;
  usesSqlAlchemy: boolean;
  /** Set when the time budget ran out before this rule. */
  stoppedBefore?: string;
}

/** Parse + analyze + fix for whole texts: what the CLI and the workspace scan use. */
export class AnalysisEngine {
  private constructor(readonly parser: Parser) {}

  static async create(): Promise<AnalysisEngine> {
    return new AnalysisEngine(await createPythonParser());
  }

  analyzeText(text: string, options: AnalyzeOptions = {}): TextAnalysis {
    const tree = parseText(this.parser, text);
    try {
      const { findings, lines, model, stoppedBefore } = analyze(text, tree, options);
      return { findings, lines, syntaxErrors: countSyntaxErrors(tree), usesSqlAlchemy: model.usesSqlAlchemy, stoppedBefore };
    } finally {
      tree.delete();
    }
  }

  fixText(text: string, options: FixAllOptions = {}): FixAllResult {
    return fixAll(this.parser, text, options);
  }

  countSyntaxErrors(text: string): number {
    const tree = parseText(this.parser, text);
    try {
      return countSyntaxErrors(tree);
    } finally {
      tree.delete();
    }
  }
}
