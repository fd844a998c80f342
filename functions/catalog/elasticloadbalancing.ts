import { SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';
import type { Applicability } from './applicability';

const source = `${SAR}list_awselasticloadbalancingv2.html`;
const ALL = ['admin', 'developer', 'ci'] as const;
/** Only for services with alb events (Events: [alb]). */
const when: Applicability = { property: 'Events', includes: 'alb' };

/**
 * `alb` events: the framework creates one target group per function and listener (name: md5, or
 * provider.alb.targetGroupPrefix plus md5) and one listener rule per priority on a listener the user names by ARN.
 * Target groups and rules carry the tag CloudFormation stamps (`aws:cloudformation:stack-name`) and ELBv2 documents
 * `aws:ResourceTag` for every write on them, so updates and deletes are the service's own stack's only.
 */
const TARGET_GROUPS = ['arn:{Partition}:elasticloadbalancing:{Region}:{Account}:targetgroup/*/*'];
/** The listeners named in AlbListenerArns (the user's, shared with other services: never a wildcard). */
const LISTENERS = ['{AlbListeners}'];
const RULES = ['arn:{Partition}:elasticloadbalancing:{Region}:{Account}:listener-rule/app/*/*/*/*'];
const OWN_STACK = { StringEquals: { 'aws:ResourceTag/aws:cloudformation:stack-name': '{StackName}' } };
const VIA_OWN_STACK = { ...VIA_CLOUDFORMATION, ...OWN_STACK };

export const elasticloadbalancing: readonly CatalogEntry[] = [
  {
    id: 'elbv2.describe',
    roles: ALL,
    source,
    when,
    actions: [
      'elasticloadbalancing:DescribeRules',
      'elasticloadbalancing:DescribeTags',
      'elasticloadbalancing:DescribeTargetGroupAttributes',
      'elasticloadbalancing:DescribeTargetGroups',
      'elasticloadbalancing:DescribeTargetHealth',
    ],
    resources: ['*'],
    condition: VIA_CLOUDFORMATION,
    reason:
      'CloudFormation reads target groups and rules after each write (alb events); the actions accept no resource ARN.',
  },
  {
    id: 'elbv2.target-groups-update',
    roles: ALL,
    source,
    when,
    actions: [
      'elasticloadbalancing:AddTags',
      'elasticloadbalancing:DeregisterTargets',
      'elasticloadbalancing:ModifyTargetGroup',
      'elasticloadbalancing:ModifyTargetGroupAttributes',
      'elasticloadbalancing:RegisterTargets',
      'elasticloadbalancing:RemoveTags',
    ],
    resources: TARGET_GROUPS,
    condition: VIA_OWN_STACK,
    reason:
      "Changing an alb event's health check or multi-value headers updates the stack's own target groups (stack-name tag).",
  },
  {
    // Admin's only: the listener is shared with other services (AlbListenerArns) and no IAM key covers a rule's
    // conditions or actions, so whoever may modify the own rule may re-aim it at another service's host or path
    // and receive its requests (docs/security.md, "What cannot be closed on AWS").
    id: 'elbv2.rules-update',
    roles: ['admin'],
    source,
    when,
    actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:RemoveTags'],
    resources: RULES,
    condition: VIA_OWN_STACK,
    reason:
      "Changing an alb event's conditions rewrites the stack's own rule on a shared listener, which can capture another service's paths: admin's.",
  },
  {
    id: 'elbv2.target-groups-create',
    roles: ['admin'],
    source,
    when,
    actions: ['elasticloadbalancing:CreateTargetGroup'],
    resources: TARGET_GROUPS,
    condition: VIA_CLOUDFORMATION,
    reason:
      'Adding an alb event creates its target group (md5 name; registering the function is elbv2.target-groups-update).',
  },
  {
    id: 'elbv2.tag-on-create',
    roles: ['admin'],
    source,
    when,
    actions: ['elasticloadbalancing:AddTags'],
    resources: [...TARGET_GROUPS, ...RULES],
    condition: {
      ...VIA_CLOUDFORMATION,
      StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateRule', 'CreateTargetGroup'] },
    },
    reason: "Tags given at creation (the stack's own, Name) are authorized as AddTags of the creating call only.",
  },
  {
    id: 'elbv2.target-groups-delete',
    roles: ['admin'],
    source,
    when,
    actions: ['elasticloadbalancing:DeleteTargetGroup'],
    resources: TARGET_GROUPS,
    condition: VIA_OWN_STACK,
    reason: "Removing an alb event deletes the stack's own target group (stack-name tag): admin's.",
  },
  {
    id: 'elbv2.rules-create',
    roles: ['admin'],
    source,
    when: { all: [when, { property: 'AlbListenerArns', nonEmpty: true }] },
    actions: ['elasticloadbalancing:CreateRule'],
    resources: LISTENERS,
    condition: VIA_CLOUDFORMATION,
    reason:
      "An alb event adds a rule to a listener named in AlbListenerArns (its listenerArn): admin's, via the stack.",
  },
  {
    id: 'elbv2.rules-delete',
    roles: ['admin'],
    source,
    when,
    actions: ['elasticloadbalancing:DeleteRule'],
    resources: RULES,
    condition: VIA_OWN_STACK,
    reason: "Removing an alb event deletes the stack's own listener rule (stack-name tag): admin's.",
  },
];
