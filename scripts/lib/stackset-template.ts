/**
 * Turns the project's SAM template (template.yaml) into the template `npm run rollout` deploys with a
 * service-managed StackSet.
 *
 * Why a separate template: StackSets with service-managed permissions do not support macros in templates,
 * and that includes the AWS::Serverless transform, which is a macro hosted by CloudFormation ("Even if you
 * specify this capability for a StackSet with service-managed permissions, if you reference a macro in your
 * template the StackSet operation will fail." - CreateStackSet, Capabilities, CAPABILITY_AUTO_EXPAND). So
 * the SAM template is translated ahead of time (no Transform section, no AWS::Serverless::* resources) and
 * its local `CodeUri`s (dist/macro/, ...) are replaced by S3 objects in one bucket per region: Lambda reads
 * code only from a bucket in the function's own region, though the bucket may belong to another account.
 *
 * The code buckets: `<CodeBucketPrefix>-<region>` (one per target region, in the administrator account),
 * each holding the same zip objects, readable by every account of the organization through the bucket
 * policy `codeBucketPolicy()` returns (aws:PrincipalOrgID; the reader is the StackSets execution role in the
 * member account, which makes the Lambda CreateFunction/UpdateFunctionCode call). Keep the objects SSE-S3
 * (an SSE-KMS key would also need a key policy for the organization), and the keys immutable: each key
 * carries a hash of its zip, so new code means a new key, a changed template, and a Lambda code update.
 *
 * Translation: prefers the AWS SAM translator (Python `samtranslator`, the library `sam` itself uses,
 * offline) and falls back to a built-in translation of the few SAM constructs this project uses
 * (Globals.Function, AWS::Serverless::Function with an explicit Role or inline/ARN Policies). Anything
 * else the built-in one does not know is an error, never silently dropped.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';

export type Template = Record<string, unknown> & {
  Parameters?: Record<string, Record<string, unknown>>;
  Resources?: Record<string, Record<string, unknown>>;
  Outputs?: Record<string, unknown>;
};

/** Parameter of the rolled-out template: the code buckets are `${CodeBucketPrefix}-${AWS::Region}`. */
export const CODE_BUCKET_PARAMETER = 'CodeBucketPrefix';
export const SERVERLESS_TRANSFORM = 'AWS::Serverless-2016-10-31';
export const CAPABILITIES_DOC =
  'https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html';

export class StackSetTemplateError extends Error {
  override name = 'StackSetTemplateError';
}

export interface CodeObject {
  /** Logical id of the function. */
  readonly functionId: string;
  /** The local CodeUri of template.yaml (a directory such as dist/macro/). */
  readonly codeUri: string;
  /** Object key in every regional code bucket. */
  readonly key: string;
}

export interface StackSetTemplateOptions {
  /** S3 key per function logical id (see codeKeyFor). Functions without one are an error. */
  readonly codeKeys: Readonly<Record<string, string>>;
  /** 'auto' (default): samtranslator when `python3 -c "import samtranslator"` works, else built-in. */
  readonly translator?: 'auto' | 'samtranslator' | 'builtin';
}

export interface StackSetTemplate {
  readonly template: Template;
  readonly translator: 'samtranslator' | 'builtin' | 'none';
  readonly codeObjects: readonly CodeObject[];
}

/** The functions of a SAM template and their local CodeUri (a string; S3 CodeUris are left as they are). */
export function serverlessFunctions(sam: Template): { functionId: string; codeUri: string }[] {
  return Object.entries(sam.Resources ?? {})
    .filter(([, r]) => r?.Type === 'AWS::Serverless::Function')
    .map(([functionId, r]) => {
      const codeUri =
        (r.Properties as Record<string, unknown> | undefined)?.CodeUri ??
        (sam.Globals as Record<string, Record<string, unknown>> | undefined)?.Function?.CodeUri;
      if (typeof codeUri !== 'string')
        throw new StackSetTemplateError(
          `${functionId}: CodeUri must be a local path (the rollout uploads it); got ${JSON.stringify(codeUri)}`,
        );
      return { functionId, codeUri };
    });
}

/** `<prefix>/<name>-<first 16 hex of sha256>.zip`, name = the CodeUri's last path segment. */
export function codeKeyFor(codeUri: string, zip: Buffer, prefix = 'formidable-serverless-access'): string {
  const name = codeUri.replace(/\/+$/, '').split('/').pop() || 'code';
  return `${prefix}/${name}-${createHash('sha256').update(zip).digest('hex').slice(0, 16)}.zip`;
}

