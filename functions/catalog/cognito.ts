import { OWN_STACK_TAG } from './apigateway';
import { SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';
import type { Applicability } from './applicability';

const source = `${SAR}list_amazoncognitouserpools.html`;
const ALL = ['admin', 'developer', 'ci'] as const;
/** Only for services with cognitoUserPool events (Events: [cognitoUserPool]). */
const when: Applicability = { property: 'Events', includes: 'cognitoUserPool' };

/**
 * `cognitoUserPool` events without `existing` create a pool (random id) with the function as trigger; with
 * `existing: true` the framework's custom resource attaches the trigger (Custom::CognitoUserPool, which
 * CloudFormation invokes: lambda.function-update). Pools take tags and every pool action granted here accepts
 * aws:ResourceTag (Service Authorization Reference, Cognito user pools, resource type userpool): writes need the
 * stack tag CloudFormation stamps, so another service's pool is refused.
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
    condition: { ...VIA_CLOUDFORMATION, ...OWN_STACK_TAG },
    reason:
      "Changing a cognitoUserPool trigger updates the stack's own pool (LambdaConfig; its stack tag), via the stack.",
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
    condition: { ...VIA_CLOUDFORMATION, ...OWN_STACK_TAG },
    reason: "A cognitoUserPool event creates its pool, sls remove deletes it (its stack tag): admin's, via the stack.",
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
