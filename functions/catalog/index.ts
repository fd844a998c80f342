/** The ordered registry of core catalog entries. Submodules add theirs through functions/submodules. */
import { apigateway } from './apigateway';
import { cloudformation } from './cloudformation';
import { dynamodb } from './dynamodb';
import { events } from './events';
import { executionRole } from './execution-role';
import { iam } from './iam';
import { lambda } from './lambda';
import { logs } from './logs';
import { messaging } from './messaging';
import { observability } from './observability';
import { s3 } from './s3';
import { ssm } from './ssm';
import type { CatalogEntry } from './types';

export const CORE_CATALOG: readonly CatalogEntry[] = [
  ...cloudformation, ...s3, ...ssm, ...lambda, ...iam, ...logs, ...apigateway, ...events, ...messaging, ...dynamodb,
  ...observability, ...executionRole,
];