export function buildStackSetTemplate(sam: Template, options: StackSetTemplateOptions): StackSetTemplate {
  if (!sam || typeof sam !== 'object' || !sam.Resources)
    throw new StackSetTemplateError('the SAM template has no Resources');
  if (sam.Parameters && CODE_BUCKET_PARAMETER in sam.Parameters) {
    throw new StackSetTemplateError(
      `template.yaml already declares a parameter ${CODE_BUCKET_PARAMETER}; the StackSet template adds its own`,
    );
  }
  const functions = serverlessFunctions(sam);
  const codeObjects: CodeObject[] = functions.map(({ functionId, codeUri }) => {
    const key = options.codeKeys[functionId];
    if (!key) throw new StackSetTemplateError(`no code key for ${functionId} (CodeUri ${codeUri})`);
    return { functionId, codeUri, key };
  });

  // Point each function at its regional S3 object before translating, so either translator passes it through.
  const withS3Code = structuredClone(sam);
  withS3Code.Parameters = {
    ...(withS3Code.Parameters ?? {}),
    [CODE_BUCKET_PARAMETER]: {
      Type: 'String',
      AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,40}$',
      Description:
        'Code buckets are <CodeBucketPrefix>-<region>, one per region, readable by the organization (aws:PrincipalOrgID)',
    },
  };
  for (const { functionId, key } of codeObjects) {
    const props = (withS3Code.Resources![functionId].Properties ??= {}) as Record<string, unknown>;
    props.CodeUri = { Bucket: { 'Fn::Sub': `\${${CODE_BUCKET_PARAMETER}}-\${AWS::Region}` }, Key: key };
  }

  let translator: StackSetTemplate['translator'] = 'none';
  let template: Template = withS3Code;
  if (usesServerlessTransform(sam)) {
    const choice = options.translator ?? 'auto';
    if (choice === 'samtranslator' || (choice === 'auto' && samtranslatorAvailable())) {
      template = translateWithSamtranslator(withS3Code);
      translator = 'samtranslator';
    } else {
      template = translateBuiltin(withS3Code);
      translator = 'builtin';
    }
  }
  template = removeSamTags(template);
  const problems = stackSetProblems(template);
  if (problems.length)
    throw new StackSetTemplateError(
      `the translated template cannot be deployed by a service-managed StackSet:\n  ${problems.join('\n  ')}`,
    );
  return { template, translator, codeObjects };
}

function usesServerlessTransform(t: Template): boolean {
  const list = t.Transform === undefined ? [] : Array.isArray(t.Transform) ? t.Transform : [t.Transform];
  return (
    list.includes(SERVERLESS_TRANSFORM) ||
    Object.values(t.Resources ?? {}).some((r) => String(r?.Type).startsWith('AWS::Serverless::'))
  );
}

/**
 * What would make a service-managed StackSet reject the template: a Transform section, an Fn::Transform
 * (both are macros, including AWS::Serverless and AWS::Include), and AWS::Serverless::* resources.
 */
export function stackSetProblems(t: Template): string[] {
  const problems: string[] = [];
  if (t.Transform !== undefined)
    problems.push(
      `Transform ${JSON.stringify(t.Transform)}: StackSets with service-managed permissions do not support macros (${CAPABILITIES_DOC})`,
    );
  for (const [id, r] of Object.entries(t.Resources ?? {})) {
    if (String(r?.Type).startsWith('AWS::Serverless::'))
      problems.push(`${id}: ${r.Type} needs the AWS::Serverless transform`);
  }
  const walk = (v: unknown, where: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'Fn::Transform') problems.push(`${where}: Fn::Transform is a macro call`);
        else walk(x, `${where}.${k}`);
      }
    }
  };
  walk(t.Resources, 'Resources');
  walk(t.Outputs, 'Outputs');
  return problems;
}

