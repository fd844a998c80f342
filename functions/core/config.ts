/**
 * The Access resource's properties: their types, defaults (the README's property table) and validation.
 * `parseAccess` turns one raw resource into an `AccessConfig` of resolved literals, or throws
 * `InvalidResourceError`s that name the property and the fix.
 */
import { InvalidResourceError } from './errors';
import { resolveValue, UnresolvableError, type TransformContext } from './intrinsics';
import { parseRoles, type RolesConfig } from './roles';

export type DeploymentBucket =
  { readonly mode: 'generated' } | { readonly mode: 'custom'; readonly name: string } | { readonly mode: 'shared' };

export interface AccessConfig {
  readonly logicalId: string;
  readonly serviceName: string;
  readonly stage: string;
  readonly region: string;
  readonly iamRegion: string;
  readonly iamPartition: string;
  readonly iamAccountId: string;
  readonly iamStage: string;
  /** provider.apiGateway.stage: the REST API stage the CLI updates after each deploy (default: the stage). */
  readonly apiGatewayStage: string;
  readonly resourcePrefix: string;
  readonly slsServiceName: string;
  readonly stackName: string;
  readonly deploymentBucket: DeploymentBucket;
  readonly deploymentPrefix: string;
  /** Emit the resolver custom resource, so S3 statements name the exact bucket once it exists. */
  readonly resolveDeploymentBucket: boolean;
  /** Passed to the resolver as Token: change it to narrow the pattern after the first deploy. */
  readonly deploymentBucketToken?: string;
  readonly roleNames: { readonly admin: string; readonly developer: string; readonly ci: string };
  /** A custom execution role (the macro then creates none, but still attaches its policy). */
  readonly lambdaRoleName?: string;
  readonly manyLambdas: boolean;
  /** CreateApiGatewayCloudWatchRole: the custom resource may create the account's API Gateway CloudWatch role. */
  readonly createApiGatewayCloudWatchRole: boolean;
  readonly disableGroups: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** Function names chosen in serverless.yml (`functions.<fn>.name`) outside `<service>-<stage>-*`. */
  readonly functionNames: readonly string[];
  /** Layer names outside `<service>-<stage>-*`, such as the framework's default (the bare layer key). */
  readonly layerNames: readonly string[];
  /** SNS topics the service creates outside `<service>-<stage>-*` (sns events by name, resources TopicName). */
  readonly topicNames: readonly string[];
  /** SNS topics (ARNs) of other owners the service only subscribes to (sns events with an arn). */
  readonly subscribedTopicArns: readonly string[];
  readonly queueNames: readonly string[];
  readonly streamNames: readonly string[];
  /** Buckets of the service's s3 events (created by the stack, or `existing: true`). */
  readonly eventBucketNames: readonly string[];
  /** EventBridge buses outside `<service>-<stage>-*` the service puts rules on (eventBridge.eventBus). */
  readonly eventBusNames: readonly string[];
  /** Log groups of other owners the service subscribes to (cloudwatchLog events). */
  readonly subscribedLogGroupNames: readonly string[];
  /** Layer versions of other services or accounts the functions use (functions.<fn>.layers ARNs). */
  readonly externalLayerArns: readonly string[];
  /** Roles the functions run as besides the macro's and the framework's default (provider.iam.role.name). */
  readonly executionRoleNames: readonly string[];
  /** Event types the service uses whose statements are granted only on request (alb, cloudFront, iot, ...). */
  readonly events: readonly string[];
  /** ALB listeners the service's alb events add rules to (functions.<fn>.events[].alb.listenerArn). */
  readonly albListenerArns: readonly string[];
  /**
   * Resource types the service's stack holds besides the framework's defaults (serverless.yml `resources:`, and
   * AWS::Lambda::LayerVersionPermission for layers with allowedAccounts): grants whose handlers share a resource
   * with other accounts are given only for the types listed.
   */
  readonly resourceTypes: readonly string[];
  /** provider.iam.deploymentRole: CloudFormation then acts with this role, which the groups may pass. */
  readonly deploymentRoleArn?: string;
  /**
   * DeploymentRoles: the macro creates two CloudFormation service roles (core/deployment-role.ts), admin's lifecycle
   * role and developer's and ci's update role; each group may update its stack only with its own.
   */
  readonly deploymentRoles: boolean;
  /**
   * How the service's roles are bounded: 'macro' (default: the macro creates the boundary policy, see
   * core/boundary.ts), 'external' (PermissionsBoundary names the user's policy), 'none' (opted out).
   */
  readonly boundary: 'macro' | 'external' | 'none';
  /** The user's boundary policy ARN (boundary 'external' only). */
  readonly permissionsBoundary?: string;
  /** Statements the macro's boundary adds for what the code may touch outside the service's own names. */
  readonly boundaryStatements: readonly BoundaryStatement[];
  /** Buckets of `existing: true` S3 events: the framework's custom resource writes their notifications. */
  readonly existingBuckets: readonly string[];
  /** Ids of the Cognito user pools of `existing: true` cognitoUserPool events. */
  readonly existingUserPoolIds: readonly string[];
  /** Roles: who may assume an admin, developer or ci role carrying the group's policies (functions/core/roles.ts). */
  readonly roles: RolesConfig;
  /** Path of the group policies (IAM Identity Center permission sets reference a customer managed policy by name and path). */
  readonly policyPath: string;
  /** Raw (resolved) values of submodule properties, validated by each submodule. */
  readonly submoduleProperties: Readonly<Record<string, unknown>>;
}

