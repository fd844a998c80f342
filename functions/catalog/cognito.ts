import { SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';
import type { Applicability } from './applicability';

const source = `${SAR}list_amazoncognitouserpools.html`;
const ALL = ['admin', 'developer', 'ci'] as const;
/** Only for services with cognitoUserPool events (Events: [cognitoUserPool]). */
const when: Applicability = { property: 'Events', includes: 'cognitoUserPool' };

/**
 * `cognitoUserPool` events without `existing` create a pool (random id) with the function as trigger; with
 * `existing: true` the framework's custom resource attaches the trigger (Custom::CognitoUserPool, which
 * CloudFormation invokes: lambda.function-update). Cognito documents no resource-tag condition on pool updates:
 * writes only through CloudFormation.
 */
const POOLS = ['arn:{Partition}:cognito-idp:{Region}:{Account}:userpool/*'];

export const cognito: readonly CatalogEntry[] = [
  {
    id: 'cognito.user-pools-update',
    roles: ALL,
    source,
    when,
    actions: [
      'cognito-idp:DescribeUserPool',
      'cognito-idp:GetUserPoolMfaConfig',
      'cognito-idp:ListTagsForResource',
      'cognito-idp:TagResource',
      'cognito-idp:UntagResource',
      'cognito-idp:UpdateUserPool',
    ],
    resources: POOLS,
    condition: VIA_CLOUDFORMATION,
    reason: "Changing a cognitoUserPool trigger updates the stack's pool (LambdaConfig), only through CloudFormation.",
  },
  {
    id: 'cognito.user-pools-lifecycle',
    roles: ['admin'],
    source,
    when,
    actions: [
      'cognito-idp:DeleteUserPool',
      'cognito-idp:DescribeUserPool',
      'cognito-idp:SetUserPoolMfaConfig',
      'cognito-idp:TagResource',
    ],
    resources: POOLS,
    condition: VIA_CLOUDFORMATION,
    reason: "A cognitoUserPool event creates its pool (and sls remove deletes it): admin's, via the stack.",
  },
  {
    id: 'cognito.user-pools-create',
    roles: ['admin'],
    source,
    when,
    actions: ['cognito-idp:CreateUserPool'],
    resources: ['*'],
    condition: VIA_CLOUDFORMATION,
    reason: "Creating a pool names no resource yet (the action accepts no resource ARN): admin's, via the stack.",
  },
];