/** SAM tags functions and roles with lambda:createdBy=SAM; without `sam` in the loop that would mislead. */
function removeSamTags(t: Template): Template {
  for (const r of Object.values(t.Resources ?? {})) {
    const props = r?.Properties as Record<string, unknown> | undefined;
    if (!props || !Array.isArray(props.Tags)) continue;
    const tags = (props.Tags as { Key?: unknown }[]).filter((tag) => tag?.Key !== 'lambda:createdBy');
    if (tags.length) props.Tags = tags;
    else delete props.Tags;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------------------
// samtranslator (Python): the translator `sam deploy` runs, used offline.

const SAMTRANSLATOR_SCRIPT = `
import json, sys
from samtranslator.translator.transform import transform
from samtranslator.public.exceptions import InvalidDocumentException
class NoManagedPolicies:
    def load(self):
        return {}
try:
    out = transform(json.load(sys.stdin), {}, NoManagedPolicies())
except InvalidDocumentException as e:
    sys.stderr.write("\\n".join(str(c) for c in e.causes) + "\\n")
    sys.exit(3)
sys.stdout.write(json.dumps(out))
`;

let samAvailable: boolean | undefined;
export function samtranslatorAvailable(): boolean {
  if (samAvailable === undefined) {
    const probe = spawnSync('python3', ['-c', 'import samtranslator'], { encoding: 'utf8' });
    samAvailable = !probe.error && probe.status === 0;
  }
  return samAvailable;
}

export function translateWithSamtranslator(sam: Template): Template {
  // The translator asks for a region to fill pseudo parameters it never writes into this template's output:
  // every ARN it generates here stays an intrinsic (Fn::GetAtt/Fn::Sub), so any region works.
  const run = spawnSync('python3', ['-c', SAMTRANSLATOR_SCRIPT], {
    input: JSON.stringify(sam),
    encoding: 'utf8',
    env: {
      ...process.env,
      AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION ?? process.env.AWS_REGION ?? 'us-east-1',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw new StackSetTemplateError(`cannot run python3 for samtranslator: ${run.error.message}`);
  if (run.status !== 0) throw new StackSetTemplateError(`samtranslator rejected the template:\n${run.stderr.trim()}`);
  return JSON.parse(run.stdout) as Template;
}

// ---------------------------------------------------------------------------------------------------------
// Built-in translation of the SAM subset this project uses.

const FUNCTION_PASS_THROUGH = [
  'Architectures',
  'Description',
  'Environment',
  'EphemeralStorage',
  'FunctionName',
  'Handler',
  'KmsKeyArn',
  'Layers',
  'LoggingConfig',
  'MemorySize',
  'ReservedConcurrentExecutions',
  'Runtime',
  'Timeout',
  'TracingConfig',
  'VpcConfig',
  'DeadLetterConfig',
  'ImageConfig',
  'PackageType',
  'RuntimeManagementConfig',
  'SnapStart',
  'FileSystemConfigs',
  'CodeSigningConfigArn',
  'RecursiveLoop',
];
const FUNCTION_SAM_ONLY = [
  'Events',
  'AutoPublishAlias',
  'DeploymentPreference',
  'ProvisionedConcurrencyConfig',
  'FunctionUrlConfig',
  'Connectors',
  'PermissionsBoundary',
  'RolePath',
  'EventInvokeConfig',
  'Tracing',
  'DeadLetterQueue',
  'AssumeRolePolicyDocument',
  'InlineCode',
  'AutoPublishCodeSha256',
  'VersionDescription',
];

export function translateBuiltin(sam: Template): Template {
  const globals = ((sam.Globals as Record<string, unknown> | undefined)?.Function ?? {}) as Record<string, unknown>;
  for (const key of Object.keys((sam.Globals ?? {}) as object)) {
    if (key !== 'Function')
      throw new StackSetTemplateError(
        `Globals.${key} is not supported by the built-in SAM translation; install aws-sam-translator (pip) to use it`,
      );
  }
  const { Transform: _t, Globals: _g, ...rest } = sam;
  void _t;
  void _g;
  const out: Template = structuredClone(rest);
  const resources: Record<string, Record<string, unknown>> = {};
  for (const [id, r] of Object.entries(out.Resources ?? {})) {
    if (r?.Type !== 'AWS::Serverless::Function') {
      if (String(r?.Type).startsWith('AWS::Serverless::'))
        throw new StackSetTemplateError(
          `${id}: ${r.Type} is not supported by the built-in SAM translation; install aws-sam-translator (pip)`,
        );
      resources[id] = r;
      continue;
    }
    const props = mergeGlobals(globals, (r.Properties ?? {}) as Record<string, unknown>);
    for (const k of FUNCTION_SAM_ONLY)
      if (k in props)
        throw new StackSetTemplateError(
          `${id}: ${k} is not supported by the built-in SAM translation; install aws-sam-translator (pip)`,
        );
    const fn: Record<string, unknown> = {};
    for (const k of FUNCTION_PASS_THROUGH) if (props[k] !== undefined) fn[k] = props[k];
    const code = props.CodeUri as { Bucket?: unknown; Key?: unknown; Version?: unknown } | undefined;
    if (!code || typeof code !== 'object')
      throw new StackSetTemplateError(`${id}: CodeUri must be an S3 location here`);
    fn.Code = {
      S3Bucket: code.Bucket,
      S3Key: code.Key,
      ...(code.Version !== undefined ? { S3ObjectVersion: code.Version } : {}),
    };
    if (props.Role !== undefined) {
      if (props.Policies !== undefined)
        throw new StackSetTemplateError(`${id}: Role and Policies together: SAM ignores Policies then; remove one`);
      fn.Role = props.Role;
    } else {
      const roleId = `${id}Role`;
      resources[roleId] = { Type: 'AWS::IAM::Role', Properties: executionRole(id, props.Policies) };
      fn.Role = { 'Fn::GetAtt': [roleId, 'Arn'] };
    }
    if (props.Tags && typeof props.Tags === 'object')
      fn.Tags = Object.entries(props.Tags as Record<string, unknown>).map(([Key, Value]) => ({ Key, Value }));
    const attrs = Object.fromEntries(
      Object.entries(r).filter(([k]) =>
        ['Condition', 'DependsOn', 'Metadata', 'DeletionPolicy', 'UpdateReplacePolicy'].includes(k),
      ),
    );
    resources[id] = { Type: 'AWS::Lambda::Function', ...attrs, Properties: fn };
  }
  out.Resources = resources;
  return out;
}

function mergeGlobals(globals: Record<string, unknown>, props: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...globals, ...props };
  const gEnv = (globals.Environment as { Variables?: object } | undefined)?.Variables;
  const pEnv = (props.Environment as { Variables?: object } | undefined)?.Variables;
  if (gEnv && pEnv) merged.Environment = { Variables: { ...gEnv, ...pEnv } };
  if (globals.Tags && props.Tags) merged.Tags = { ...(globals.Tags as object), ...(props.Tags as object) };
  return merged;
}

function executionRole(id: string, policies: unknown): Record<string, unknown> {
  const list = policies === undefined ? [] : Array.isArray(policies) ? policies : [policies];
  const managed: unknown[] = [
    { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
  ];
  const inline: unknown[] = [];
  list.forEach((p, i) => {
    if (typeof p === 'string' && p.startsWith('arn:')) managed.push(p);
    else if (p && typeof p === 'object' && 'Statement' in p)
      inline.push({ PolicyName: `${id}RolePolicy${i}`, PolicyDocument: p });
    else if (
      p &&
      typeof p === 'object' &&
      ('Fn::Sub' in p || 'Ref' in p || 'Fn::GetAtt' in p || 'Fn::ImportValue' in p)
    )
      managed.push(p);
    else
      throw new StackSetTemplateError(
        `${id}: Policies entry ${JSON.stringify(p)} (a policy template or managed policy name) is not supported by the built-in SAM translation; use an ARN or install aws-sam-translator (pip)`,
      );
  });
  return {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] } }],
    },
    ManagedPolicyArns: managed,
    ...(inline.length ? { Policies: inline } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Code buckets.

/**
 * The bucket policy each regional code bucket needs: any principal of the organization may read the code
 * objects (the StackSets execution role `stacksets-exec-*` in each member account makes the Lambda call that
 * reads them; accounts that join the organization later are covered without a policy change).
 */
export function codeBucketPolicy(
  bucket: string,
  organizationId: string,
  keyPrefix = 'formidable-serverless-access/',
): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OrganizationReadsMacroCode',
        Effect: 'Allow',
        Principal: '*',
        Action: 's3:GetObject',
        Resource: `arn:aws:s3:::${bucket}/${keyPrefix}*`,
        Condition: { StringEquals: { 'aws:PrincipalOrgID': organizationId } },
      },
    ],
  };
}