/** One statement of BoundaryStatements, as written (Action and Resource normalised to lists). */
export interface BoundaryStatement {
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

type Kind = 'string' | 'boolean' | 'tags' | 'bucket' | 'list' | 'statements' | 'roles';
export interface PropertySpec {
  readonly kind: Kind;
  readonly pattern?: RegExp;
  readonly patternHelp?: string;
  readonly maxLength?: number;
  /** One line for people (README, registry schema, `serverless-access lint`). */
  readonly description: string;
  /** The literal default, when there is one (derived defaults are said in the description). */
  readonly default?: string | boolean;
  readonly required?: true;
}

// Names the framework accepts (lib/config-schema.js, lib/utils/stage-pattern.js), plus IAM's wildcards where
// the property only feeds ARNs.
const SERVICE = {
  pattern: /^[a-zA-Z][0-9a-zA-Z-]+$/,
  patternHelp: 'must start with a letter and hold only letters, digits and hyphens (as serverless.yml `service`)',
};
const STAGE = {
  pattern: /^[A-Za-z0-9-]+$/,
  patternHelp: "must hold only letters, digits and hyphens (as the framework's --stage)",
};
const IAM_SEGMENT = {
  pattern: /^[A-Za-z0-9-*?]+$/,
  patternHelp: 'must hold only letters, digits, hyphens and the IAM wildcards * and ?',
};
const NAME_PART = {
  pattern: /^[A-Za-z0-9+=,.@_-]+$/,
  patternHelp: 'must hold only characters IAM allows in names: letters, digits and +=,.@_-',
};

/** The property model: parseAccess validates with it, scripts/lib/registry-schema.ts turns it into the registry schema. */
export const CORE_PROPERTIES: Readonly<Record<string, PropertySpec>> = {
  ServiceName: {
    kind: 'string',
    ...SERVICE,
    maxLength: 100,
    required: true,
    description:
      'Base name of the service (serverless.yml `service:` is SlsServiceName, sls-<ServiceName> by default).',
  },
  Stage: {
    kind: 'string',
    ...STAGE,
    maxLength: 100,
    default: 'development',
    description: 'Stage (provider.stage); names the groups, policies and role.',
  },
  Region: {
    kind: 'string',
    pattern: /^[a-z]{2}(-[a-z]+)+-\d$/,
    patternHelp: 'must be an AWS region such as us-east-1',
    description:
      "Where the service is deployed (the v4 shared bucket and its parameter); the stack's region by default.",
  },
  IamRegion: {
    kind: 'string',
    pattern: /^([a-z0-9-*?]+)$/,
    patternHelp: 'must be a region or an IAM wildcard such as *',
    description: 'Region segment of every regional ARN; Region by default (* for every region, an explicit choice).',
  },
  IamPartition: {
    kind: 'string',
    pattern: /^(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|\*)$/,
    patternHelp: 'must be a partition (aws, aws-cn, aws-us-gov, ...) or *',
    default: '*',
    description: 'Partition segment of every ARN.',
  },
  IamAccountId: {
    kind: 'string',
    pattern: /^(\d{12}|\*)$/,
    patternHelp: 'must be a 12-digit account id or *',
    description: "Account segment of every ARN; the stack's account by default.",
  },
  IamStage: {
    kind: 'string',
    ...IAM_SEGMENT,
    maxLength: 100,
    description: 'Stage segment of ARNs, Stage by default; a wildcard (pr-*) allows dynamic stages.',
  },
  ApiGatewayStage: {
    kind: 'string',
    pattern: /^[A-Za-z0-9_*?-]+$/,
    patternHelp:
      'must be a REST API stage name (provider.apiGateway.stage: letters, digits, hyphens and underscores; IAM wildcards allowed)',
    maxLength: 128,
    description:
      'provider.apiGateway.stage: the REST API stage the CLI updates after each deploy; IamStage by default.',
  },
  ResourcePrefix: {
    kind: 'string',
    ...NAME_PART,
    maxLength: 100,
    description: 'Names of what the macro creates, <ResourcePrefix>-<Stage>-<role>; cf-<ServiceName> by default.',
  },
  SlsServiceName: {
    kind: 'string',
    ...SERVICE,
    maxLength: 100,
    description: '`service:` in serverless.yml; sls-<ServiceName> by default.',
  },
  StackName: {
    kind: 'string',
    pattern: /^[a-zA-Z][a-zA-Z0-9-*?]*$/,
    patternHelp: 'must be a CloudFormation stack name (letters, digits, hyphens; IAM wildcards allowed)',
    maxLength: 128,
    description: 'provider.stackName; <SlsServiceName>-<IamStage> by default.',
  },
  DeploymentBucket: {
    kind: 'bucket',
    description:
      "A bucket name (provider.deploymentBucket), {Name: bucket}, or {Shared: true} for Serverless v4's shared bucket; the framework's generated bucket by default.",
  },
  ResolveDeploymentBucket: {
    kind: 'boolean',
    default: true,
    description:
      'Emit the resolver custom resource that narrows the S3 statements to the deployment bucket (off when DeploymentBucket names a bucket).',
  },
  DeploymentBucketToken: {
    kind: 'string',
    pattern: /^[\x20-\x7e]{1,256}$/,
    patternHelp: 'must be 1-256 printable characters (any value; change it to re-resolve the bucket)',
    description: 'Change it to re-resolve the deployment bucket (narrow to the exact name after the first deploy).',
  },
  DeploymentPrefix: {
    kind: 'string',
    // No `*`: the prefix becomes part of S3 ARNs, where `*` is an IAM wildcard (a silently wider grant).
    pattern: /^[A-Za-z0-9!_.'()-]+(\/[A-Za-z0-9!_.'()-]+)*$/,
    patternHelp:
      "must be an S3 key prefix without leading or trailing slash (as provider.deploymentPrefix), letters, digits and !_.'()- only: `*` would be an IAM wildcard in the granted ARNs",
    default: 'serverless',
    description: 'provider.deploymentPrefix.',
  },
  RoleAdminName: {
    kind: 'string',
    ...NAME_PART,
    maxLength: 64,
    default: 'admin',
    description: "Suffix of the admin group's name.",
  },
  RoleDeveloperName: {
    kind: 'string',
    ...NAME_PART,
    maxLength: 64,
    default: 'developer',
    description: "Suffix of the developer group's name.",
  },
  RoleCiName: {
    kind: 'string',
    ...NAME_PART,
    maxLength: 64,
    default: 'ci',
    description: "Suffix of the ci group's name.",
  },
  LambdaRoleName: {
    kind: 'string',
    pattern: /^[A-Za-z0-9+=,.@_-]{1,64}$/,
    patternHelp: 'must be an IAM role name (1-64 characters of letters, digits and +=,.@_-)',
    description: 'A custom execution role: the macro then creates none and attaches its run-time policy to this one.',
  },
  ManyLambdas: {
    kind: 'boolean',
    default: false,
    description: 'Developer and ci may also add and remove functions and their log groups.',
  },
  CreateApiGatewayCloudWatchRole: {
    kind: 'boolean',
    default: false,
    description:
      "provider.logs.restApi without role or roleManagedExternally: the framework's custom resource may create role/serverlessApiGatewayCloudWatchRole and set it as the region's API Gateway logging role. Costs: whoever may change the custom-resource code (developer and ci, through the stack) can then create that role with any trust while it does not exist (logs:Get/Filter on every log group) and repoint or clear the region's logging role. Leave it off: create the role once and set roleManagedExternally: true.",
  },
  DisableGroups: {
    kind: 'boolean',
    default: false,
    description: 'Policies only, no groups (federated or assume-role set-ups); the policy ARNs become outputs.',
  },
  Tags: { kind: 'tags', description: 'Tags on every created resource that takes tags, plus service and stage.' },
  FunctionNames: {
    kind: 'list',
    pattern: /^[a-zA-Z0-9-_]{1,64}$/,
    patternHelp:
      'must be a Lambda function name (functions.<fn>.name: up to 64 letters, digits, hyphens and underscores)',
    description: 'Function names chosen with functions.<fn>.name outside <service>-<stage>-*.',
  },
  ExecutionRoleNames: {
    kind: 'list',
    pattern: /^[A-Za-z0-9+=,.@_-]{1,64}$/,
    patternHelp: "must be an IAM role name (provider.iam.role.name, or a function's own role)",
    description: "Roles the functions run as besides the macro's and the framework's default (provider.iam.role.name).",
  },
  TopicNames: {
    kind: 'list',
    pattern: /^[A-Za-z0-9_-]{1,256}$/,
    patternHelp:
      "must be an SNS topic name (letters, digits, hyphens and underscores: an sns event's topic name, or TopicName of an AWS::SNS::Topic in resources); a topic the service only subscribes to by ARN belongs in SubscribedTopicArns",
    description:
      'SNS topics outside <service>-<stage>-* the service CREATES (sns events by name, resources TopicName): admin creates, tags and deletes them, every group changes their attributes and policy through the stack. Never list a topic of another owner here: SubscribedTopicArns.',
  },
  SubscribedTopicArns: {
    kind: 'list',
    pattern: /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
    patternHelp:
      'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>: the arn of an sns event on a topic the service does not create)',
    description:
      "SNS topics of other owners the service only subscribes to (sns events with an arn): admin subscribes and unsubscribes the service's own functions or queues through the stack, every group changes those subscriptions; never the topic's attributes, policy, tags or the topic itself.",
  },
  QueueNames: {
    kind: 'list',
    pattern: /^(?:[A-Za-z0-9_-]{1,80}|[A-Za-z0-9_-]{1,75}\.fifo)$/,
    patternHelp:
      'must be an SQS queue name (QueueName of an AWS::SQS::Queue in resources: letters, digits, hyphens and underscores, .fifo for FIFO queues)',
    description: 'SQS queues outside <service>-<stage>-* the service declares (resources: AWS::SQS::Queue QueueName).',
  },
  StreamNames: {
    kind: 'list',
    pattern: /^[a-zA-Z0-9_.-]{1,128}$/,
    patternHelp: 'must be a Kinesis stream name (the stream of a stream event with consumer: true, from its arn)',
    description:
      'Kinesis streams outside <service>-<stage>-* the service registers consumers on (stream events, consumer: true).',
  },
  EventBucketNames: {
    kind: 'list',
    pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    patternHelp: "must be an S3 bucket name (an s3 event's bucket)",
    description: 'Buckets of s3 events (created by the stack or existing: true).',
  },
  EventBusNames: {
    kind: 'list',
    pattern: /^[A-Za-z0-9._-]{1,256}$/,
    patternHelp: 'must be an EventBridge bus name (eventBridge.eventBus; not default, which is always allowed)',
    description: 'EventBridge buses outside <service>-<stage>-* the service puts rules on.',
  },
  SubscribedLogGroupNames: {
    kind: 'list',
    pattern: /^[A-Za-z0-9_./#-]{1,512}$/,
    patternHelp: "must be a log group name (a cloudwatchLog event's logGroup)",
    description: 'Log groups of other owners the service subscribes to (cloudwatchLog events).',
  },
  ExternalLayerArns: {
    kind: 'list',
    pattern: /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]{1,140}:(\d+|\*)$/,
    patternHelp:
      'must be a layer version ARN (arn:aws:lambda:<region>:<account>:layer:<name>:<version>, or :* for every version)',
    description: 'Layer version ARNs of other services or accounts the functions use.',
  },
  LayerNames: {
    kind: 'list',
    pattern: /^[a-zA-Z0-9-_]{1,140}$/,
    patternHelp: 'must be a Lambda layer name (layers.<key>.name, or the bare key the framework uses by default)',
    description: 'Layer names outside <service>-<stage>-*, e.g. the bare layer key the framework uses by default.',
  },
  Events: {
    kind: 'list',
    pattern: /^(alb|cloudFront|cognitoUserPool|iot|iotFleetProvisioning)$/,
    patternHelp:
      'must be an event type whose statements are granted on request: alb, cloudFront, cognitoUserPool, iot or iotFleetProvisioning (serverless.yml functions.<fn>.events)',
    description:
      'Event types whose statements only services using them get: alb, cloudFront, cognitoUserPool, iot, iotFleetProvisioning.',
  },
  AlbListenerArns: {
    kind: 'list',
    pattern:
      /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:listener\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}\/[0-9a-f]{16}$/,
    patternHelp: "must be the ARN of an Application Load Balancer listener (an alb event's listenerArn)",
    description:
      "ALB listeners the service's alb events add rules to (their listenerArn): only admin, only through the stack.",
  },
  ResourceTypes: {
    kind: 'list',
    pattern: /^(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+|Custom::[A-Za-z0-9_@-]{1,60})$/,
    patternHelp:
      'must be a CloudFormation resource type such as AWS::Lambda::LayerVersionPermission (a Type of serverless.yml resources.Resources, or AWS::Lambda::LayerVersionPermission for layers with allowedAccounts)',
    description:
      "Resource types the service's stack holds besides the framework's defaults (serverless.yml resources, AWS::Lambda::LayerVersionPermission for layers with allowedAccounts); layer sharing is granted only when listed.",
  },
  DeploymentRoleArn: {
    kind: 'string',
    pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/,
    patternHelp: 'must be the ARN of an IAM role (provider.iam.deploymentRole)',
    description: 'provider.iam.deploymentRole: every group may pass it to CloudFormation, and only there.',
  },
  DeploymentRoles: {
    kind: 'boolean',
    default: false,
    description:
      "The macro creates two CloudFormation service roles: admin's lifecycle role and developer's and ci's update-only role (provider.iam.deploymentRole); each group may run its stack only with its own.",
  },
  PermissionsBoundary: {
    kind: 'string',
    pattern: /^(arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[A-Za-z0-9+=,.@_/-]{1,512}|none)$/,
    patternHelp:
      'must be the ARN of your own boundary policy (provider.iam.role.permissionsBoundary), or none to create the roles unbounded; omit it to use the boundary the macro creates',
    description:
      "The boundary every role the service's stack creates must carry: the one the macro creates by default, your own policy's ARN, or none (unbounded: admin can then give the service's roles any permission).",
  },
  BoundaryStatements: {
    kind: 'statements',
    description:
      "Extra IAM statements the service's code may need inside the boundary (its own data stores and other declared resources); no iam:/sts: actions, no service:* and no bare * resource.",
  },
  ExistingBuckets: {
    kind: 'list',
    pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    patternHelp: 'must be an S3 bucket name (functions.<fn>.events[].s3.bucket with existing: true)',
    description:
      "Existing buckets the service's s3 events (existing: true) configure notifications on, through the framework's custom resource.",
  },
  ExistingUserPoolIds: {
    kind: 'list',
    pattern: /^[a-z]{2}(-[a-z]+)+-\d_[0-9a-zA-Z]+$/,
    patternHelp:
      'must be a Cognito user pool id such as us-east-1_AbCdEfGhI (cognitoUserPool events with existing: true)',
    description:
      "Existing Cognito user pools the service's cognitoUserPool events (existing: true) add triggers to, through the framework's custom resource.",
  },
  Roles: {
    kind: 'roles',
    description:
      'Roles people or CI assume instead of joining groups: {Admin, Developer, Ci}, each with Principals (IAM Identity Center, roles, users), GitHub or GitLab (OIDC).',
  },
  PolicyPath: {
    kind: 'string',
    pattern: /^\/(?:[\x21-\x2e\x30-\x7e]+\/)*$/,
    patternHelp:
      "must be an IAM path: starting and ending with /, such as /formidable/ (what a permission set's CustomerManagedPolicyReferences Path names)",
    maxLength: 512,
    default: '/',
    description:
      "IAM path of the managed policies (what an IAM Identity Center permission set's CustomerManagedPolicyReferences name).",
  },
};

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** IAM limits on what the macro names (IAM quotas page): groups and policies 128, roles 64. */
export const IAM_NAME_LIMITS = { group: 128, policy: 128, role: 64 } as const;

