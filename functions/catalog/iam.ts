import { ARN } from './arns';
import { GROUP_ROLES as ALL, SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';

const source = `${SAR}list_awsidentityandaccessmanagementiam.html`;
/** Every IAM write on a role that carries iam:PermissionsBoundary (tags do not; deleting a boundary is never granted). */
const ROLE_WRITES = [
  'iam:AttachRolePolicy', 'iam:CreateRole', 'iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:UpdateRole',
  'iam:UpdateRoleDescription',
];

export const iam: readonly CatalogEntry[] = [
  {
    id: 'iam.pass-execution-roles', roles: ALL, source,
    actions: ['iam:PassRole'], resources: ARN.executionRoles,
    condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'scheduler.amazonaws.com'] } },
    reason: 'Functions (and scheduler events) run as the service\'s execution roles; passed to Lambda and Scheduler only.',
  },
  {
    id: 'iam.pass-framework-roles', roles: ['admin'], source,
    actions: ['iam:PassRole'], resources: [...ARN.frameworkRoles],
    condition: { ...VIA_CLOUDFORMATION, StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    reason: 'The framework\'s custom-resource functions run as its custom-resource role: admin\'s, only through the stack.',
  },
  {
    id: 'iam.read-execution-roles', roles: ALL, source,
    actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
    resources: [...ARN.executionRoles, ...ARN.frameworkRoles],
    reason: 'deploy function reads a Fn::GetAtt role and CloudFormation reads roles while updating; read-only.',
  },
  {
    id: 'iam.execution-roles-lifecycle', roles: ['admin'], source, when: (c) => !c.permissionsBoundary,
    actions: ROLE_WRITES, resources: [...ARN.frameworkRoles],
    condition: VIA_CLOUDFORMATION,
    reason: 'The framework\'s own roles (<service>-<stage>-<region>-lambdaRole, custom resources): admin\'s, only via the stack.',
  },
  {
    id: 'iam.execution-roles-bounded', roles: ['admin'], source, when: (c) => !!c.permissionsBoundary,
    actions: ROLE_WRITES, resources: [...ARN.frameworkRoles],
    condition: { ...VIA_CLOUDFORMATION, StringEquals: { 'iam:PermissionsBoundary': '{PermissionsBoundary}' } },
    reason: 'With PermissionsBoundary, the framework\'s roles can be created and changed only while they carry that boundary.',
  },
  {
    id: 'iam.execution-roles-tags', roles: ['admin'], source,
    actions: ['iam:TagRole', 'iam:UntagRole'], resources: [...ARN.frameworkRoles],
    condition: VIA_CLOUDFORMATION,
    reason: 'The framework tags its roles (provider.iam.role.tags, stackTags); only via the stack.',
  },
  {
    id: 'iam.pass-deployment-role', roles: ALL, source, when: (c) => !!c.deploymentRoleArn,
    actions: ['iam:PassRole'], resources: ['{DeploymentRole}'],
    condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
    reason: 'provider.iam.deploymentRole: every stack call passes that role to CloudFormation, which then acts with it.',
  },
];