export function codeBucketName(prefix: string, region: string): string {
  return `${prefix}-${region}`;
}

// ---------------------------------------------------------------------------------------------------------
// A minimal zip writer (deflate, one level of files), so a Lambda code object can be made from dist/<fn>/
// without a zip tool. Timestamps are fixed, so the same files give the same bytes and the same key.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function zipFiles(files: ReadonlyArray<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const DOS_TIME = 0; // 00:00:00
  const DOS_DATE = ((2020 - 1980) << 9) | (1 << 5) | 1; // 2020-01-01
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    const name = Buffer.from(f.name, 'utf8');
    const compressed = deflateRawSync(f.data, { level: 9 });
    const crc = crc32(f.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(f.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

// ---------------------------------------------------------------------------------------------------------
// The two roles of self-managed StackSets (CloudFormation User Guide, "Grant self-managed permissions":
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-prereqs-self-managed.html).

export const ADMINISTRATION_ROLE = 'AWSCloudFormationStackSetAdministrationRole';
export const EXECUTION_ROLE = 'AWSCloudFormationStackSetExecutionRole';

/**
 * A stack for the administrator account: AWSCloudFormationStackSetAdministrationRole, which CloudFormation
 * (of this account only: aws:SourceAccount) assumes to run self-managed StackSet operations, and which may do
 * nothing but assume AWSCloudFormationStackSetExecutionRole in target accounts.
 */
export function administrationRoleTemplate(): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${ADMINISTRATION_ROLE} for the self-managed StackSet of the Formidable::Serverless::Access macro (npm run rollout)`,
    Resources: {
      AdministrationRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: ADMINISTRATION_ROLE,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'cloudformation.amazonaws.com' },
                Action: 'sts:AssumeRole',
                Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
              },
            ],
          },
          Policies: [
            {
              PolicyName: 'assume-execution-role',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'sts:AssumeRole',
                    Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${EXECUTION_ROLE}` },
                  },
                ],
              },
            },
          ],
        },
      },
    },
    Outputs: { AdministrationRoleArn: { Value: { 'Fn::GetAtt': ['AdministrationRole', 'Arn'] } } },
  };
}