/** true/false, also as the strings template parameters arrive as. */
export function asBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true'; // parameters always arrive as strings
  return undefined;
}

/**
 * A list property: a YAML list, or a CommaDelimitedList parameter's value (one comma-separated string, blank
 * items dropped). Each item must be a non-empty string, matching `spec.pattern` when given; a fault names the
 * item (`Path[i]`) and goes to `fail`. Repeats are dropped, the first kept.
 */
export function parseStringList(
  path: string,
  v: unknown,
  fail: (path: string, detail: string) => void,
  spec: Pick<PropertySpec, 'pattern' | 'patternHelp'> = {},
): string[] {
  if (v === undefined) return [];
  const items =
    typeof v === 'string'
      ? v
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : v; // CommaDelimitedList parameters
  if (!Array.isArray(items))
    return (fail(path, 'should be a list of strings (a YAML list or a comma-separated string).'), []);
  const out: string[] = [];
  items.forEach((item: unknown, i) => {
    if (typeof item !== 'string' || item === '')
      fail(`${path}[${i}]`, `should be a non-empty string, not ${JSON.stringify(item)}.`);
    else if (spec.pattern && !spec.pattern.test(item)) fail(`${path}[${i}]`, `'${item}' ${spec.patternHelp}.`);
    else out.push(item);
  });
  return [...new Set(out)];
}

