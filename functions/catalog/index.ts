/** The ordered registry of core catalog entries. Submodules add theirs through functions/submodules. */
import { apigateway } from './apigateway';
import { cloudformation } from './cloudformation';
import { cloudfront } from './cloudfront';
import { cognito } from './cognito';
import { dynamodb } from './dynamodb';
import { elasticloadbalancing } from './elasticloadbalancing';
import { events } from './events';
import { executionRole } from './execution-role';
import { iam } from './iam';
import { iot } from './iot';
import { lambda } from './lambda';
import { lambdaProvisioned } from './lambda-provisioned';
import { logs } from './logs';
import { messaging } from './messaging';
import { observability } from './observability';
import { s3 } from './s3';
import { ssm } from './ssm';
import type { CatalogEntry } from './types';

export const CORE_CATALOG: readonly CatalogEntry[] = [
  ...cloudformation,
  ...s3,
  ...ssm,
  ...lambda,
  ...iam,
  ...logs,
  ...apigateway,
  ...events,
  ...messaging,
  ...dynamodb,
  ...observability,
  ...executionRole,
  // Event and resource types beyond the core ones (issue 12: every type the framework can emit).
  ...elasticloadbalancing,
  ...cloudfront,
  ...iot,
  ...cognito,
  ...lambdaProvisioned,
];
