/**
 * The Access resource's properties: their types, defaults (the anchor's, see README) and validation.
 * `parseAccess` turns one raw resource into an `AccessConfig` of resolved literals, or throws
 * `InvalidResourceError`s that name the property and the fix.
 */
import { InvalidResourceError } from './errors';
import { resolveValue, UnresolvableError, type TransformContext } from './intrinsics';
import { parseRoles, type RolesConfig } from './roles';

export type DeploymentBucket =
  | { readonly mode: 'generated' }
  | { readonly mode: 'custom'; readonly name: string }
  | { readonly mode: 'shared' };

export interface AccessConfig {
  readonly logicalId: string;
  readonly serviceName: string;
  readonly stage: string;
  readonly region: string;
  readonly iamRegion: string;
  readonly iamPartition: string;
  readonly iamAccountId: string;
  readonly iamStage: string;
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
  readonly disableGroups: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** Function names chosen in serverless.yml (`functions.<fn>.name`) outside `<service>-<stage>-*`. */
  readonly functionNames: readonly string[];
  /** Layer names outside `<service>-<stage>-*`, such as the framework's default (the bare layer key). */
  readonly layerNames: readonly string[];
  /** Roles the functions run as besides the macro's and the framework's default (provider.iam.role.name). */
  readonly executionRoleNames: readonly string[];
  /** provider.iam.deploymentRole: CloudFormation then acts with this role, which the groups may pass. */
  readonly deploymentRoleArn?: string;
  /** A boundary every role the framework creates must carry (admin's IAM writes are conditioned on it). */
  readonly permissionsBoundary?: string;
  /** Roles: who may assume an admin, developer or ci role carrying the group's policies (functions/core/roles.ts). */
  readonly roles: RolesConfig;
  /** Path of the group policies (IAM Identity Center permission sets reference a customer managed policy by name and path). */
  readonly policyPath: string;
  /** Raw (resolved) values of submodule properties, validated by each submodule. */
  readonly submoduleProperties: Readonly<Record<string, unknown>>;
}

type Kind = 'string' | 'boolean' | 'tags' | 'bucket' | 'list' | 'roles';
interface PropertySpec {
  readonly kind: Kind;
  readonly pattern?: RegExp;
  readonly patternHelp?: string;
  readonly maxLength?: number;
}

// Names the framework accepts (lib/config-schema.js, lib/utils/stage-pattern.js), plus IAM's wildcards where
// the property only feeds ARNs.
const SERVICE = { pattern: /^[a-zA-Z][0-9a-zA-Z-]+$/, patternHelp: 'must start with a letter and hold only letters, digits and hyphens (as serverless.yml `service`)' };
const STAGE = { pattern: /^[A-Za-z0-9-]+$/, patternHelp: 'must hold only letters, digits and hyphens (as the framework\'s --stage)' };
const IAM_SEGMENT = { pattern: /^[A-Za-z0-9-*?]+$/, patternHelp: 'must hold only letters, digits, hyphens and the IAM wildcards * and ?' };
const NAME_PART = { pattern: /^[A-Za-z0-9+=,.@_-]+$/, patternHelp: 'must hold only characters IAM allows in names: letters, digits and +=,.@_-' };