/** Whether a submodule property's value turns the submodule on: anything but absent, false or 'false'. */
export function isSubmoduleOn(value: unknown): boolean {
  return value !== undefined && value !== false && value !== 'false';
}

/**
 * Parse one Access resource. `submodulePropertyNames` are the extra properties the submodules own;
 * they are resolved here and validated by their submodule.
 */
export function parseAccess(
  logicalId: string,
  resource: Record<string, unknown>,
  ctx: TransformContext,
  submodulePropertyNames: readonly string[],
): AccessConfig {
  const errors: InvalidResourceError[] = [];
  const fail = (key: string | undefined, detail: string) =>
    errors.push(new InvalidResourceError(logicalId, key, detail));

  const raw = resource.Properties;
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AggregateInvalid([
      new InvalidResourceError(
        logicalId,
        undefined,
        'has no Properties map; add Properties with at least ServiceName.',
      ),
    ]);
  }
  const props = raw as Record<string, unknown>;
  const known = new Set([...Object.keys(CORE_PROPERTIES), ...submodulePropertyNames]);
  for (const key of Object.keys(props)) {
    if (!known.has(key)) {
      const hint = [...known].find((k) => k.toLowerCase() === key.toLowerCase());
      fail(
        key,
        `is not a property of Formidable::Serverless::Access${hint ? `; did you mean '${hint}'?` : `; known properties are ${[...known].sort().join(', ')}.`}`,
      );
    }
  }

  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (!known.has(key)) continue;
    try {
      values[key] = resolveValue(value, ctx);
    } catch (e) {
      if (e instanceof UnresolvableError) fail(key, `${e.message}.`);
      else throw e;
    }
  }

  const str = (key: string): string | undefined => {
    const spec = CORE_PROPERTIES[key];
    const v = values[key];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && key !== 'IamAccountId') return str2(key, String(v), spec);
    // YAML reads an unquoted 012345678901 as a number and drops the leading zero (or worse): make the user quote it.
    if (typeof v === 'number')
      return (fail(key, `should be a quoted string ('${v}'): an unquoted account id loses leading zeros.`), undefined);
    if (typeof v !== 'string') {
      fail(key, `should be a string, not ${Array.isArray(v) ? 'a list' : typeof v}.`);
      return undefined;
    }
    return str2(key, v, spec);
  };
  const str2 = (key: string, v: string, spec: PropertySpec): string | undefined => {
    if (v === '') return (fail(key, 'should not be empty; remove it to use the default.'), undefined);
    if (spec.maxLength && v.length > spec.maxLength)
      return (fail(key, `is ${v.length} characters long; at most ${spec.maxLength} are allowed.`), undefined);
    if (spec.pattern && !spec.pattern.test(v)) return (fail(key, `'${v}' ${spec.patternHelp}.`), undefined);
    return v;
  };
  const bool = (key: string, fallback = false): boolean => {
    const v = values[key];
    if (v === undefined) return fallback;
    const b = asBoolean(v);
    if (b === undefined) fail(key, `should be true or false, not ${JSON.stringify(v)}.`);
    return b ?? false;
  };

  const list = (key: string): string[] => parseStringList(key, values[key], fail, CORE_PROPERTIES[key]).sort();
  const serviceName = str('ServiceName');
  if (props.ServiceName === undefined)
    fail(
      'ServiceName',
      "is required: the service's base name (serverless.yml `service` is SlsServiceName, default sls-<ServiceName>).",
    );
  const stage = str('Stage') ?? 'development';
  const region = str('Region') ?? ctx.region;
  const iamStage = str('IamStage') ?? stage;
  const resourcePrefix = str('ResourcePrefix') ?? `cf-${serviceName ?? ''}`;
  const slsServiceName = str('SlsServiceName') ?? `sls-${serviceName ?? ''}`;
  const stackName = str('StackName') ?? `${slsServiceName}-${iamStage}`;
  // The framework's default stack name, <service>-<stage>, is refused by CloudFormation past 128 characters: such a
  // service must set provider.stackName, and the Access resource StackName with it.
  if (props.StackName === undefined && stackName.length > 128) {
    fail(
      'StackName',
      `is required here: the default '<SlsServiceName>-<IamStage>' is ${stackName.length} characters long and CloudFormation allows 128. Set provider.stackName in serverless.yml and StackName to the same name.`,
    );
  }
  const deploymentBucket = parseBucket(values.DeploymentBucket, fail);
  const roleNames = {
    admin: str('RoleAdminName') ?? 'admin',
    developer: str('RoleDeveloperName') ?? 'developer',
    ci: str('RoleCiName') ?? 'ci',
  };
  const tags = parseTags(values.Tags, fail);

  if (new Set(Object.values(roleNames)).size < 3) {
    fail(
      'RoleAdminName',
      `must differ from RoleDeveloperName and RoleCiName: the three name separate groups (got ${Object.values(roleNames).join(', ')}).`,
    );
  }

  const submoduleProperties: Record<string, unknown> = {};
  for (const name of submodulePropertyNames) if (values[name] !== undefined) submoduleProperties[name] = values[name];

  const config: AccessConfig = {
    logicalId,
    serviceName: serviceName ?? '',
    stage,
    region,
    // The service lives in one region: its ARNs name it (IamRegion: '*' keeps every region, an explicit choice).
    iamRegion: str('IamRegion') ?? region,
    iamPartition: str('IamPartition') ?? '*',
    iamAccountId: str('IamAccountId') ?? ctx.accountId,
    iamStage,
    apiGatewayStage: str('ApiGatewayStage') ?? iamStage,
    resourcePrefix,
    slsServiceName,
    stackName,
    deploymentBucket,
    deploymentPrefix: str('DeploymentPrefix') ?? 'serverless',
    // A named bucket needs no resolving; the generated and the v4 shared bucket do.
    resolveDeploymentBucket: deploymentBucket.mode !== 'custom' && bool('ResolveDeploymentBucket', true),
    // An empty token (a parameter's empty default) means none yet.
    deploymentBucketToken: values.DeploymentBucketToken === '' ? undefined : str('DeploymentBucketToken'),
    roleNames,
    lambdaRoleName: str('LambdaRoleName'),
    manyLambdas: bool('ManyLambdas'),
    createApiGatewayCloudWatchRole: bool('CreateApiGatewayCloudWatchRole'),
    disableGroups: bool('DisableGroups'),
    tags,
    functionNames: list('FunctionNames'),
    layerNames: list('LayerNames'),
    topicNames: list('TopicNames'),
    subscribedTopicArns: list('SubscribedTopicArns'),
    queueNames: list('QueueNames'),
    streamNames: list('StreamNames'),
    eventBucketNames: list('EventBucketNames'),
    eventBusNames: list('EventBusNames'),
    subscribedLogGroupNames: list('SubscribedLogGroupNames'),
    externalLayerArns: list('ExternalLayerArns'),
    executionRoleNames: list('ExecutionRoleNames'),
    events: list('Events'),
    albListenerArns: list('AlbListenerArns'),
    resourceTypes: list('ResourceTypes'),
    deploymentRoleArn: str('DeploymentRoleArn'),
    deploymentRoles: bool('DeploymentRoles'),
    ...boundaryOf(str('PermissionsBoundary'), values, fail),
    existingBuckets: list('ExistingBuckets'),
    existingUserPoolIds: list('ExistingUserPoolIds'),
    roles: parseRoles(values.Roles, fail),
    policyPath: str('PolicyPath') ?? '/',
    submoduleProperties,
  };
  deploymentRolesConflicts(config, fail);
  ownedAndSubscribedTopics(config, fail);
  if (errors.length) throw new AggregateInvalid(errors);
  return config;
}