/** template.yaml's default MacroName (a parameter of both templates; `--parameter MacroName=...` changes it). */
export const DEFAULT_MACRO_NAME = 'FormidableServerless';
/** template.yaml's parameter that keeps the bucket resolver's generated name (upgrades; see the README). */
export const RESOLVER_NAME_PARAMETER = 'ResolverFunctionName';
/** template.yaml's parameter naming the roles' permissions boundary (the rollout sets boundaryPolicyName). */
export const BOUNDARY_PARAMETER = 'RolePermissionsBoundary';
/** The managed policy the execution-role StackSet creates in every account as the macro roles' boundary. */
export function boundaryPolicyName(macroName: string): string {
  return `${macroName}-macro-boundary`;
}
/** A StackSet stack's UUID suffix as IAM wildcards: exactly 8-4-4-4-12 characters. */
const STACK_UUID = ['????????', '????', '????', '????', '????????????'].join('-');
/** IAM's limit on a role's inline policies together (characters, whitespace not counted). */
export const INLINE_POLICY_LIMIT = 10_240;

/**
 * The names template.yaml gives the macro's resources (keep in step with template.yaml: the unit tests read both).
 * Functions and log groups are regional, so the name alone is unique; IAM is global, so the roles carry the region.
 */
export function macroResourceNames(macroName: string, region: string) {
  return {
    macroFunction: `${macroName}-macro`,
    resolverFunction: `${macroName}-bucket-resolver`,
    macroLogGroup: `/aws/lambda/${macroName}-macro`,
    resolverLogGroup: `/aws/lambda/${macroName}-bucket-resolver`,
    macroRole: `${macroName}-macro-${region}`,
    resolverRole: `${macroName}-bucket-resolver-${region}`,
  };
}

/**
 * The head every name CloudFormation generated for the macro StackSet's resources starts with: its stacks are
 * `StackSet-<name>-<uuid>` (47 characters or more), so a generated Lambda function or IAM role name
 * (`<stack>-<LogicalId>-<suffix>`, 64 at most) keeps the stack name's first 24 or 25 characters only
 * (functions/core/generated-names.ts). Used only for the bucket resolver in `generated` mode.
 */
export function generatedNameHead(stackSetName: string): string {
  return `StackSet-${stackSetName}-`.slice(0, 24);
}

export interface ExecutionRoleOptions {
  /** Every region the macro StackSet has or gets stack instances in: the roles' names carry the region. */
  readonly regions: readonly string[];
  /** template.yaml's ResolverFunctionName; 'generated' needs the StackSet name (see generatedNameHead). */
  readonly resolverFunctionName?: 'named' | 'generated';
  readonly stackSetName?: string;
  /**
   * Upgrading a macro StackSet deployed before explicit names: its stacks' update deletes the roles, the macro
   * function and the log groups CloudFormation named `StackSet-<name>-...`, so the role may delete (only delete)
   * those, by the head of the generated names and the logical id. The rollout sets it while the StackSet's
   * template has generated names, and drops it on the next run.
   */
  readonly removeGeneratedNames?: boolean;
}

