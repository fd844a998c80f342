import { SAR, VIA_CLOUDFORMATION, VIA_OWN_STACK_IF_TAGGED, type CatalogEntry } from './types';
import type { Applicability } from './applicability';

const source = `${SAR}list_awsiot.html`;
const ALL = ['admin', 'developer', 'ci'] as const;
/** Only for services with iot (topic rules) or iotFleetProvisioning (templates) events. */
const rules: Applicability = { property: 'Events', includes: 'iot' };
const templates: Applicability = { property: 'Events', includes: 'iotFleetProvisioning' };

/**
 * `iot` events create topic rules (CloudFormation names them from the logical id when `name` is unset; IoT rule
 * names allow no hyphen, so no <service>-<stage>- pattern fits), `iotFleetProvisioning` events a provisioning
 * template. Their IoT actions accept aws:ResourceTag (Service Authorization Reference, resource types rule and
 * provisioningtemplate), so changes and deletes are held to the own stack's tag wherever the rule or template carries
 * one (a rule or template another stack made carries that stack's `aws:cloudformation:stack-name`). `IfExists`:
 * AWS documents the key on these types but not that CloudFormation stamps its system tags on them, and a hard
 * condition would then fail every deploy; an untagged rule (made outside CloudFormation) stays reachable
 * (docs/security.md). Creating one names a new rule or template: an existing name fails.
 */
const RULES = ['arn:{Partition}:iot:{Region}:{Account}:rule/*'];
const TEMPLATES = ['arn:{Partition}:iot:{Region}:{Account}:provisioningtemplate/*'];

export const iot: readonly CatalogEntry[] = [
  {
    id: 'iot.topic-rules-update',
    roles: ALL,
    source,
    when: rules,
    actions: [
      'iot:GetTopicRule',
      'iot:ListTagsForResource',
      'iot:ReplaceTopicRule',
      'iot:TagResource',
      'iot:UntagResource',
    ],
    resources: RULES,
    condition: VIA_OWN_STACK_IF_TAGGED,
    reason:
      "Changing an iot event's SQL rewrites the stack's topic rule (ReplaceTopicRule), only through CloudFormation.",
  },
  {
    id: 'iot.topic-rules-lifecycle',
    roles: ['admin'],
    source,
    when: rules,
    actions: ['iot:CreateTopicRule', 'iot:DeleteTopicRule', 'iot:GetTopicRule'],
    resources: RULES,
    condition: VIA_OWN_STACK_IF_TAGGED,
    reason: "Adding or removing an iot event creates or deletes its topic rule: admin's, via the stack.",
  },
  {
    id: 'iot.provisioning-templates-update',
    roles: ALL,
    source,
    when: templates,
    actions: [
      'iot:CreateProvisioningTemplateVersion',
      'iot:DescribeProvisioningTemplate',
      'iot:UpdateProvisioningTemplate',
    ],
    resources: TEMPLATES,
    condition: VIA_OWN_STACK_IF_TAGGED,
    reason:
      "Changing an iotFleetProvisioning template body or hook updates the stack's template, only through CloudFormation.",
  },
  {
    id: 'iot.provisioning-templates-lifecycle',
    roles: ['admin'],
    source,
    when: templates,
    actions: ['iot:CreateProvisioningTemplate', 'iot:DeleteProvisioningTemplate', 'iot:DescribeProvisioningTemplate'],
    resources: TEMPLATES,
    condition: VIA_OWN_STACK_IF_TAGGED,
    reason: "Adding or removing an iotFleetProvisioning event creates or deletes its template: admin's, via the stack.",
  },
  {
    id: 'iam.pass-provisioning-roles',
    roles: ALL,
    source: `${SAR}list_awsidentityandaccessmanagementiam.html`,
    when: templates,
    actions: ['iam:PassRole'],
    resources: ['arn:{Partition}:iam::{Account}:role/{Service}-{Stage}-*'],
    condition: { ...VIA_CLOUDFORMATION, StringEquals: { 'iam:PassedToService': 'iot.amazonaws.com' } },
    reason:
      'iotFleetProvisioning.provisioningRoleArn is passed to IoT; only roles named <service>-<stage>-*, only to IoT.',
  },
];
