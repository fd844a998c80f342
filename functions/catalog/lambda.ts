import { ARN } from './arns';
import { GROUP_ROLES as ALL, SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';

const source = `${SAR}list_awslambda.html`;
/** ManyLambdas (opt_many_lambdas of FormidableLabs/terraform-aws-serverless): developer and ci may also add and remove functions. */
const manyLambdas = { roles: ['developer', 'ci'] as const, when: (c: { manyLambdas: boolean }) => c.manyLambdas };
const functionArn = { ArnLike: { 'lambda:FunctionArn': [...ARN.functions] } };

export const lambda: readonly CatalogEntry[] = [
  {
    id: 'lambda.function-read', roles: ALL, source,
    actions: [
      'lambda:GetAlias', 'lambda:GetFunction', 'lambda:GetFunctionConcurrency', 'lambda:GetFunctionConfiguration',
      'lambda:GetFunctionEventInvokeConfig', 'lambda:GetFunctionUrlConfig', 'lambda:GetPolicy', 'lambda:ListAliases',
      'lambda:ListTags', 'lambda:ListVersionsByFunction',
    ],
    resources: [...ARN.functions],
    reason: 'deploy (change detection), deploy list functions, info and rollback function read the service\'s functions.',
  },
  {
    id: 'lambda.function-update', roles: ALL, source,
    actions: [
      'lambda:CreateAlias', 'lambda:InvokeFunction', 'lambda:PublishVersion',
      'lambda:PutFunctionConcurrency', 'lambda:PutFunctionEventInvokeConfig', 'lambda:TagResource', 'lambda:UntagResource', 'lambda:UpdateAlias', 'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration', 'lambda:UpdateFunctionEventInvokeConfig', 'lambda:UpdateFunctionUrlConfig',
    ],
    resources: [...ARN.functions],
    reason: 'deploy, deploy function, rollback function and invoke change code and configuration of existing functions.',
  },
  {
    id: 'lambda.function-permissions', roles: ALL, source,
    actions: ['lambda:AddPermission', 'lambda:RemovePermission'], resources: [...ARN.functions],
    condition: VIA_CLOUDFORMATION,
    reason: 'Who may invoke a function (events, URLs) changes only through the stack, never straight from the CLI.',
  },
  {
    id: 'lambda.version-prune', roles: ALL, source,
    actions: ['lambda:DeleteFunction'], resources: [...ARN.functionVersions],
    reason: 'pruneFunctionVersions and prune delete old versions; a qualified ARN never matches the function itself.',
  },
  {
    id: 'lambda.function-lifecycle', roles: ['admin'], alsoFor: manyLambdas, source,
    actions: [
      'lambda:CreateFunction', 'lambda:CreateFunctionUrlConfig', 'lambda:DeleteAlias', 'lambda:DeleteFunction',
      'lambda:DeleteFunctionConcurrency', 'lambda:DeleteFunctionEventInvokeConfig', 'lambda:DeleteFunctionUrlConfig',
    ],
    resources: [...ARN.functions],
    reason: 'Adding or removing a function (first deploy, sls remove) is admin\'s; ManyLambdas extends it to developer and ci.',
  },
  {
    id: 'lambda.list-functions', roles: ['admin'], alsoFor: manyLambdas, source,
    actions: ['lambda:ListFunctions'], resources: ['*'],
    reason: 'The console\'s function list (https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html); the action accepts no resource ARN.',
  },
  {
    id: 'lambda.event-source-mapping-read', roles: ALL, source,
    actions: ['lambda:GetEventSourceMapping'], resources: [ARN.eventSourceMappings],
    reason: 'CloudFormation reads mappings (random UUIDs) while it updates them; read-only.',
  },
  {
    id: 'lambda.event-source-mapping-list', roles: ALL, source,
    actions: ['lambda:ListEventSourceMappings'], resources: ['*'],
    reason: 'CloudFormation lists a function\'s mappings; the action accepts no resource ARN.',
  },
  {
    id: 'lambda.event-source-mapping-update', roles: ALL, source,
    actions: ['lambda:UpdateEventSourceMapping'], resources: [ARN.eventSourceMappings],
    condition: functionArn,
    reason: 'Changing batch size or filters of sqs/stream events updates mappings of this service\'s functions only.',
  },
  {
    id: 'lambda.event-source-mapping-create', roles: ['admin'], source,
    actions: ['lambda:CreateEventSourceMapping'], resources: ['*'],
    condition: functionArn,
    reason: 'Adding an sqs/stream event creates a mapping for this service\'s functions; the action accepts no resource ARN.',
  },
  {
    id: 'lambda.event-source-mapping-delete', roles: ['admin'], source,
    actions: ['lambda:DeleteEventSourceMapping'], resources: [ARN.eventSourceMappings],
    condition: functionArn,
    reason: 'Removing an sqs/stream event deletes the mapping of this service\'s function.',
  },
  {
    id: 'lambda.layers', roles: ALL, source,
    actions: [
      'lambda:AddLayerVersionPermission', 'lambda:DeleteLayerVersion', 'lambda:GetLayerVersion',
      'lambda:GetLayerVersionPolicy', 'lambda:PublishLayerVersion', 'lambda:RemoveLayerVersionPermission',
    ],
    resources: [...ARN.layers, ...ARN.layerVersions],
    reason: 'Each deploy publishes changed layers and deletes the replaced version: <service>-<stage>-* and LayerNames only.',
  },
  {
    id: 'lambda.layers-list', roles: ALL, source,
    actions: ['lambda:ListLayerVersions', 'lambda:ListLayers'], resources: ['*'],
    reason: 'Packaging compares layers with the last deployed version; the actions accept no resource ARN.',
  },
  {
    id: 'lambda.external-layer-read', roles: ALL, source,
    actions: ['lambda:GetLayerVersion'], resources: ['arn:{Partition}:lambda:*:*:layer:*:*'],
    reason: 'Functions that use a layer ARN from another account need GetLayerVersion on it; read-only.',
  },
];
