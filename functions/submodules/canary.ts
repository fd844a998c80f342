/**
 * `Canary: true | {ServiceRole: macro|plugin, PermissionsBoundary: <arn>}`: what serverless-plugin-canary-
 * deployments (davidgf/serverless-plugin-canary-deployments, v0.8.0) adds to the framework stack, and what
 * deploying it needs. Names as the plugin generates them:
 *
 * - the CodeDeploy application: logical id `<StackNameAlnum>DeploymentApplication`, no name, so CloudFormation
 *   names it `<stack>-<logicalId>-<suffix>`;
 * - one deployment group per function: `DeploymentGroupName` = `${stack}-${FnLogicalId}DeploymentGroup`,
 *   cut at 100 characters (plugin getDeploymentGroupName);
 * - the `Live` (or configured) alias, whose CodeDeployLambdaAliasUpdate policy makes CloudFormation call
 *   CreateDeployment with the caller's credentials;
 * - `CodeDeployServiceRole` (unless `custom.deploymentSettings.codeDeployRole`), a role with no name, so
 *   `<stack>-CodeDeployServiceRole-<suffix>`, trusted by codedeploy.amazonaws.com and holding
 *   AWSCodeDeployRoleForLambdaLimited, AWSLambda_FullAccess and (with triggers) AmazonSNSFullAccess;
 * - hooks (`preTrafficHook`/`postTrafficHook`) are functions of the service that report back with
 *   codedeploy:PutLifecycleEventHookExecutionStatus on the deployment group.
 *
 * ServiceRole `macro` (the default) creates a CodeDeploy role scoped to the service's functions in the macro's
 * stack, named `<ResourcePrefix>-<Stage>-codedeploy`, and serverless.yml names it in
 * `custom.deploymentSettings.codeDeployRole`: nobody in the three groups creates a role, and the role CodeDeploy
 * acts with reaches no other service's functions. ServiceRole `plugin` keeps the plugin's own role (as
 * FormidableLabs/terraform-aws-serverless does); creating it is admin's, only through the stack, and it may hold only the plugin's three policies.
 */
import { ARN } from '../catalog/arns';
import {
  GROUP_ROLES as ALL,
  MANY_LAMBDAS,
  SAR,
  VIA_CLOUDFORMATION,
  VIA_OWN_STACK_IF_TAGGED,
  type CatalogEntry,
  type ConditionBlock,
} from '../catalog/types';
import type { AccessConfig } from '../core/config';
import { GENERATED_STACK_PART_LENGTH } from '../core/generated-names';
import { fitName } from '../core/naming';
import { renderEntry } from '../core/iam/render';
import { oneOf, optionsOf, type Fail } from './common';
import type { CfnResource, ExpansionContext, Submodule, SubmoduleOutput } from './types';

export interface CanaryOptions {
  readonly serviceRole: 'macro' | 'plugin';
  /** The macro-created CodeDeploy role's name (ServiceRole macro). */
  readonly roleName: string;
  /** ServiceRole plugin: the boundary `custom.deploymentSettings.codeDeployRolePermissionsBoundary` sets. */
  readonly permissionsBoundary?: string;
}

const codedeploy = `${SAR}list_awscodedeploy.html`;
const iamSource = `${SAR}list_awsidentityandaccessmanagementiam.html`;
const cloudwatch = `${SAR}list_amazoncloudwatch.html`;

/** The managed policies the plugin attaches to its CodeDeployServiceRole (lib/CfTemplateGenerators/Iam.js). */
export const PLUGIN_ROLE_POLICIES = [
  'arn:{Partition}:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited',
  'arn:{Partition}:iam::aws:policy/AWSLambda_FullAccess',
  'arn:{Partition}:iam::aws:policy/AmazonSNSFullAccess',
];

/**
 * CloudFormation keeps the stack name whole in generated names while it fits, and cuts it to 24 characters
 * otherwise (test/fixtures/recorded/README.md, "Generated names"); the logical-id part is never shorter than the
 * 21 characters of CodeDeployServiceRole.
 */