/**
 * A topic is either the service's (TopicNames: it creates it, and gets the owner's calls) or another owner's it
 * subscribes to (SubscribedTopicArns: the subscriber's calls only); a topic of this region and account in both lists
 * would hand the owner's calls on a topic the Access resource itself says belongs to someone else.
 */
function ownedAndSubscribedTopics(c: AccessConfig, fail: (k: string, d: string) => void): void {
  for (const arn of c.subscribedTopicArns) {
    const [, , , region, account, name] = arn.split(':');
    const here = region === c.region && (c.iamAccountId === '*' || account === c.iamAccountId);
    if (here && c.topicNames.includes(name))
      fail(
        'TopicNames',
        `lists '${name}', which SubscribedTopicArns names as a topic the service only subscribes to (${arn}): keep a topic the service creates in TopicNames and one of another owner in SubscribedTopicArns, not in both.`,
      );
  }
}

/**
 * DeploymentRoles excludes an external deployment role (one stack role at a time), and the framework's custom
 * resources: with provider.iam.deploymentRole the framework runs them as that role (custom-resources/index.js), and
 * the macro's roles trust CloudFormation only, so no code ever runs as them.
 */
function deploymentRolesConflicts(c: AccessConfig, fail: (k: string, d: string) => void): void {
  if (!c.deploymentRoles) return;
  if (c.deploymentRoleArn)
    fail(
      'DeploymentRoles',
      "and DeploymentRoleArn both choose the stack's service role: DeploymentRoles makes the macro create them, DeploymentRoleArn names your own. Remove one of the two.",
    );
  for (const key of ['ExistingBuckets', 'ExistingUserPoolIds'] as const) {
    const list = key === 'ExistingBuckets' ? c.existingBuckets : c.existingUserPoolIds;
    if (list.length)
      fail(
        key,
        `needs the framework's custom resources, which run as provider.iam.deploymentRole; the roles DeploymentRoles creates trust CloudFormation only, so no code runs as them. Remove ${key} (create the bucket or pool in the stack instead), or DeploymentRoles.`,
      );
  }
}

