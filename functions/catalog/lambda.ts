import { ARN } from './arns';
import { GROUP_ROLES as ALL, MANY_LAMBDAS, SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';

const source = `${SAR}list_awslambda.html`;
/** ManyLambdas (opt_many_lambdas of FormidableLabs/terraform-aws-serverless): developer and ci may also add and remove functions. */
/**
 * Mappings only for the service's own functions (hashed custom-resource names left out), never its custom-resource
 * functions: a queue or stream must not feed them events.
 */
const mappedFunctionArn = {
  ArnLike: { 'lambda:FunctionArn': [...ARN.ownFunctions] },
  ArnNotLike: {
    'lambda:FunctionArn': 'arn:{Partition}:lambda:{Region}:{Account}:function:{Service}-{Stage}-custom-resource-*',
  },
};
/**
 * The Lambda writes that change what a function runs or who may run it: none may reach the framework's
 * custom-resource functions except through the stack.
 */
const FUNCTION_WRITES = [
  'lambda:AddPermission',
  'lambda:CreateAlias',
  'lambda:CreateFunctionUrlConfig',
  'lambda:DeleteFunction',
  'lambda:InvokeAsync',
  'lambda:InvokeFunction',
  'lambda:InvokeFunctionUrl',
  'lambda:PublishVersion',
  'lambda:PutFunctionEventInvokeConfig',
  'lambda:UpdateAlias',
  'lambda:UpdateFunctionCode',
  'lambda:UpdateFunctionConfiguration',
  'lambda:UpdateFunctionEventInvokeConfig',
  'lambda:UpdateFunctionUrlConfig',
];
/**
 * The AWS service principals the framework's events give lambda:InvokeFunction (osls and osls3
 * lib/plugins/aws/package/compile/events/*: http, httpApi, websocket, s3, sns, schedule, eventBridge,
 * cloudwatchEvent, iot, iotFleetProvisioning, cognitoUserPool, alb, cloudwatchLog, cloudFront (Lambda@Edge
 * versions), alexaSkill, alexaSmartHome). sqs, stream, kafka and msk events use mappings, not permissions.
 */
export const EVENT_PRINCIPALS = [
  'alexa-appkit.amazon.com',
  'alexa-connectedhome.amazon.com',
  'apigateway.amazonaws.com',
  'cognito-idp.amazonaws.com',
  'edgelambda.amazonaws.com',
  'elasticloadbalancing.amazonaws.com',
  'events.amazonaws.com',
  'iot.amazonaws.com',
  'logs.{ServiceRegion}.amazonaws.com',
  's3.amazonaws.com',
  'sns.amazonaws.com',
];
/**
 * Where a function may run (F9): Lambda puts the subnets and security groups of a CreateFunction or
 * UpdateFunctionConfiguration into lambda:SubnetIds and lambda:SecurityGroupIds (multivalued), and the VPC it derives
 * from them into lambda:VpcIds (single-valued, absent when the request puts the function in no VPC: the Lambda
 * developer guide's "deploy only VPC-connected functions" policy is Null lambda:VpcIds). Without a network
 * (VpcSubnetIds, the Vpc submodule) no function joins any VPC; with one, only its subnets and security groups. Every
 * subnet and security group belongs to one VPC, so pinning both pins lambda:VpcIds too; taking a function out of its
 * VPC (empty lists) stays allowed: the framework does it for `vpc: false`.
 */
/** CreateFunction and UpdateFunctionConfiguration name a function, never a version or alias. */
const UNQUALIFIED_FUNCTIONS = ARN.functions.filter((p) => !p.endsWith(':*'));
const NO_VPC = { Null: { 'lambda:VpcIds': 'true' } };
const OWN_NETWORK = {
  'ForAllValues:StringEquals': {
    'lambda:SecurityGroupIds': '{VpcSecurityGroupIds}',
    'lambda:SubnetIds': '{VpcSubnetIds}',
  },
};
const NOT_VIA_CLOUDFORMATION = { 'ForAllValues:StringNotEquals': { 'aws:CalledVia': 'cloudformation.amazonaws.com' } };

export const lambda: readonly CatalogEntry[] = [
  {
    id: 'lambda.custom-resource-functions-direct',
    effect: 'Deny',
    roles: ALL,
    source,
    actions: FUNCTION_WRITES,
    resources: [...ARN.customResourceFunctions],
    condition: NOT_VIA_CLOUDFORMATION,
    reason:
      "Denied: the framework's custom-resource functions run as a stronger role; only the stack changes or invokes them.",
  },
  {
    id: 'lambda.custom-resource-functions-triggers',
    effect: 'Deny',
    roles: ALL,
    source,
    // The md5-shortened names are outside ARN.ownFunctions, the only functions AddPermission is granted on.
    actions: ['lambda:AddPermission'],
    resources: [ARN.customResourceFunctions[0]],
    reason:
      'Denied: no event source may invoke the custom-resource functions; CloudFormation calls them without a permission.',
  },
  {
    id: 'lambda.function-read',
    roles: ALL,
    source,
    actions: [
      'lambda:GetAlias',
      'lambda:GetFunction',
      'lambda:GetFunctionConfiguration',
      'lambda:GetFunctionEventInvokeConfig',
      'lambda:GetFunctionUrlConfig',
      'lambda:GetPolicy',
      'lambda:ListAliases',
      'lambda:ListTags',
      'lambda:ListVersionsByFunction',
    ],
    resources: [...ARN.functions],
    reason:
      "deploy (change detection), deploy list functions, info and rollback function read the service's functions.",
  },
  {
    id: 'lambda.function-update',
    roles: ALL,
    source,
    actions: [
      'lambda:CreateAlias',
      'lambda:InvokeFunction',
      'lambda:PublishVersion',
      'lambda:PutFunctionConcurrency',
      'lambda:PutFunctionEventInvokeConfig',
      'lambda:TagResource',
      'lambda:UntagResource',
      'lambda:UpdateAlias',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionEventInvokeConfig',
      'lambda:UpdateFunctionUrlConfig',
    ],
    resources: [...ARN.functions],
    reason:
      'deploy, deploy function, rollback function and invoke change code and configuration of existing functions.',
  },
  {
    id: 'lambda.function-configuration',
    roles: ALL,
    source,
    when: { property: 'VpcSubnetIds', network: false },
    actions: ['lambda:UpdateFunctionConfiguration'],
    resources: UNQUALIFIED_FUNCTIONS,
    condition: NO_VPC,
    reason: 'deploy and deploy function change settings of existing functions; without VpcSubnetIds, into no VPC.',
  },
  {
    id: 'lambda.function-configuration-network',
    roles: ALL,
    source,
    when: { property: 'VpcSubnetIds', network: true },
    actions: ['lambda:UpdateFunctionConfiguration'],
    resources: UNQUALIFIED_FUNCTIONS,
    condition: OWN_NETWORK,
    reason:
      "deploy and deploy function change settings of existing functions: only the service's subnets and security groups.",
  },
  {
    id: 'lambda.function-permissions',
    roles: ALL,
    source,
    actions: ['lambda:AddPermission', 'lambda:RemovePermission'],
    resources: [...ARN.ownFunctions],
    // AddPermission always carries lambda:Principal; RemovePermission carries none (IfExists lets it through).
    condition: { ...VIA_CLOUDFORMATION, StringEqualsIfExists: { 'lambda:Principal': [...EVENT_PRINCIPALS] } },
    reason: 'Events let their AWS service invoke a function, through the stack only; never an account or anyone (*).',
  },
  {
    id: 'lambda.function-url-public',
    roles: ['admin'],
    source,
    actions: ['lambda:AddPermission'],
    resources: [...ARN.ownFunctions],
    condition: { ...VIA_CLOUDFORMATION, StringEquals: { 'lambda:Principal': '*' } },
    reason:
      "url: true (auth NONE) makes a function public: the framework grants * the URL invoke; admin's, via the stack.",
  },
  {
    id: 'lambda.version-prune',
    roles: ALL,
    source,
    actions: ['lambda:DeleteFunction'],
    resources: [...ARN.functionVersions],
    reason: 'pruneFunctionVersions and prune delete old versions; a qualified ARN never matches the function itself.',
  },
  {
    id: 'lambda.function-lifecycle',
    roles: ['admin'],
    alsoFor: MANY_LAMBDAS,
    source,
    actions: [
      'lambda:CreateFunctionUrlConfig',
      'lambda:DeleteAlias',
      'lambda:DeleteFunction',
      'lambda:DeleteFunctionConcurrency',
      'lambda:DeleteFunctionEventInvokeConfig',
      'lambda:DeleteFunctionUrlConfig',
    ],
    resources: [...ARN.functions],
    reason:
      "Adding or removing a function (first deploy, sls remove) is admin's; ManyLambdas extends it to developer and ci.",
  },
  {
    id: 'lambda.function-create',
    roles: ['admin'],
    alsoFor: MANY_LAMBDAS,
    source,
    when: { property: 'VpcSubnetIds', network: false },
    actions: ['lambda:CreateFunction'],
    resources: UNQUALIFIED_FUNCTIONS,
    condition: NO_VPC,
    reason: "Adding a function is admin's (ManyLambdas: developer and ci too); without VpcSubnetIds, in no VPC.",
  },
  {
    id: 'lambda.function-create-network',
    roles: ['admin'],
    alsoFor: MANY_LAMBDAS,
    source,
    when: { property: 'VpcSubnetIds', network: true },
    actions: ['lambda:CreateFunction'],
    resources: UNQUALIFIED_FUNCTIONS,
    condition: OWN_NETWORK,
    reason:
      "Adding a function is admin's (ManyLambdas: developer and ci too): only in the service's subnets and security groups.",
  },
  {
    id: 'lambda.event-source-mapping-read',
    roles: ALL,
    source,
    actions: ['lambda:GetEventSourceMapping'],
    resources: [ARN.eventSourceMappings],
    reason: 'CloudFormation reads mappings (random UUIDs) while it updates them; read-only.',
  },

  {
    id: 'lambda.event-source-mapping-update',
    roles: ALL,
    source,
    actions: ['lambda:UpdateEventSourceMapping'],
    resources: [ARN.eventSourceMappings],
    condition: mappedFunctionArn,
    reason: "Changing batch size or filters of sqs/stream events updates mappings of this service's functions only.",
  },
  {
    id: 'lambda.event-source-mapping-create',
    roles: ['admin'],
    source,
    actions: ['lambda:CreateEventSourceMapping'],
    resources: ['*'],
    condition: mappedFunctionArn,
    reason:
      "Adding an sqs/stream event creates a mapping for this service's functions; the action accepts no resource ARN.",
  },
  {
    id: 'lambda.event-source-mapping-delete',
    roles: ['admin'],
    source,
    actions: ['lambda:DeleteEventSourceMapping'],
    resources: [ARN.eventSourceMappings],
    condition: { ArnLike: { 'lambda:FunctionArn': [...ARN.ownFunctions] } },
    reason: "Removing an sqs/stream event deletes the mapping of this service's function.",
  },
  {
    id: 'lambda.layers',
    roles: ALL,
    source,
    actions: ['lambda:DeleteLayerVersion', 'lambda:GetLayerVersion', 'lambda:PublishLayerVersion'],
    resources: [...ARN.layers, ...ARN.layerVersions],
    reason:
      'Each deploy publishes changed layers and deletes the replaced version: <service>-<stage>-* and LayerNames only.',
  },
  {
    id: 'lambda.layer-sharing',
    roles: ALL,
    source,
    when: { property: 'ResourceTypes', includes: 'AWS::Lambda::LayerVersionPermission' },
    actions: [
      'lambda:AddLayerVersionPermission',
      'lambda:GetLayerVersionPolicy',
      'lambda:RemoveLayerVersionPermission',
    ],
    resources: [...ARN.layerVersions],
    reason:
      'Layers with allowedAccounts share each version (LayerVersionPermission); no key names the account: ResourceTypes only.',
  },
  {
    id: 'lambda.layers-list',
    roles: ALL,
    source,
    actions: ['lambda:ListLayerVersions'],
    resources: ['*'],
    reason: 'Packaging compares layers with the last deployed version; the action accepts no resource ARN.',
  },
  {
    id: 'lambda.external-layer-read',
    roles: ALL,
    source,
    when: { property: 'ExternalLayerArns', nonEmpty: true },
    actions: ['lambda:GetLayerVersion'],
    resources: ['{ExternalLayerArns}'],
    reason: 'Functions that use a layer of another service or account (ExternalLayerArns) need GetLayerVersion on it.',
  },
];
