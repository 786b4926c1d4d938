import type { Rule } from './types';
import { unknownSuppressionCode } from './SQA001-unknown-suppression-code';
import { engineExecute } from './SQA101-engine-execute';
import { boundMetadataRule } from './SQA103-bound-metadata';
import { bindlessSchemaCall } from './SQA104-bindless-schema-call';
import { tableAutoload } from './SQA105-table-autoload';
import { executeString } from './SQA106-execute-string';
import { executeKwargsParams } from './SQA107-execute-kwargs-params';
import { selectListArgument } from './SQA201-select-list-argument';
import { declarativeImport } from './SQA301-declarative-import';
import { queryGet } from './SQA401-query-get';
import { queryToSelect } from './SQA402-query-to-select';

/** Every rule, sorted by code. Codes are never reused. */
export const RULES: readonly Rule[] = [
  unknownSuppressionCode,
  engineExecute,
  boundMetadataRule,
  bindlessSchemaCall,
  tableAutoload,
  executeString,
  executeKwargsParams,
  selectListArgument,
  declarativeImport,
  queryGet,
  queryToSelect,
].sort((a, b) => a.code.localeCompare(b.code));

const BY_CODE = new Map(RULES.map((rule) => [rule.code, rule]));

export function ruleByCode(code: string): Rule | undefined {
  return BY_CODE.get(code.toUpperCase());
}
