import { ARN } from './arns';
import { SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';
import type { Applicability } from './applicability';

const source = `${SAR}list_amazoncloudfront.html`;
const ALL = ['admin', 'developer', 'ci'] as const;
/** Only for services with cloudFront events (Events: [cloudFront]). */
const when: Applicability = { property: 'Events', includes: 'cloudFront' };

/**
 * `cloudFront` events: one distribution per service (random id), cache policies from
 * provider.cloudFront.cachePolicies (random id), and Lambda@Edge associations on the function's versions.
 * CloudFront documents no resource-tag condition on distributions or cache policies, and their ids are random:
 * writes go only through CloudFormation, whose update and delete handlers only touch resources of the caller's
 * own stack; creating them is admin's.
 */
const DISTRIBUTIONS = ['arn:{Partition}:cloudfront::{Account}:distribution/*'];
const CACHE_POLICIES = ['arn:{Partition}:cloudfront::{Account}:cache-policy/*'];

export const cloudfront: readonly CatalogEntry[] = [
  {
    id: 'cloudfront.distributions-update',
    roles: ALL,
    source,
    when,
    actions: [
      'cloudfront:GetDistribution',
      'cloudfront:GetDistributionConfig',
      'cloudfront:ListTagsForResource',
      'cloudfront:TagResource',
      'cloudfront:UntagResource',
      'cloudfront:UpdateDistribution',
    ],
    resources: DISTRIBUTIONS,
    condition: VIA_CLOUDFORMATION,
    reason:
      "A new Lambda@Edge version or changed behavior updates the stack's distribution, only through CloudFormation.",
  },
  {
    id: 'cloudfront.distributions-lifecycle',
    roles: ['admin'],
    source,
    when,
    actions: [
      'cloudfront:DeleteDistribution',
      'cloudfront:GetDistribution',
      'cloudfront:GetDistributionConfig',
      'cloudfront:TagResource',
    ],
    resources: DISTRIBUTIONS,
    condition: VIA_CLOUDFORMATION,
    reason: "The first cloudFront event creates the distribution and sls remove deletes it: admin's, via the stack.",
  },
  {
    id: 'cloudfront.distributions-create',
    roles: ['admin'],
    source,
    when,
    actions: ['cloudfront:CreateDistribution'],
    resources: ['*'],
    condition: VIA_CLOUDFORMATION,
    reason:
      "Creating the distribution names no resource yet (the action accepts no resource ARN): admin's, via the stack.",
  },
  {
    id: 'cloudfront.cache-policies-update',
    roles: ALL,
    source,
    when,
    actions: ['cloudfront:GetCachePolicy', 'cloudfront:UpdateCachePolicy'],
    resources: CACHE_POLICIES,
    condition: VIA_CLOUDFORMATION,
    reason:
      "Changing provider.cloudFront.cachePolicies updates the stack's cache policies, only through CloudFormation.",
  },
  {
    id: 'cloudfront.cache-policies-lifecycle',
    roles: ['admin'],
    source,
    when,
    actions: ['cloudfront:DeleteCachePolicy', 'cloudfront:GetCachePolicy'],
    resources: CACHE_POLICIES,
    condition: VIA_CLOUDFORMATION,
    reason: "Removing a cache policy from provider.cloudFront deletes it: admin's, via the stack.",
  },
  {
    id: 'cloudfront.cache-policies-create',
    roles: ['admin'],
    source,
    when,
    actions: ['cloudfront:CreateCachePolicy'],
    resources: ['*'],
    condition: VIA_CLOUDFORMATION,
    reason:
      "Adding a cache policy to provider.cloudFront creates it (the action accepts no resource ARN): admin's, via the stack.",
  },
  {
    id: 'lambda.edge-replication',
    roles: ALL,
    source: `${SAR}list_awslambda.html`,
    when,
    actions: ['lambda:DisableReplication', 'lambda:EnableReplication'],
    resources: [...ARN.functionVersions],
    condition: VIA_CLOUDFORMATION,
    reason:
      "Associating a new Lambda@Edge version (and dropping the old) needs replication rights on the service's versions only.",
  },
  {
    id: 'iam.lambda-edge-replicator-role',
    roles: ['admin'],
    source: `${SAR}list_awsidentityandaccessmanagementiam.html`,
    when,
    actions: ['iam:CreateServiceLinkedRole'],
    resources: [
      'arn:{Partition}:iam::{Account}:role/aws-service-role/replicator.lambda.amazonaws.com/AWSServiceRoleForLambdaReplicator',
    ],
    condition: { ...VIA_CLOUDFORMATION, StringEquals: { 'iam:AWSServiceName': 'replicator.lambda.amazonaws.com' } },
    reason:
      "The first Lambda@Edge association creates the account's replicator service-linked role (fixed AWS policy).",
  },
];