export const CORE_PROPERTIES: Readonly<Record<string, PropertySpec>> = {
  ServiceName: { kind: 'string', ...SERVICE, maxLength: 100 },
  Stage: { kind: 'string', ...STAGE, maxLength: 100 },
  Region: { kind: 'string', pattern: /^[a-z]{2}(-[a-z]+)+-\d$/, patternHelp: 'must be an AWS region such as us-east-1' },
  IamRegion: { kind: 'string', pattern: /^([a-z0-9-*?]+)$/, patternHelp: 'must be a region or an IAM wildcard such as *' },
  IamPartition: { kind: 'string', pattern: /^(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|\*)$/, patternHelp: 'must be a partition (aws, aws-cn, aws-us-gov, ...) or *' },
  IamAccountId: { kind: 'string', pattern: /^(\d{12}|\*)$/, patternHelp: 'must be a 12-digit account id or *' },
  IamStage: { kind: 'string', ...IAM_SEGMENT, maxLength: 100 },
  ResourcePrefix: { kind: 'string', ...NAME_PART, maxLength: 100 },
  SlsServiceName: { kind: 'string', ...SERVICE, maxLength: 100 },
  StackName: { kind: 'string', pattern: /^[a-zA-Z][a-zA-Z0-9-*?]*$/, patternHelp: 'must be a CloudFormation stack name (letters, digits, hyphens; IAM wildcards allowed)', maxLength: 128 },
  DeploymentBucket: { kind: 'bucket' },
  ResolveDeploymentBucket: { kind: 'boolean' },
  DeploymentBucketToken: { kind: 'string', pattern: /^[\x20-\x7e]{1,256}$/, patternHelp: 'must be 1-256 printable characters (any value; change it to re-resolve the bucket)' },
  DeploymentPrefix: { kind: 'string', pattern: /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, patternHelp: 'must be an S3 key prefix without leading or trailing slash (as provider.deploymentPrefix)' },
  RoleAdminName: { kind: 'string', ...NAME_PART, maxLength: 64 },
  RoleDeveloperName: { kind: 'string', ...NAME_PART, maxLength: 64 },
  RoleCiName: { kind: 'string', ...NAME_PART, maxLength: 64 },
  LambdaRoleName: { kind: 'string', pattern: /^[A-Za-z0-9+=,.@_-]{1,64}$/, patternHelp: 'must be an IAM role name (1-64 characters of letters, digits and +=,.@_-)' },
  ManyLambdas: { kind: 'boolean' },
  DisableGroups: { kind: 'boolean' },
  Tags: { kind: 'tags' },
  FunctionNames: { kind: 'list', pattern: /^[a-zA-Z0-9-_]{1,64}$/, patternHelp: 'must be a Lambda function name (functions.<fn>.name: up to 64 letters, digits, hyphens and underscores)' },
  ExecutionRoleNames: { kind: 'list', pattern: /^[A-Za-z0-9+=,.@_-]{1,64}$/, patternHelp: 'must be an IAM role name (provider.iam.role.name, or a function\'s own role)' },
  LayerNames: { kind: 'list', pattern: /^[a-zA-Z0-9-_]{1,140}$/, patternHelp: 'must be a Lambda layer name (layers.<key>.name, or the bare key the framework uses by default)' },
  DeploymentRoleArn: { kind: 'string', pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_\/-]{1,512}$/, patternHelp: 'must be the ARN of an IAM role (provider.iam.deploymentRole)' },
  PermissionsBoundary: { kind: 'string', pattern: /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[A-Za-z0-9+=,.@_\/-]{1,512}$/, patternHelp: 'must be the ARN of a managed policy (provider.iam.role.permissionsBoundary)' },
  Roles: { kind: 'roles' },
  PolicyPath: { kind: 'string', pattern: /^\/(?:[\x21-\x2e\x30-\x7e]+\/)*$/, patternHelp: 'must be an IAM path: starting and ending with /, such as /formidable/ (what a permission set\'s CustomerManagedPolicyReferences Path names)', maxLength: 512 },
};

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** IAM limits on what the macro names (IAM quotas page): groups and policies 128, roles 64. */
export const IAM_NAME_LIMITS = { group: 128, policy: 128, role: 64 } as const;

function asBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true'; // parameters always arrive as strings
  return undefined;
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
  const fail = (key: string | undefined, detail: string) => errors.push(new InvalidResourceError(logicalId, key, detail));

  const raw = resource.Properties;
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AggregateInvalid([new InvalidResourceError(logicalId, undefined, 'has no Properties map; add Properties with at least ServiceName.')]);
  }
  const props = raw as Record<string, unknown>;
  const known = new Set([...Object.keys(CORE_PROPERTIES), ...submodulePropertyNames]);
  for (const key of Object.keys(props)) {
    if (!known.has(key)) {
      const hint = [...known].find((k) => k.toLowerCase() === key.toLowerCase());
      fail(key, `is not a property of Formidable::Serverless::Access${hint ? `; did you mean '${hint}'?` : `; known properties are ${[...known].sort().join(', ')}.`}`);
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
    if (typeof v === 'number') return (fail(key, `should be a quoted string ('${v}'): an unquoted account id loses leading zeros.`), undefined);
    if (typeof v !== 'string') {
      fail(key, `should be a string, not ${Array.isArray(v) ? 'a list' : typeof v}.`);
      return undefined;
    }
    return str2(key, v, spec);
  };
  const str2 = (key: string, v: string, spec: PropertySpec): string | undefined => {
    if (v === '') return (fail(key, 'should not be empty; remove it to use the default.'), undefined);
    if (spec.maxLength && v.length > spec.maxLength) return (fail(key, `is ${v.length} characters long; at most ${spec.maxLength} are allowed.`), undefined);
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

  const list = (key: string): string[] => {
    const spec = CORE_PROPERTIES[key];
    const v = values[key];
    if (v === undefined) return [];
    const items = typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v; // CommaDelimitedList parameters
    if (!Array.isArray(items)) return (fail(key, 'should be a list of names.'), []);
    const out: string[] = [];
    items.forEach((item, i) => {
      if (typeof item !== 'string') fail(`${key}[${i}]`, `should be a string, not ${typeof item}.`);
      else if (spec.pattern && !spec.pattern.test(item)) fail(`${key}[${i}]`, `'${item}' ${spec.patternHelp}.`);
      else out.push(item);
    });
    return [...new Set(out)].sort();
  };
  const serviceName = str('ServiceName');
  if (props.ServiceName === undefined) fail('ServiceName', "is required: the service's base name (serverless.yml `service` is SlsServiceName, default sls-<ServiceName>).");
  const stage = str('Stage') ?? 'development';
  const region = str('Region') ?? ctx.region;
  const iamStage = str('IamStage') ?? stage;
  const resourcePrefix = str('ResourcePrefix') ?? `cf-${serviceName ?? ''}`;
  const slsServiceName = str('SlsServiceName') ?? `sls-${serviceName ?? ''}`;
  const stackName = str('StackName') ?? `${slsServiceName}-${iamStage}`;
  const deploymentBucket = parseBucket(values.DeploymentBucket, fail);
  const roleNames = {
    admin: str('RoleAdminName') ?? 'admin',
    developer: str('RoleDeveloperName') ?? 'developer',
    ci: str('RoleCiName') ?? 'ci',
  };
  const tags = parseTags(values.Tags, fail);

  if (new Set(Object.values(roleNames)).size < 3) {
    fail('RoleAdminName', `must differ from RoleDeveloperName and RoleCiName: the three name separate groups (got ${Object.values(roleNames).join(', ')}).`);
  }

  const submoduleProperties: Record<string, unknown> = {};
  for (const name of submodulePropertyNames) if (values[name] !== undefined) submoduleProperties[name] = values[name];

  const config: AccessConfig = {
    logicalId,
    serviceName: serviceName ?? '',
    stage,
    region,
    iamRegion: str('IamRegion') ?? '*',
    iamPartition: str('IamPartition') ?? '*',
    iamAccountId: str('IamAccountId') ?? ctx.accountId,
    iamStage,
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
    disableGroups: bool('DisableGroups'),
    tags,
    functionNames: list('FunctionNames'),
    layerNames: list('LayerNames'),
    executionRoleNames: list('ExecutionRoleNames'),
    deploymentRoleArn: str('DeploymentRoleArn'),
    permissionsBoundary: str('PermissionsBoundary'),
    roles: parseRoles(values.Roles, fail),
    policyPath: str('PolicyPath') ?? '/',
    submoduleProperties,
  };
  if (errors.length) throw new AggregateInvalid(errors);
  return config;
}

function parseBucket(v: unknown, fail: (k: string, d: string) => void): DeploymentBucket {
  if (v === undefined) return { mode: 'generated' };
  const help = 'should be a bucket name (provider.deploymentBucket), {Name: <bucket>}, or {Shared: true} for the Serverless Framework v4 shared bucket';
  let name: unknown = v;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'Name' && k !== 'Shared');
    if (extra.length) return (fail(`DeploymentBucket.${extra[0]}`, `is not known; DeploymentBucket ${help}.`), { mode: 'generated' });
    if (o.Shared !== undefined) {
      if (asBoolean(o.Shared) !== true || o.Name !== undefined) return (fail('DeploymentBucket.Shared', 'should be true, alone; omit DeploymentBucket for the per-stack bucket.'), { mode: 'generated' });
      return { mode: 'shared' };
    }
    name = o.Name;
  }
  if (typeof name !== 'string') return (fail('DeploymentBucket', `${help}.`), { mode: 'generated' });
  if (!BUCKET_NAME.test(name) || name.includes('..')) {
    return (fail('DeploymentBucket', `'${name}' is not a valid S3 bucket name (3-63 lower-case letters, digits, dots and hyphens).`), { mode: 'generated' });
  }
  return { mode: 'custom', name };
}

function parseTags(v: unknown, fail: (k: string, d: string) => void): Record<string, string> {
  if (v === undefined) return {};
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    v.forEach((t, i) => {
      const tag = t as Record<string, unknown>;
      if (!tag || typeof tag.Key !== 'string' || typeof tag.Value !== 'string') fail(`Tags[${i}]`, 'should be {Key: string, Value: string}.');
      else out[tag.Key] = tag.Value;
    });
    return out;
  }
  if (typeof v !== 'object' || v === null) return (fail('Tags', 'should be a map of tag names to string values.'), out);
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') fail(`Tags.${k}`, `should be a string, not ${typeof val}.`);
    else if (k.length > 128 || val.length > 256) fail(`Tags.${k}`, 'is too long: tag keys hold at most 128 characters and values 256.');
    else if (k.toLowerCase().startsWith('aws:')) fail(`Tags.${k}`, "uses the reserved prefix 'aws:'; choose another key.");
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