/**
 * The service-managed StackSet's template for every target account: AWSCloudFormationStackSetExecutionRole,
 * trusting only the administration role, with what deploying the macro's template takes and no more, on the
 * exact names template.yaml gives its resources (macroResourceNames, from the MacroName parameter):
 * CloudFormation on the macro StackSet's own stacks (StackSet-<name>-<id>); the two roles
 * `<MacroName>-macro-<region>` and `<MacroName>-bucket-resolver-<region>` of each region (create, inline policy,
 * delete: the AWS::IAM::Role handlers' calls for a role without tags, managed policies or boundary), PassRole of
 * exactly those to Lambda; the functions `<MacroName>-macro` and `<MacroName>-bucket-resolver`; their log groups
 * `/aws/lambda/<function>`; and reading the code objects. No other StackSet's roles or functions (`StackSet-*`
 * is the prefix every StackSet of the organization shares). AWS::CloudFormation::Macro and the stack's exports
 * are CloudFormation's own and need no IAM action.
 */
export function executionRoleTemplate(options: ExecutionRoleOptions): Template {
  const regions = [...new Set(options.regions)].sort();
  if (!regions.length) throw new StackSetTemplateError('the execution role needs the regions of the macro StackSet');
  for (const r of regions)
    if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(r)) throw new StackSetTemplateError(`${r} is not a region name`);
  const generated = options.resolverFunctionName === 'generated';
  if (generated && !options.stackSetName)
    throw new StackSetTemplateError(`${RESOLVER_NAME_PARAMETER}=generated needs the macro StackSet's name`);
  const arn = (service: string, resource: string, region = '*') => ({
    'Fn::Sub': `arn:\${AWS::Partition}:${service}:${region}:\${AWS::AccountId}:${resource}`,
  });
  const roleArns = regions.flatMap((region) => {
    const n = macroResourceNames('${MacroName}', region);
    return [n.macroRole, n.resolverRole].map((role) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${role}`,
    }));
  });
  const n = macroResourceNames('${MacroName}', '');
  // Functions and log groups are regional and named without the region: the name is exact, in any region.
  const functionArns = [
    arn('lambda', `function:${n.macroFunction}`),
    generated
      ? arn('lambda', `function:${generatedNameHead(options.stackSetName!)}*-BucketResolverFunction-*`)
      : arn('lambda', `function:${n.resolverFunction}`),
  ];
  // CreateLogGroup/DeleteLogGroup name log-group:<name>; the :* form is how Logs authorizes the group's other calls
  const logGroupArns = [n.macroLogGroup, n.resolverLogGroup].flatMap((g) => [
    arn('logs', `log-group:${g}`),
    arn('logs', `log-group:${g}:*`),
  ]);
  const template = executionRoleOf(roleArns, functionArns, logGroupArns);
  template.Resources!.MacroRoleBoundary = macroRoleBoundary(n);
  if (options.removeGeneratedNames) {
    if (!options.stackSetName) throw new StackSetTemplateError('removeGeneratedNames needs the macro StackSet name');
    const head = generatedNameHead(options.stackSetName);
    const iamArn = (id: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/${head}*-${id}-*`,
    });
    (
      template.Resources!.ExecutionRole.Properties as { Policies: { PolicyDocument: { Statement: object[] } }[] }
    ).Policies[0].PolicyDocument.Statement.push(
      {
        Sid: 'RemoveGeneratedRoles',
        Effect: 'Allow',
        Action: [
          'iam:GetRole',
          'iam:ListRolePolicies',
          'iam:ListAttachedRolePolicies',
          'iam:DeleteRolePolicy',
          'iam:DeleteRole',
        ],
        Resource: ['MacroRole', 'BucketResolverRole'].map(iamArn),
      },
      {
        Sid: 'RemoveGeneratedFunction',
        Effect: 'Allow',
        Action: ['lambda:GetFunction', 'lambda:DeleteFunction'],
        // the resolver's too, when the upgrade names it (--parameter ResolverFunctionName=named)
        Resource: ['MacroFunction', 'BucketResolverFunction'].map((id) => arn('lambda', `function:${head}*-${id}-*`)),
      },
      {
        // the old log groups were /aws/lambda/<stack name>-macro|-bucket-resolver, the stack StackSet-<name>-<id>
        Sid: 'RemoveGeneratedLogGroups',
        Effect: 'Allow',
        Action: 'logs:DeleteLogGroup',
        Resource: arn('logs', 'log-group:/aws/lambda/StackSet-${MacroStackSetName}-*'),
      },
    );
  }
  // The worst case of the parameters (a 32-character MacroName, the longest partition) must fit IAM's limit.
  const statements = (template.Resources!.ExecutionRole.Properties as { Policies: { PolicyDocument: unknown }[] })
    .Policies[0].PolicyDocument;
  const size = JSON.stringify(statements)
    .replaceAll('${MacroName}', 'x'.repeat(32))
    .replaceAll('${AWS::Partition}', 'aws-iso-b')
    .replaceAll('${AWS::AccountId}', '123456789012')
    .replaceAll('${MacroStackSetName}', 'x'.repeat(128))
    .replaceAll('${CodeBucketPrefix}', 'x'.repeat(41))
    .replaceAll('${CodeKeyPrefix}', 'x'.repeat(100)).length;
  if (size > INLINE_POLICY_LIMIT)
    throw new StackSetTemplateError(
      `the execution role's policy for ${regions.length} regions may reach ${size} characters, over IAM's ${INLINE_POLICY_LIMIT}: roll the macro out to fewer regions per StackSet (--stack-set-name NAME per group of regions)`,
    );
  return template;
}

