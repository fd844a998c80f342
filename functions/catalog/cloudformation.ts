import { ARN } from './arns';
import { GROUP_ROLES as ALL, SAR, type CatalogEntry, type Role } from './types';

const source = `${SAR}list_awscloudformation.html`;

/**
 * Stack operations that run resource handlers take a service role (`cloudformation:RoleArn`, a condition key of
 * CreateStack, UpdateStack, CreateChangeSet, DeleteStack, ContinueUpdateRollback and RollbackStack; ExecuteChangeSet
 * runs with the role its CreateChangeSet named). Without a deployment role no role may be passed at all (Null), so
 * nobody runs the stack as a stronger role; with DeploymentRoleArn, exactly that role (provider.iam.deploymentRole);
 * with DeploymentRoles, each group's own role (core/deployment-role.ts): admin's lifecycle role, developer's and
 * ci's update role. A call without RoleARN runs with the role the stack remembers (perhaps admin's), so it must not
 * match: ArnLike on an absent key does not.
 */
const ADMIN_DEPLOYMENT_ROLE = 'arn:{Partition}:iam::{Account}:role/{AdminDeploymentRoleName}';
const UPDATE_DEPLOYMENT_ROLE = 'arn:{Partition}:iam::{Account}:role/{UpdateDeploymentRoleName}';
const UPDATE_GROUPS = ['developer', 'ci'] as const;
const DEPLOYMENT_ROLES = { property: 'DeploymentRoles', equals: true } as const;

function serviceRoleVariants(entry: CatalogEntry): CatalogEntry[] {
  const c = entry.condition ?? {};
  const ownRole = (suffix: string, roles: readonly Role[], arn: string, whose: string): CatalogEntry[] =>
    roles.length
      ? [
          {
            ...entry,
            id: `${entry.id}-${suffix}`,
            roles,
            when: DEPLOYMENT_ROLES,
            reason: `${entry.reason.replace(/\.$/, '')}; with ${whose} only.`,
            condition: { ...c, ArnLike: { ...(c.ArnLike ?? {}), 'cloudformation:RoleArn': arn } },
          },
        ]
      : [];
  return [
    {
      ...entry,
      when: {
        all: [
          { property: 'DeploymentRoleArn', present: false },
          { property: 'DeploymentRoles', equals: false },
        ],
      },
      condition: { ...c, Null: { ...(c.Null ?? {}), 'cloudformation:RoleArn': 'true' } },
    },
    {
      ...entry,
      id: `${entry.id}-deployment-role`,
      when: { property: 'DeploymentRoleArn', present: true },
      reason: `${entry.reason.replace(/\.$/, '')}; DeploymentRoleArn only.`,
      condition: { ...c, StringEquals: { ...(c.StringEquals ?? {}), 'cloudformation:RoleArn': '{DeploymentRole}' } },
    },
    ...ownRole(
      'admin-role',
      entry.roles.filter((r) => r === 'admin'),
      ADMIN_DEPLOYMENT_ROLE,
      "admin's role",
    ),
    ...ownRole(
      'update-role',
      entry.roles.filter((r) => (UPDATE_GROUPS as readonly Role[]).includes(r)),
      UPDATE_DEPLOYMENT_ROLE,
      'the update role',
    ),
  ];
}

/** The stack operations that take a service role: with DeploymentRoles, denied with any role but the group's own. */
const ROLE_OPERATIONS = [
  'cloudformation:ContinueUpdateRollback',
  'cloudformation:CreateChangeSet',
  'cloudformation:CreateStack',
  'cloudformation:DeleteStack',
  'cloudformation:RollbackStack',
  'cloudformation:UpdateStack',
];

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
  {
    id: 'cloudformation.admin-role-only',
    effect: 'Deny',
    roles: ['admin'],
    source,
    when: DEPLOYMENT_ROLES,
    actions: ROLE_OPERATIONS,
    resources: [ARN.stack],
    // ArnNotLike holds when the key is absent too: no RoleARN (the stack's remembered role) is denied as well.
    condition: { ArnNotLike: { 'cloudformation:RoleArn': ADMIN_DEPLOYMENT_ROLE } },
    reason:
      "Denied: DeploymentRoles: admin's stack operations run with its lifecycle role only, never without one or with another.",
  },
  {
    id: 'cloudformation.update-role-only',
    effect: 'Deny',
    roles: UPDATE_GROUPS,
    source,
    when: DEPLOYMENT_ROLES,
    actions: ROLE_OPERATIONS,
    resources: [ARN.stack],
    condition: { ArnNotLike: { 'cloudformation:RoleArn': UPDATE_DEPLOYMENT_ROLE } },
    reason:
      "Denied: DeploymentRoles: developer's and ci's stack operations run with the update role only (not admin's the stack remembers).",
  },
];
