import { ARN } from './arns';
import { GROUP_ROLES as ALL, SAR, type CatalogEntry } from './types';

const source = `${SAR}list_awscloudformation.html`;

/**
 * Stack operations that run resource handlers take a service role (`cloudformation:RoleArn`, a condition key of
 * CreateStack, UpdateStack, CreateChangeSet, DeleteStack, ContinueUpdateRollback and RollbackStack; ExecuteChangeSet
 * runs with the role its CreateChangeSet named). Without DeploymentRoleArn no role may be passed at all (Null), so
 * nobody runs the stack as a stronger role; with it, exactly that role (provider.iam.deploymentRole).
 */
function serviceRoleVariants(entry: CatalogEntry): CatalogEntry[] {
  const c = entry.condition ?? {};
  return [
    {
      ...entry,
      when: { property: 'DeploymentRoleArn', present: false },
      condition: { ...c, Null: { ...(c.Null ?? {}), 'cloudformation:RoleArn': 'true' } },
    },
    {
      ...entry,
      id: `${entry.id}-deployment-role`,
      when: { property: 'DeploymentRoleArn', present: true },
      reason: `${entry.reason.replace(/\.$/, '')}; DeploymentRoleArn only.`,
      condition: { ...c, StringEquals: { ...(c.StringEquals ?? {}), 'cloudformation:RoleArn': '{DeploymentRole}' } },
    },
  ];
}

export const cloudformation: readonly CatalogEntry[] = [
  {
    id: 'cloudformation.validate-template',
    roles: ALL,
    source,
    actions: ['cloudformation:ValidateTemplate'],
    resources: ['*'],
    reason: 'sls deploy validates the compiled template before each update; the action accepts no resource ARN.',
  },
  {
    id: 'cloudformation.list-exports',
    roles: ALL,
    source,
    actions: ['cloudformation:ListExports'],
    resources: ['*'],
    reason: 'sls info resolves an existing httpApi id through exports; the action accepts no resource ARN.',
  },
  {
    id: 'cloudformation.stack-read',
    roles: ALL,
    source,
    actions: [
      'cloudformation:DescribeStackEvents',
      'cloudformation:DescribeStackResource',
      'cloudformation:DescribeStackResources',
      'cloudformation:DescribeStacks',
      'cloudformation:GetTemplate',
      'cloudformation:ListStackResources',
    ],
    resources: [ARN.stack],
    reason: 'sls deploy, info, rollback and remove read the stack, its resources and events; only this stack.',
  },
  {
    id: 'cloudformation.access-stack-read',
    roles: ALL,
    source,
    actions: ['cloudformation:DescribeStacks'],
    resources: ['arn:{Partition}:cloudformation:{Region}:{Account}:stack/{AccessStackName}/*'],
    reason:
      'serverless.yml reads the execution role and submodule outputs with ${cf:<access stack>.<Output>}; read-only.',
  },
  ...serviceRoleVariants({
    id: 'cloudformation.stack-update',
    roles: ALL,
    source,
    actions: ['cloudformation:UpdateStack'],
    resources: [ARN.stack],
    reason: 'deploymentMethod: direct updates the stack (and rollback -t re-deploys an earlier template).',
  }),
  {
    id: 'cloudformation.stack-settings',
    roles: ALL,
    source,
    actions: ['cloudformation:SetStackPolicy', 'cloudformation:UpdateTerminationProtection'],
    resources: [ARN.stack],
    reason: 'deploy sets provider.stackPolicy and (osls 4) deletionProtection. No resource handler runs.',
  },
  {
    id: 'cloudformation.change-sets',
    roles: ALL,
    source,
    actions: ['cloudformation:DeleteChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet'],
    resources: [ARN.stack],
    condition: { StringLike: { 'cloudformation:ChangeSetName': '{StackName}-change-set' } },
    reason: 'Change-set deploys and rollback use only <stack>-change-set.',
  },
  ...serviceRoleVariants({
    id: 'cloudformation.change-set-update',
    roles: ALL,
    source,
    actions: ['cloudformation:CreateChangeSet'],
    resources: [ARN.stack],
    condition: {
      StringLike: { 'cloudformation:ChangeSetName': '{StackName}-change-set' },
      Null: { 'cloudformation:ImportResourceTypes': 'true', 'cloudformation:TemplateUrl': 'false' },
    },
    reason: 'Updates and rollbacks send the uploaded template (TemplateURL), never a body. No resource import.',
  }),
  ...serviceRoleVariants({
    id: 'cloudformation.change-set-create-stack',
    roles: ['admin'],
    source,
    actions: ['cloudformation:CreateChangeSet'],
    resources: [ARN.stack],
    condition: {
      StringLike: { 'cloudformation:ChangeSetName': '{StackName}-change-set' },
      Null: { 'cloudformation:ImportResourceTypes': 'true' },
    },
    reason: 'The first deploy creates the stack from the core template (TemplateBody): admin only. No import.',
  }),
  ...serviceRoleVariants({
    id: 'cloudformation.stack-lifecycle',
    roles: ['admin'],
    source,
    actions: ['cloudformation:CreateStack', 'cloudformation:DeleteStack'],
    resources: [ARN.stack],
    reason: 'The first sls deploy (direct method) creates the stack and sls remove deletes it: admin only.',
  }),
];