const boundaryArn = {
  'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${boundaryPolicyName('${MacroName}')}`,
};

/**
 * The macro roles' permissions boundary: what template.yaml's MacroRole and BucketResolverRole policies grant
 * (write their own log group's streams; read a stack's ServerlessDeploymentBucket and the v4 bucket parameter),
 * in any region. Created by the service-managed execution-role StackSet, which the execution role cannot change.
 * test/proof/stackset-execution-role.test.ts checks that it holds every statement of both roles.
 */
function macroRoleBoundary(n: ReturnType<typeof macroResourceNames>): Record<string, unknown> {
  const sub = (s: string) => ({ 'Fn::Sub': s });
  return {
    Type: 'AWS::IAM::ManagedPolicy',
    Properties: {
      ManagedPolicyName: sub(boundaryPolicyName('${MacroName}')),
      Description: "Permissions boundary of the Formidable::Serverless::Access macro's roles (npm run rollout)",
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'WriteOwnLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [n.macroLogGroup, n.resolverLogGroup].map((g) =>
              sub(`arn:\${AWS::Partition}:logs:*:\${AWS::AccountId}:log-group:${g}:*`),
            ),
          },
          {
            Sid: 'ReadFrameworkStackBucket',
            Effect: 'Allow',
            Action: 'cloudformation:DescribeStackResource',
            Resource: sub('arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/*/*'),
          },
          {
            Sid: 'ReadV4SharedBucketParameter',
            Effect: 'Allow',
            Action: 'ssm:GetParameter',
            Resource: sub(
              'arn:${AWS::Partition}:ssm:*:${AWS::AccountId}:parameter/serverless-framework/deployment/s3-bucket',
            ),
          },
        ],
      },
    },
  };
}

