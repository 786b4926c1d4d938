import { URI } from 'vscode-uri';
import type { AnalyzeOptions } from '../engine/analyze';
import { findProjectConfig, ignoredCodesFor, isExcludedByConfig } from '../config/projectConfig';

/**
 * Analysis options of a document from its nearest pyproject.toml (`[tool.sqla-upgrade]`);
 * undefined when the config excludes it. Non-file documents get the defaults.
 */
export function projectOptions(uri: string): AnalyzeOptions | undefined {
  const parsed = URI.parse(uri);
  if (parsed.scheme !== 'file') return {};
  const config = findProjectConfig(parsed.fsPath);
  if (!config) return {};
  if (isExcludedByConfig(config, parsed.fsPath)) return undefined;
  return { select: config.select, ignore: ignoredCodesFor(config, parsed.fsPath), targetVersion: config.targetVersion };
}