function stackPrefix(config: AccessConfig): string {
  return config.stackName.length <= GENERATED_STACK_PART_LENGTH ? '{StackName}-' : '{StackNameHead}*';
}

export function canaryArns(config: AccessConfig) {
  const prefix = stackPrefix(config);
  const application = prefix.endsWith('*') ? prefix : `${prefix}*`;
  return {
    application: `arn:{Partition}:codedeploy:{Region}:{Account}:application:${application}`,
    deploymentGroup: `arn:{Partition}:codedeploy:{Region}:{Account}:deploymentgroup:${application}/{StackName}-*`,
    deploymentConfig: 'arn:{Partition}:codedeploy:{Region}:{Account}:deploymentconfig:CodeDeployDefault.Lambda*',
    pluginRole: `arn:{Partition}:iam::{Account}:role/${prefix}CodeDeployServiceRole-*`,
    /** Alarms the service's own stack declares (`resources:`) for deploymentSettings.alarms. */
    stackAlarms: `arn:{Partition}:cloudwatch:{Region}:{Account}:alarm:${application}`,
    /** Topics of the service: named <service>-<stage>-*, or generated after the stack. */
    topics: [
      'arn:{Partition}:sns:{Region}:{Account}:{Service}-{Stage}-*',
      `arn:{Partition}:sns:{Region}:{Account}:${application}`,
    ],
  };
}

/**
 * The topics an alarm of the service's stack may notify (cloudwatch:AlarmActions, which holds the actions of every
 * state: ALARM, OK and INSUFFICIENT_DATA): the service's own topics by name (<service>-<stage>-*, and
 * <stack>-<LogicalId>-<suffix> for topics CloudFormation names: SNS keeps the whole stack name within its 256
 * characters), TopicNames, and the topic of the Alarms submodule.
 */
export function alarmActionTopics(config: AccessConfig): string[] {
  const out = [
    'arn:{Partition}:sns:{Region}:{Account}:{OwnNamePrefixes}-*',
    'arn:{Partition}:sns:{Region}:{Account}:{TopicNames}',
  ];
  // The topic the Alarms submodule creates is <service>-<stage>-alarms (SNS allows 256 characters, so never
  // shortened): the first pattern holds it. An existing topic it notifies (Alarms.TopicArn) is named here.
  const alarms = config.submoduleProperties.Alarms as Record<string, unknown> | undefined;
  if (alarms && typeof alarms.TopicArn === 'string' && alarms.TopicArn.startsWith('arn:')) out.push(alarms.TopicArn);
  return out;
}

/*
 * Alarms, CodeDeploy applications and deployment groups: the Service Authorization Reference documents aws:ResourceTag
 * on the alarm, application and deploymentgroup resource types, and CloudFormation stamps its
 * `aws:cloudformation:stack-name` tag (users cannot set `aws:` tags). With long stack names the name patterns stop at
 * CloudFormation's 24-character stack head, which a sibling stage shares: writes on an existing one hold
 * VIA_OWN_STACK_IF_TAGGED (catalog/types.ts), so a sibling stack's tagged alarm or application is refused. IfExists:
 * PutMetricAlarm also creates (no tag yet), and a deploy must not fail where AWS leaves the tag out.
 * CreateApplication and CreateDeploymentGroup fail on an existing name, so the name pattern cannot overwrite anything.
 */

export function codeDeployRoleName(config: AccessConfig): string {
  return fitName('iam-role', `${config.resourcePrefix}-${config.stage}`, '-codedeploy');
}

const PASS_TO_CODEDEPLOY: ConditionBlock = { StringEquals: { 'iam:PassedToService': 'codedeploy.amazonaws.com' } };