/** Actions a boundary statement may never allow: the boundary is a ceiling below IAM, STS and the account. */
const FORBIDDEN_BOUNDARY_ACTIONS = /^(\*|iam:.*|sts:.*|organizations:.*|account:.*|[a-z0-9-]+:\*)$/i;

function boundaryOf(
  permissionsBoundary: string | undefined,
  values: Record<string, unknown>,
  fail: (k: string, d: string) => void,
): Pick<AccessConfig, 'boundary' | 'permissionsBoundary' | 'boundaryStatements'> {
  const boundary = permissionsBoundary === undefined ? 'macro' : permissionsBoundary === 'none' ? 'none' : 'external';
  const raw = values.BoundaryStatements;
  if (raw === undefined)
    return {
      boundary,
      permissionsBoundary: boundary === 'external' ? permissionsBoundary : undefined,
      boundaryStatements: [],
    };
  if (boundary !== 'macro') {
    fail(
      'BoundaryStatements',
      `extends the boundary the macro creates; with PermissionsBoundary: ${permissionsBoundary} there is none. Remove BoundaryStatements, or PermissionsBoundary to use the macro's boundary.`,
    );
    return { boundary, permissionsBoundary, boundaryStatements: [] };
  }
  if (!Array.isArray(raw)) {
    fail(
      'BoundaryStatements',
      "should be a list of {Action, Resource, Condition} statements (what the code may do outside the service's own names).",
    );
    return { boundary, boundaryStatements: [] };
  }
  const out: BoundaryStatement[] = [];
  raw.forEach((st, i) => {
    const key = `BoundaryStatements[${i}]`;
    if (!st || typeof st !== 'object' || Array.isArray(st))
      return fail(key, 'should be a map with Action, Resource and optionally Condition.');
    const o = st as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => !['Action', 'Resource', 'Condition'].includes(k));
    if (extra.length)
      return fail(
        `${key}.${extra[0]}`,
        'is not allowed: a boundary statement has Action, Resource and Condition only (always Effect: Allow; no NotAction or NotResource).',
      );
    const strings = (v: unknown) =>
      typeof v === 'string'
        ? [v]
        : Array.isArray(v) && v.length && v.every((x) => typeof x === 'string')
          ? (v as string[])
          : undefined;
    const actions = strings(o.Action);
    const resources = strings(o.Resource);
    if (!actions) return fail(`${key}.Action`, 'should be an action or a list of actions such as dynamodb:GetItem.');
    if (!resources) return fail(`${key}.Resource`, 'should be an ARN or a list of ARNs.');
    const badAction = actions.find((a) => !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(a) || FORBIDDEN_BOUNDARY_ACTIONS.test(a));
    if (badAction)
      return fail(
        `${key}.Action`,
        `'${badAction}' is not allowed: name the actions (service:Action), never a whole service, and never iam, sts, organizations or account actions.`,
      );
    const badResource = resources.find(
      (r) =>
        !/^arn:[a-z*-]+:[a-z0-9-]+:[a-z0-9-*]*:(\d{12}|\*|aws)?:.+$/.test(r) ||
        /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(r),
    );
    if (badResource)
      return fail(
        `${key}.Resource`,
        `'${badResource}' should be the ARN (or ARN pattern) of a resource, not everything of a service: name the table, bucket, queue, key...`,
      );
    let condition: BoundaryStatement['Condition'];
    if (o.Condition !== undefined) {
      const c = o.Condition;
      const ok =
        c &&
        typeof c === 'object' &&
        !Array.isArray(c) &&
        Object.values(c).every(
          (keys) =>
            keys &&
            typeof keys === 'object' &&
            !Array.isArray(keys) &&
            Object.values(keys as object).every(
              (v) => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
            ),
        );
      if (!ok)
        return fail(`${key}.Condition`, 'should be an IAM condition block: {Operator: {key: value or [values]}}.');
      condition = c as BoundaryStatement['Condition'];
    }
    out.push({
      Action: [...new Set(actions)].sort(),
      Resource: [...new Set(resources)],
      ...(condition ? { Condition: condition } : {}),
    });
  });
  return { boundary, boundaryStatements: out };
}

