import { ARN } from './arns';
import { SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';

const source = `${SAR}list_awsidentityandaccessmanagementiam.html`;
const ALL = ['admin', 'developer', 'ci'] as const;

export const iam: readonly CatalogEntry[] = [
  {
    id: 'iam.pass-execution-roles', roles: ALL, source,
    actions: ['iam:PassRole'], resources: ARN.executionRoles,
    condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'scheduler.amazonaws.com'] } },
    reason: 'Functions (and scheduler events) run as the service\'s execution role; it may be passed to Lambda and Scheduler only.',
  },
  {
    id: 'iam.read-execution-roles', roles: ALL, source,
    actions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
    resources: ARN.executionRoles,
    reason: 'deploy function reads a Fn::GetAtt role and CloudFormation reads roles while updating; read-only.',
  },
  {
    id: 'iam.execution-roles-lifecycle', roles: ['admin'], source,
    actions: [
      'iam:AttachRolePolicy', 'iam:CreateRole', 'iam:DeleteRole', 'iam:DeleteRolePermissionsBoundary',
      'iam:DeleteRolePolicy', 'iam:DetachRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy',
      'iam:TagRole', 'iam:UntagRole', 'iam:UpdateAssumeRolePolicy', 'iam:UpdateRole', 'iam:UpdateRoleDescription',
    ],
    resources: [ARN.frameworkRoles],
    condition: VIA_CLOUDFORMATION,
    reason: 'The framework\'s own roles (<service>-<stage>-<region>-lambdaRole, custom resources): IAM is admin\'s, and only via the stack.',
  },
];