export const canary: Submodule<CanaryOptions> = {
  property: 'Canary',
  schema: {
    description:
      'serverless-plugin-canary-deployments: CodeDeploy traffic shifting. true, or {ServiceRole, PermissionsBoundary}.',
    oneOf: [
      { type: 'boolean' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          ServiceRole: {
            enum: ['macro', 'plugin'],
            default: 'macro',
            description:
              "macro: the macro creates the CodeDeploy role; plugin: the plugin's own CodeDeployServiceRole.",
          },
          PermissionsBoundary: {
            type: 'string',
            pattern: '^arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/[\\w+=,.@/-]+$',
            description: 'custom.deploymentSettings.codeDeployRolePermissionsBoundary (ServiceRole plugin only).',
          },
        },
      },
    ],
  },

  parse(value: unknown, fail: Fail, config: AccessConfig): CanaryOptions | undefined {
    const o = optionsOf(
      value,
      'Canary',
      ['ServiceRole', 'PermissionsBoundary'],
      fail,
      'true, or a map with ServiceRole (macro or plugin) and PermissionsBoundary',
    );
    if (!o) return undefined;
    const serviceRole =
      o.ServiceRole === undefined
        ? 'macro'
        : oneOf(o.ServiceRole, 'Canary.ServiceRole', fail, ['macro', 'plugin'] as const);
    if (!serviceRole) return undefined;
    let permissionsBoundary: string | undefined;
    if (o.PermissionsBoundary !== undefined) {
      if (serviceRole !== 'plugin')
        return (
          fail(
            'Canary.PermissionsBoundary',
            'applies to ServiceRole: plugin only (the role the macro creates needs none); remove it or set ServiceRole: plugin.',
          ),
          undefined
        );
      if (
        typeof o.PermissionsBoundary !== 'string' ||
        !/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/.test(o.PermissionsBoundary)
      ) {
        return (
          fail(
            'Canary.PermissionsBoundary',
            'should be the ARN of a managed policy, as custom.deploymentSettings.codeDeployRolePermissionsBoundary (arn:aws:iam::123456789012:policy/boundary).',
          ),
          undefined
        );
      }
      permissionsBoundary = o.PermissionsBoundary;
    }
    return { serviceRole, roleName: codeDeployRoleName(config), permissionsBoundary };
  },

  entries(options: CanaryOptions, config: AccessConfig): CatalogEntry[] {
    const arn = canaryArns(config);
    const roles =
      options.serviceRole === 'macro' ? [`arn:{Partition}:iam::{Account}:role/${options.roleName}`] : [arn.pluginRole];
    const out: CatalogEntry[] = [
      {
        id: 'canary.codedeploy-read',
        roles: ALL,
        source: codedeploy,
        actions: [
          'codedeploy:GetApplication',
          'codedeploy:GetApplicationRevision',
          'codedeploy:GetDeployment',
          'codedeploy:GetDeploymentConfig',
          'codedeploy:GetDeploymentGroup',
          'codedeploy:ListDeploymentGroups',
          'codedeploy:ListDeployments',
        ],
        resources: [arn.application, arn.deploymentGroup, arn.deploymentConfig],
        reason:
          "CloudFormation and the CLI follow the traffic shift: the plugin's application, groups and Lambda configs.",
      },
      {
        id: 'canary.codedeploy-deploy',
        roles: ALL,
        source: codedeploy,
        actions: [
          'codedeploy:CreateDeployment',
          'codedeploy:RegisterApplicationRevision',
          'codedeploy:TagResource',
          'codedeploy:UntagResource',
          'codedeploy:UpdateDeploymentGroup',
        ],
        resources: [arn.application, arn.deploymentGroup],
        condition: VIA_OWN_STACK_IF_TAGGED,
        reason:
          "Each deploy shifts alias traffic (CodeDeployLambdaAliasUpdate) and updates groups: the own stack's, through it.",
      },
      {
        id: 'canary.codedeploy-stop',
        roles: ALL,
        source: codedeploy,
        actions: ['codedeploy:StopDeployment'],
        resources: ['*'],
        condition: VIA_CLOUDFORMATION,
        reason:
          'A cancelled or failed update stops the traffic shift through the stack; the action accepts no resource ARN.',
      },
      {
        id: 'canary.codedeploy-application-create',
        roles: ['admin'],
        source: codedeploy,
        actions: ['codedeploy:CreateApplication'],
        resources: [arn.application],
        condition: VIA_CLOUDFORMATION,
        reason:
          "The first canary deploy creates the plugin's application (an existing name fails): admin's, via the stack.",
      },
      {
        id: 'canary.codedeploy-application-lifecycle',
        roles: ['admin'],
        source: codedeploy,
        actions: ['codedeploy:DeleteApplication', 'codedeploy:UpdateApplication'],
        resources: [arn.application],
        condition: VIA_OWN_STACK_IF_TAGGED,
        reason: "sls remove deletes the own stack's application (its stack tag): admin's, via the stack.",
      },
      {
        id: 'canary.codedeploy-group-create',
        roles: ['admin'],
        alsoFor: MANY_LAMBDAS,
        source: codedeploy,
        actions: ['codedeploy:CreateDeploymentGroup'],
        resources: [arn.deploymentGroup],
        condition: VIA_CLOUDFORMATION,
        reason:
          "Deployment groups come with canary functions (an existing name fails): admin's (ManyLambdas: also developer, ci).",
      },
      {
        id: 'canary.codedeploy-group-lifecycle',
        roles: ['admin'],
        alsoFor: MANY_LAMBDAS,
        source: codedeploy,
        actions: ['codedeploy:DeleteDeploymentGroup'],
        resources: [arn.deploymentGroup],
        condition: VIA_OWN_STACK_IF_TAGGED,
        reason:
          "Deployment groups go with canary functions (own stack's tag): admin's (ManyLambdas: also developer, ci), via the stack.",
      },
      {
        id: 'canary.pass-codedeploy-role',
        roles: ALL,
        source: iamSource,
        actions: ['iam:PassRole'],
        resources: roles,
        condition: PASS_TO_CODEDEPLOY,
        reason: 'Deployment groups name the CodeDeploy service role; it may be passed to CodeDeploy only.',
      },
      {
        id: 'canary.lambda-hook-status',
        roles: ['lambda'],
        source: codedeploy,
        actions: ['codedeploy:PutLifecycleEventHookExecutionStatus'],
        resources: [arn.deploymentGroup],
        reason: 'pre/postTrafficHook functions report their verdict, scoped to the groups as the plugin and CDK do.',
      },
      {
        id: 'canary.stack-alarms',
        roles: ALL,
        source: cloudwatch,
        actions: [
          'cloudwatch:DescribeAlarms',
          'cloudwatch:ListTagsForResource',
          'cloudwatch:TagResource',
          'cloudwatch:UntagResource',
        ],
        resources: [arn.stackAlarms],
        condition: VIA_OWN_STACK_IF_TAGGED,
        reason:
          'deploymentSettings.alarms watch alarms the service declares in resources:, named after the stack (and its tag).',
      },
      {
        id: 'canary.stack-alarms-put',
        roles: ALL,
        source: cloudwatch,
        actions: ['cloudwatch:PutMetricAlarm'],
        resources: [arn.stackAlarms],
        condition: {
          ...VIA_OWN_STACK_IF_TAGGED,
          'ForAllValues:ArnLike': { 'cloudwatch:AlarmActions': alarmActionTopics(config) },
        },
        reason:
          "Creating or tuning those alarms (never another stack's) through the stack; they notify the service's own topics only.",
      },
      {
        id: 'canary.stack-alarms-delete',
        roles: ['admin'],
        alsoFor: MANY_LAMBDAS,
        source: cloudwatch,
        actions: ['cloudwatch:DeleteAlarms'],
        resources: [arn.stackAlarms],
        condition: VIA_OWN_STACK_IF_TAGGED,
        reason:
          "Removing a watched alarm from the stack deletes it (own stack's tag): admin's (ManyLambdas: also developer, ci).",
      },
    ];
    if (options.serviceRole === 'plugin') {
      const boundary: ConditionBlock = options.permissionsBoundary
        ? { StringEquals: { 'iam:PermissionsBoundary': options.permissionsBoundary } }
        : {};
      out.push(
        {
          id: 'canary.plugin-role-create',
          roles: ['admin'],
          source: iamSource,
          actions: ['iam:CreateRole'],
          resources: [arn.pluginRole],
          condition: { ...VIA_CLOUDFORMATION, ...boundary },
          reason:
            "The plugin's CodeDeployServiceRole is created by the first canary deploy: admin's, only via the stack.",
        },
        {
          id: 'canary.plugin-role-policies',
          roles: ['admin'],
          source: iamSource,
          actions: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
          resources: [arn.pluginRole],
          condition: { ...VIA_CLOUDFORMATION, ArnLike: { 'iam:PolicyARN': PLUGIN_ROLE_POLICIES } },
          reason: 'The role may hold only the three AWS managed policies the plugin attaches, and only via the stack.',
        },
        {
          id: 'canary.plugin-role-maintain',
          roles: ['admin'],
          source: iamSource,
          actions: ['iam:DeleteRole', 'iam:TagRole', 'iam:UntagRole'],
          resources: [arn.pluginRole],
          condition: VIA_CLOUDFORMATION,
          reason: "sls remove deletes the role and stackTags tag it: admin's, only via the stack.",
        },
        {
          id: 'canary.plugin-role-read',
          roles: ALL,
          source: iamSource,
          actions: ['iam:GetRole'],
          resources: [arn.pluginRole],
          reason: "CloudFormation reads the plugin's role while it updates deployment groups; read-only.",
        },
      );
    }
    return out;
  },

  resources(options: CanaryOptions, ctx: ExpansionContext): Record<string, CfnResource> {
    if (options.serviceRole !== 'macro') return {};
    const arn = canaryArns(ctx.config);
    // The renderer drops repeats once patterns are filled (a default StackName is <service>-<stage>).
    const statements = codeDeployRoleEntries(arn)
      .filter((e) => e.roles.includes('codedeploy'))
      .map((e) => renderEntry(e, ctx.tokens).statement);
    return {
      CodeDeployRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: options.roleName,
          Description: `CodeDeploy service role of ${ctx.config.slsServiceName} ${ctx.config.stage} (custom.deploymentSettings.codeDeployRole)`,
          Path: '/',
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'codedeploy.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
          Policies: [
            { PolicyName: 'canary-traffic-shifting', PolicyDocument: { Version: '2012-10-17', Statement: statements } },
          ],
          Tags: [...ctx.tags],
        },
      },
    };
  },

  outputs(options: CanaryOptions, ctx: ExpansionContext): Record<string, SubmoduleOutput> {
    if (options.serviceRole !== 'macro') return {};
    return {
      CodeDeployRoleArn: {
        value: { 'Fn::GetAtt': [`${ctx.logicalId}CodeDeployRole`, 'Arn'] },
        description: 'custom.deploymentSettings.codeDeployRole of serverless-plugin-canary-deployments',
      },
    };
  },
};

