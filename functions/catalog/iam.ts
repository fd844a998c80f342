import { ARN } from './arns';
import { GROUP_ROLES as ALL, SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';

const source = `${SAR}list_awsidentityandaccessmanagementiam.html`;
/** Every IAM write on a role that carries iam:PermissionsBoundary (tags do not; deleting a boundary is never granted). */
const ROLE_WRITES = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:DeleteRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:PutRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
];

/** AWS managed policies no role of a service needs: attaching them is an escalation attempt even under a boundary. */
const ADMIN_POLICIES = [
  'arn:{Partition}:iam::aws:policy/AdministratorAccess',
  'arn:{Partition}:iam::aws:policy/IAMFullAccess',
  'arn:{Partition}:iam::aws:policy/PowerUserAccess',
];
/**
 * Per-function roles: Serverless v4 `provider.iam.role.mode: perFunction` and the serverless-iam-roles-per-function
 * plugin name them <service>-<stage>-<fn>-<region>-lambdaRole, and drop `-lambdaRole` when that exceeds 64 characters.
 */
const PER_FUNCTION_SHORT_ROLES = 'arn:{Partition}:iam::{Account}:role/{Service}-{Stage}-*-{ServiceRegion}';

/** Roles the service's stack writes: the framework's, and ExecutionRoleNames (provider.iam.role.name names the
 * framework's shared role; a listed role that is not the stack's carries no boundary, so the bounded writes cannot
 * touch it). */
const STACK_ROLES = [...ARN.frameworkRoles, 'arn:{Partition}:iam::{Account}:role/{ExecutionRoleNames}'];

export const iam: readonly CatalogEntry[] = [
  {
    id: 'iam.pass-execution-roles',
    roles: ALL,
    source,
    actions: ['iam:PassRole'],
    resources: [...ARN.executionRoles, PER_FUNCTION_SHORT_ROLES],
    condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'scheduler.amazonaws.com'] } },
    reason:
      "Functions (and scheduler events) run as the service's execution and per-function roles; to Lambda and Scheduler only.",
  },
  {
    id: 'iam.pass-framework-roles',
    roles: ['admin'],
    source,
    actions: ['iam:PassRole'],
    resources: [...ARN.frameworkRoles],
    condition: { ...VIA_CLOUDFORMATION, StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    reason:
      "The framework's custom-resource functions run as its custom-resource role: admin's, only through the stack.",
  },
  {
    id: 'iam.read-execution-roles',
    roles: ALL,
    source,
    actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
    resources: [...ARN.executionRoles, ...ARN.frameworkRoles],
    reason: 'deploy function reads a Fn::GetAtt role and CloudFormation reads roles while updating; read-only.',
  },
  {
    id: 'iam.execution-roles-lifecycle',
    roles: ['admin'],
    source,
    when: { property: 'PermissionsBoundary', equals: 'none' },
    actions: ROLE_WRITES,
    resources: [...ARN.frameworkRoles],
    condition: VIA_CLOUDFORMATION,
    reason: "PermissionsBoundary: none: the framework's own roles, unbounded (admin's, only via the stack).",
  },
  {
    id: 'iam.execution-roles-attach',
    roles: ['admin'],
    source,
    when: { property: 'PermissionsBoundary', equals: 'none' },
    actions: ['iam:AttachRolePolicy'],
    resources: [...ARN.frameworkRoles],
    condition: { ...VIA_CLOUDFORMATION, ArnNotLike: { 'iam:PolicyARN': ADMIN_POLICIES } },
    reason: "PermissionsBoundary: none: managed policies on the framework's roles, never an administrator policy.",
  },
  {
    id: 'iam.execution-roles-bounded',
    roles: ['admin'],
    source,
    when: { not: { property: 'PermissionsBoundary', equals: 'none' } },
    actions: ROLE_WRITES,
    resources: STACK_ROLES,
    condition: { ...VIA_CLOUDFORMATION, StringLike: { 'iam:PermissionsBoundary': '{PermissionsBoundary}' } },
    reason:
      "The framework's roles (shared, per-function, custom resources) are written only while they carry the boundary.",
  },
  {
    id: 'iam.execution-roles-bounded-attach',
    roles: ['admin'],
    source,
    when: { not: { property: 'PermissionsBoundary', equals: 'none' } },
    actions: ['iam:AttachRolePolicy'],
    resources: STACK_ROLES,
    condition: {
      ...VIA_CLOUDFORMATION,
      StringLike: { 'iam:PermissionsBoundary': '{PermissionsBoundary}' },
      ArnNotLike: { 'iam:PolicyARN': ADMIN_POLICIES },
    },
    reason: 'iam.role.managedPolicies and VPC access attach to bounded roles; never an administrator policy.',
  },
  {
    id: 'iam.execution-roles-tags',
    roles: ['admin'],
    source,
    actions: ['iam:TagRole', 'iam:UntagRole'],
    resources: STACK_ROLES,
    condition: VIA_CLOUDFORMATION,
    reason: 'The framework tags its roles (provider.iam.role.tags, stackTags); only via the stack.',
  },
  {
    id: 'iam.pass-deployment-role',
    roles: ALL,
    source,
    when: { property: 'DeploymentRoleArn', present: true },
    actions: ['iam:PassRole'],
    resources: ['{DeploymentRole}'],
    condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    reason:
      'provider.iam.deploymentRole: every stack call passes that role to CloudFormation, which then acts with it.',
  },
  {
    id: 'iam.pass-admin-deployment-role',
    roles: ['admin'],
    source,
    when: { property: 'DeploymentRoles', equals: true },
    actions: ['iam:PassRole'],
    resources: ['arn:{Partition}:iam::{Account}:role/{AdminDeploymentRoleName}'],
    condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    reason:
      "DeploymentRoles: admin's provider.iam.deploymentRole, its lifecycle role, passed with every stack call, to CloudFormation only.",
  },
  {
    id: 'iam.pass-update-deployment-role',
    roles: ['developer', 'ci'],
    source,
    when: { property: 'DeploymentRoles', equals: true },
    actions: ['iam:PassRole'],
    resources: ['arn:{Partition}:iam::{Account}:role/{UpdateDeploymentRoleName}'],
    condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    reason:
      "DeploymentRoles: developer's and ci's provider.iam.deploymentRole, the update role, passed to CloudFormation only.",
  },
];
