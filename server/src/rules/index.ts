import type { Rule } from './types';
import { unknownSuppressionCode } from './SQA001-unknown-suppression-code';
import { engineExecute } from './SQA101-engine-execute';
import { implicitExecution } from './SQA102-implicit-execution';
import { boundMetadataRule } from './SQA103-bound-metadata';
import { bindlessSchemaCall } from './SQA104-bindless-schema-call';
import { tableAutoload } from './SQA105-table-autoload';
import { executeString } from './SQA106-execute-string';
import { executeKwargsParams } from './SQA107-execute-kwargs-params';
import { executeMultiparams } from './SQA108-execute-multiparams';
import { autocommitOption } from './SQA109-autocommit-option';
import { futureFlag } from './SQA110-future-flag';
import { rowStringIndex } from './SQA111-row-string-index';
import { engineInspectionMethods } from './SQA112-engine-inspection-methods';
import { selectListArgument } from './SQA201-select-list-argument';
import { selectKeywordArguments } from './SQA202-select-keyword-arguments';
import { fromclauseSelectWhereclause } from './SQA203-fromclause-select-whereclause';
import { caseListArgument } from './SQA204-case-list-argument';
import { dmlKeywordArguments } from './SQA205-dml-keyword-arguments';
import { selectLegacyMethods } from './SQA206-select-legacy-methods';
import { columnCopy } from './SQA207-column-copy';
import { declarativeImport } from './SQA301-declarative-import';
import { declarativeBaseFunction } from './SQA302-declarative-base-function';
import { classicalMapper } from './SQA303-classical-mapper';
import { columnWithoutMapped } from './SQA304-column-without-mapped';
import { relationshipWithoutMapped } from './SQA305-relationship-without-mapped';
import { annotationWithoutMapped } from './SQA306-annotation-without-mapped';
import { backrefRule } from './SQA307-backref';
import { dynamicRelationship } from './SQA308-dynamic-relationship';
import { relationAlias } from './SQA309-relation-alias';
import { ormModelInitOverride } from './SQA310-orm-model-init-override';
import { queryGet } from './SQA401-query-get';
import { queryToSelect } from './SQA402-query-to-select';
import { queryJoinedloadUnique } from './SQA403-query-joinedload-unique';
import { queryBulkUpdateDelete } from './SQA404-query-bulk-update-delete';
import { stringRelationshipPath } from './SQA405-string-relationship-path';
import { chainedJoinList } from './SQA406-chained-join-list';
import { joinAliasedFlag } from './SQA407-join-aliased-flag';
import { queryFromSelf } from './SQA408-query-from-self';
import { querySelectEntityFrom } from './SQA409-query-select-entity-from';
import { queryDistinctOrderBy } from './SQA410-query-distinct-order-by';
import { queryLegacyMethods } from './SQA411-query-legacy-methods';
import { flaskModelQuery } from './SQA412-flask-model-query';
import { bakedQuery } from './SQA413-baked-query';
import { querySubclass } from './SQA414-query-subclass';
import { sessionAutocommit } from './SQA501-session-autocommit';
import { sessionSubtransactions } from './SQA502-session-subtransactions';
import { sessionBoundMetadata } from './SQA503-session-bound-metadata';
import { sessionLegacyApi } from './SQA504-session-legacy-api';
import { syncSessionInAsync } from './SQA601-sync-session-in-async';
import { executeRowsNotScalars } from './SQA602-execute-rows-not-scalars';
import { asyncEnginePrePing } from './SQA603-async-engine-pre-ping';
import { pydanticOrmMode } from './SQA604-pydantic-orm-mode';
import { asyncSessionScope } from './SQA605-async-session-scope';

/** Every rule, sorted by code. Codes are never reused. */
export const RULES: readonly Rule[] = [
  unknownSuppressionCode,
  engineExecute,
  implicitExecution,
  boundMetadataRule,
  bindlessSchemaCall,
  tableAutoload,
  executeString,
  executeKwargsParams,
  executeMultiparams,
  autocommitOption,
  futureFlag,
  rowStringIndex,
  engineInspectionMethods,
  selectListArgument,
  selectKeywordArguments,
  fromclauseSelectWhereclause,
  caseListArgument,
  dmlKeywordArguments,
  selectLegacyMethods,
  columnCopy,
  declarativeImport,
  declarativeBaseFunction,
  classicalMapper,
  columnWithoutMapped,
  relationshipWithoutMapped,
  annotationWithoutMapped,
  backrefRule,
  dynamicRelationship,
  relationAlias,
  ormModelInitOverride,
  queryGet,
  queryToSelect,
  queryJoinedloadUnique,
  queryBulkUpdateDelete,
  stringRelationshipPath,
  chainedJoinList,
  joinAliasedFlag,
  queryFromSelf,
  querySelectEntityFrom,
  queryDistinctOrderBy,
  queryLegacyMethods,
  flaskModelQuery,
  bakedQuery,
  querySubclass,
  sessionAutocommit,
  sessionSubtransactions,
  sessionBoundMetadata,
  sessionLegacyApi,
  syncSessionInAsync,
  executeRowsNotScalars,
  asyncEnginePrePing,
  pydanticOrmMode,
  asyncSessionScope,
].sort((a, b) => a.code.localeCompare(b.code));

const BY_CODE = new Map(RULES.map((rule) => [rule.code, rule]));

export function ruleByCode(code: string): Rule | undefined {
  return BY_CODE.get(code.toUpperCase());
}