/**
 * What CodeDeploy does during a Lambda traffic shift, for the service's functions only (the plugin's own role
 * holds AWSLambda_FullAccess: every function of the account). These are the statements of the CodeDeploy role
 * this submodule creates (labelled `codedeploy`), never of the groups or the execution role.
 */
export function codeDeployRoleEntries(arn: ReturnType<typeof canaryArns>): CatalogEntry[] {
  const lambda = `${SAR}list_awslambda.html`;
  return [
    {
      id: 'codedeploy-role.shift-alias',
      roles: ['codedeploy'],
      source: lambda,
      actions: [
        'lambda:GetAlias',
        'lambda:GetProvisionedConcurrencyConfig',
        'lambda:InvokeFunction',
        'lambda:UpdateAlias',
      ],
      resources: [...ARN.functions],
      reason: "Move the alias to the new version, check provisioned concurrency, invoke the service's own hooks.",
    },
    {
      id: 'codedeploy-role.alarms',
      roles: ['codedeploy'],
      source: cloudwatch,
      actions: ['cloudwatch:DescribeAlarms'],
      resources: ['arn:{Partition}:cloudwatch:{Region}:{Account}:alarm:*'],
      reason: 'Stop and roll back when a watched alarm fires; alarms may be named by the user.',
    },
    {
      id: 'codedeploy-role.triggers',
      roles: ['codedeploy'],
      source: `${SAR}list_amazonsns.html`,
      actions: ['sns:Publish'],
      resources: arn.topics,
      reason: 'triggerConfigurations notify topics of the service (named <service>-<stage>-* or after the stack).',
    },
  ];
}
