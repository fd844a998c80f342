import { ARN } from './arns';
import {
  GROUP_ROLES as ALL,
  MANY_LAMBDAS,
  OTHER_STACK_TAGGED,
  SAR,
  VIA_CLOUDFORMATION,
  type CatalogEntry,
} from './types';

const source = `${SAR}list_awslambda.html`;
/** ManyLambdas (opt_many_lambdas of FormidableLabs/terraform-aws-serverless): developer and ci may also add and remove functions. */
/**
 * Mappings only for the service's own functions (hashed custom-resource names left out), never its custom-resource
 * functions: a queue or stream must not feed them events.
 */
const mappedFunctionArn = {
  ArnLike: { 'lambda:FunctionArn': [...ARN.ownFunctions] },
  ArnNotLike: { 'lambda:FunctionArn': ARN.customResourceFunctions[0] },
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
    id: 'lambda.other-stack-functions',
    effect: 'Deny',
    roles: ALL,
    source,
    // Every action on every function: a hyphen-sibling stage's or service-prefix service's functions
    // (`<service>-<stage>-eu-*`, md5-shortened custom-resource names included) fit `<service>-<stage>-*`, and the stack
    // tag CloudFormation stamps on every function (AWS lists aws:ResourceTag on Lambda's `function` resource type)
    // tells them apart; no function of the own stack carries another stack's tag. A new function has no tag yet.
    actions: ['lambda:*'],
    resources: ['arn:{Partition}:lambda:{Region}:{Account}:function:*'],
    condition: OTHER_STACK_TAGGED,
    reason:
      "Denied: a function another stack created (its stack tag), e.g. a hyphen-sibling stage's, though its name fits.",
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
    // The calls the CLI makes itself (recorded 'cli': deploy function, rollback function, invoke); configuration is
    // lambda.function-configuration(-network) (where the function may run), the rest of a function's settings only
    // CloudFormation changes (lambda.function-update-via-stack).
    actions: ['lambda:InvokeFunction', 'lambda:UpdateFunctionCode'],
    resources: [...ARN.functions],
    reason: 'deploy function, rollback function and invoke change code of existing functions and invoke them.',
  },
  {
    id: 'lambda.function-update-via-stack',
    roles: ALL,
    source,
    // Recorded only as cloudformation-on-behalf (osls 3 and 4 call none of these): direct, PutFunctionConcurrency
    // alone could reserve the region's concurrency on one function and throttle every other service.
    actions: [
      'lambda:CreateAlias',
      'lambda:PublishVersion',
      'lambda:PutFunctionConcurrency',
      'lambda:PutFunctionEventInvokeConfig',
      'lambda:TagResource',
      'lambda:UntagResource',
      'lambda:UpdateAlias',
      'lambda:UpdateFunctionEventInvokeConfig',
      'lambda:UpdateFunctionUrlConfig',
    ],
    resources: [...ARN.functions],
    condition: VIA_CLOUDFORMATION,
    reason:
      'deploy changes versions, aliases, concurrency, async settings, URLs and tags of existing functions: via the stack.',
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
    // Lambda validates a VpcConfig's subnets and security groups with the caller's credentials (CreateFunction,
    // UpdateFunctionConfiguration: the registry's AWS::Lambda::Function handler permissions; deploy function too).
    id: 'lambda.vpc-config-check',
    roles: ALL,
    source: `${SAR}list_amazonec2.html`,
    when: { property: 'VpcSubnetIds', network: true },
    actions: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
    resources: ['*'],
    reason:
      "Lambda checks a function's subnets and security groups against the caller's rights; the actions accept no resource ARN.",
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
    // lambda:FunctionArn is the request's new function, not the mapping's current one, so it cannot keep another
    // service's mapping out; CloudFormation's update handler only touches the stack's own mappings (osls 3 and 4
    // never call it directly).
    condition: { ...VIA_CLOUDFORMATION, ...mappedFunctionArn },
    reason: "Changing batch size or filters of sqs/stream events updates the stack's mappings, via the stack only.",
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
    actions: ['lambda:DeleteLayerVersion', 'lambda:GetLayerVersion'],
    resources: [...ARN.layerVersions],
    reason: 'deploy deletes the replaced layer versions, invoke local reads them: <service>-<stage>-* and LayerNames.',
  },
  {
    id: 'lambda.layers-publish',
    roles: ALL,
    source,
    // Layers take no tags (Lambda developer guide, ABAC): the name patterns and the stack only.
    actions: ['lambda:PublishLayerVersion'],
    resources: [...ARN.layers],
    condition: VIA_CLOUDFORMATION,
    reason: 'Each deploy publishes changed layers through the stack: <service>-<stage>-* and LayerNames only.',
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