function executionRoleOf(roleArns: object[], functionArns: object[], logGroupArns: object[]): Template {
  const arn = (service: string, resource: string, region = '*') => ({
    'Fn::Sub': `arn:\${AWS::Partition}:${service}:${region}:\${AWS::AccountId}:${resource}`,
  });
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${EXECUTION_ROLE} for the self-managed StackSet of the Formidable::Serverless::Access macro (npm run rollout)`,
    Parameters: {
      AdministrationRoleArn: {
        Type: 'String',
        Description: `ARN of ${ADMINISTRATION_ROLE} in the StackSets administrator account`,
        AllowedPattern: `^arn:aws[-a-z]*:iam::\\d{12}:role/(.+/)?${ADMINISTRATION_ROLE}$`,
      },
      MacroStackSetName: {
        Type: 'String',
        Description: 'Name of the self-managed StackSet that deploys the macro',
        AllowedPattern: '^[a-zA-Z][-a-zA-Z0-9]{0,127}$',
      },
      MacroName: {
        Type: 'String',
        Description: "The macro StackSet's MacroName: it names the macro's roles, functions and log groups",
        AllowedPattern: '^[A-Za-z0-9_-]+$',
        MaxLength: 32,
      },
      CodeBucketPrefix: {
        Type: 'String',
        Description: 'Code buckets are <prefix>-<region>',
        AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,40}$',
      },
      CodeKeyPrefix: {
        Type: 'String',
        Description: 'Key prefix of the code objects',
        AllowedPattern: '^[-a-zA-Z0-9_.]{1,100}$',
      },
    },
    Resources: {
      ExecutionRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: EXECUTION_ROLE,
          AssumeRolePolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { AWS: { Ref: 'AdministrationRoleArn' } }, Action: 'sts:AssumeRole' },
            ],
          },
          Policies: [
            {
              PolicyName: 'deploy-formidable-serverless-access-macro',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'MacroStacks',
                    Effect: 'Allow',
                    Action: [
                      'cloudformation:CreateStack',
                      'cloudformation:UpdateStack',
                      'cloudformation:DeleteStack',
                      'cloudformation:DescribeStacks',
                      'cloudformation:DescribeStackEvents',
                      'cloudformation:DescribeStackResource',
                      'cloudformation:DescribeStackResources',
                      'cloudformation:ListStackResources',
                      'cloudformation:GetTemplate',
                    ],
                    // StackSet-<name>-<uuid>: the ?s take exactly a UUID, so not the stacks of a StackSet whose name
                    // only starts like this one's (<name>-execution-role, the execution role's own)
                    Resource: arn('cloudformation', `stack/StackSet-\${MacroStackSetName}-${STACK_UUID}/*`),
                  },
                  {
                    Sid: 'ValidateTemplate',
                    Effect: 'Allow',
                    Action: ['cloudformation:ValidateTemplate', 'cloudformation:GetTemplateSummary'],
                    Resource: '*',
                  },
                  {
                    // AWS::IAM::Role create (CreateRole, PutRolePolicy) and update (PutRolePolicy): only while the role
                    // carries the boundary this template creates (MacroRoleBoundary), so no inline policy the role is
                    // given, and no code its function is given, reaches beyond what the boundary allows
                    Sid: 'MacroRolesBounded',
                    Effect: 'Allow',
                    Action: ['iam:CreateRole', 'iam:PutRolePolicy'],
                    Resource: roleArns,
                    Condition: { StringEquals: { 'iam:PermissionsBoundary': boundaryArn } },
                  },
                  {
                    // the rest of the handlers' calls: read (GetRole, GetRolePolicy), delete (ListAttachedRolePolicies,
                    // ListRolePolicies, DeleteRolePolicy, DeleteRole). The roles carry no tags, managed policy or
                    // description, and their trust never changes (no UpdateAssumeRolePolicy)
                    Sid: 'MacroRoles',
                    Effect: 'Allow',
                    Action: [
                      'iam:GetRole',
                      'iam:GetRolePolicy',
                      'iam:ListRolePolicies',
                      'iam:ListAttachedRolePolicies',
                      'iam:DeleteRolePolicy',
                      'iam:DeleteRole',
                    ],
                    Resource: roleArns,
                  },
                  {
                    Sid: 'PassMacroRolesToLambda',
                    Effect: 'Allow',
                    Action: 'iam:PassRole',
                    Resource: roleArns,
                    Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
                  },
                  {
                    // AWS::Lambda::Function create/update/delete, and the read handler's calls that end them
                    Sid: 'MacroFunctions',
                    Effect: 'Allow',
                    Action: [
                      'lambda:CreateFunction',
                      'lambda:DeleteFunction',
                      'lambda:GetFunction',
                      'lambda:UpdateFunctionCode',
                      'lambda:UpdateFunctionConfiguration',
                      'lambda:GetFunctionCodeSigningConfig',
                      'lambda:GetFunctionRecursionConfig',
                      'lambda:GetRuntimeManagementConfig',
                    ],
                    Resource: functionArns,
                  },
                  {
                    // AWS::Logs::LogGroup create/update (RetentionInDays), delete, and the read handler's tag listing
                    Sid: 'MacroLogGroups',
                    Effect: 'Allow',
                    Action: [
                      'logs:CreateLogGroup',
                      'logs:DeleteLogGroup',
                      'logs:PutRetentionPolicy',
                      'logs:ListTagsForResource',
                    ],
                    Resource: logGroupArns,
                  },
                  // DescribeLogGroups has no resource type (Service Authorization Reference): it takes only '*'
                  { Sid: 'DescribeLogGroups', Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: '*' },
                  {
                    Sid: 'ReadCode',
                    Effect: 'Allow',
                    Action: ['s3:GetObject', 's3:GetObjectVersion'],
                    Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::${CodeBucketPrefix}-*/${CodeKeyPrefix}/*' },
                  },
                ],
              },
            },
          ],
        },
      },
    },
    Outputs: { ExecutionRoleArn: { Value: { 'Fn::GetAtt': ['ExecutionRole', 'Arn'] } } },
  };
}