function parseBucket(v: unknown, fail: (k: string, d: string) => void): DeploymentBucket {
  if (v === undefined) return { mode: 'generated' };
  const help =
    'should be a bucket name (provider.deploymentBucket), {Name: <bucket>}, or {Shared: true} for the Serverless Framework v4 shared bucket';
  let name: unknown = v;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'Name' && k !== 'Shared');
    if (extra.length)
      return (fail(`DeploymentBucket.${extra[0]}`, `is not known; DeploymentBucket ${help}.`), { mode: 'generated' });
    if (o.Shared !== undefined) {
      if (asBoolean(o.Shared) !== true || o.Name !== undefined)
        return (
          fail('DeploymentBucket.Shared', 'should be true, alone; omit DeploymentBucket for the per-stack bucket.'),
          { mode: 'generated' }
        );
      return { mode: 'shared' };
    }
    name = o.Name;
  }
  if (typeof name !== 'string') return (fail('DeploymentBucket', `${help}.`), { mode: 'generated' });
  if (!BUCKET_NAME.test(name) || name.includes('..')) {
    return (
      fail(
        'DeploymentBucket',
        `'${name}' is not a valid S3 bucket name (3-63 lower-case letters, digits, dots and hyphens).`,
      ),
      { mode: 'generated' }
    );
  }
  return { mode: 'custom', name };
}

function parseTags(v: unknown, fail: (k: string, d: string) => void): Record<string, string> {
  if (v === undefined) return {};
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    v.forEach((t, i) => {
      const tag = t as Record<string, unknown>;
      if (!tag || typeof tag.Key !== 'string' || typeof tag.Value !== 'string')
        fail(`Tags[${i}]`, 'should be {Key: string, Value: string}.');
      else out[tag.Key] = tag.Value;
    });
    return out;
  }
  if (typeof v !== 'object' || v === null) return (fail('Tags', 'should be a map of tag names to string values.'), out);
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') fail(`Tags.${k}`, `should be a string, not ${typeof val}.`);
    else if (k.length > 128 || val.length > 256)
      fail(`Tags.${k}`, 'is too long: tag keys hold at most 128 characters and values 256.');
    else if (k.toLowerCase().startsWith('aws:'))
      fail(`Tags.${k}`, "uses the reserved prefix 'aws:'; choose another key.");
    else out[k] = val;
  }
  return out;
}

/** Several errors of one resource, thrown together. */
export class AggregateInvalid extends Error {
  override name = 'AggregateInvalid';
  constructor(readonly errors: readonly InvalidResourceError[]) {
    super(errors.map((e) => e.message).join(' '));
  }
}
