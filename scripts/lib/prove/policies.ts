/**
 * The policies under proof: the macro's own Lambda handler expands one `Formidable::Serverless::Access`
 * resource, and each group (admin, developer, ci) gets the policy documents attached to it, exactly as
 * IAM would hold them after CloudFormation resolved the template.
 *
 * The only intrinsics the expansion may leave in a policy are resolved here, the way CloudFormation
 * would: pseudo parameters (AWS::StackName is the Access stack, see accessStackNameOf), `Fn::Sub`, and
 * `Fn::GetAtt` of the deployment-bucket resolver
 * (`Custom::ServerlessDeploymentBucket`, answered by the resolver's own pure core with what it would have
 * observed), and `Ref` of the VPC the Vpc submodule creates (createdVpcId). Anything else throws: a proof over a
 * policy we cannot read is no proof.
 */
import { createHash } from 'node:crypto';
import {
  resolveDeploymentBucket,
  type BucketResolution,
  type BucketResolutionInput,
} from '../../../functions/core/bucket-resolution';
import { GROUP_ROLES, type GroupRole } from '../../../functions/catalog/types';
import { logicalIds } from '../../../functions/core/naming';
import { accessTemplate, expandTemplate } from '../harness';
import { ACCOUNT_ID, type PolicyDoc } from './simulate';

export const MACRO_REGION = 'us-east-1';
export const MACRO_NAME = 'FormidableServerless';
export const ACCESS_LOGICAL_ID = 'Proof';

export interface AccessInput {
  /** serverless.yml `service` (Access property SlsServiceName; ServiceName is set to the same string). */
  readonly serviceName: string;
  readonly stage: string;
  /** Region of the framework stack (Access property Region); default the macro's region. */
  readonly region?: string;
  readonly stackName?: string;
  /** A custom deployment bucket (provider.deploymentBucket.name). */
  readonly deploymentBucket?: string;
  readonly deploymentPrefix?: string;
  /**
   * What the bucket resolver observed: the stack's ServerlessDeploymentBucket physical id (the state after
   * the first deploy and a Token change), or undefined for the state before it (the name pattern).
   */
  readonly observedBucketName?: string;
  /** Extra Access properties (ManyLambdas, IamStage, ...). */
  readonly extraProperties?: Readonly<Record<string, unknown>>;
  /** Name of the stack the Access resource lives in (AWS::StackName); default accessStackNameOf(...). */
  readonly accessStackName?: string;
}

/** The name the proof gives the stack holding the Access resource (the platform team's choice). */
export function accessStackNameOf(serviceName: string, stage: string): string {
  return `formidable-access-${serviceName}-${stage}`;
}

export interface ProofPolicies {
  readonly groups: Readonly<Record<GroupRole, readonly PolicyDoc[]>>;
  /** The processed template fragment, for inspection. */
  readonly fragment: Record<string, unknown>;
  /** The resolver's answer, when the expansion has a resolver. */
  readonly bucket?: BucketResolution;
  /** What AWS::StackName resolved to. */
  readonly accessStackName: string;
}

export class UnresolvedIntrinsicError extends Error {
  override name = 'UnresolvedIntrinsicError';
}

type Resources = Record<string, { Type?: string; Properties?: Record<string, unknown> }>;

/** Runs the macro handler on one Access resource and returns each group's policy documents. */
export async function policiesFor(input: AccessInput): Promise<ProofPolicies> {
  const properties: Record<string, unknown> = {
    ServiceName: input.serviceName,
    SlsServiceName: input.serviceName,
    Stage: input.stage,
    ...(input.region ? { Region: input.region } : {}),
    ...(input.stackName ? { StackName: input.stackName } : {}),
    ...(input.deploymentBucket ? { DeploymentBucket: input.deploymentBucket } : {}),
    ...(input.deploymentPrefix ? { DeploymentPrefix: input.deploymentPrefix } : {}),
    ...(input.extraProperties ?? {}),
  };
  const fragment = await expandTemplate(accessTemplate(properties, ACCESS_LOGICAL_ID), {
    region: MACRO_REGION,
    accountId: ACCOUNT_ID,
    macroNames: [MACRO_NAME],
    requestId: 'proof',
    what: JSON.stringify(properties),
  });
  const resources = (fragment.Resources ?? {}) as Resources;
  const accessStackName = input.accessStackName ?? accessStackNameOf(input.serviceName, input.stage);
  const resolver = new Resolver(resources, input.observedBucketName, accessStackName);

  const groups = {} as Record<GroupRole, PolicyDoc[]>;
  for (const role of GROUP_ROLES) {
    const groupId = logicalIds.group(ACCESS_LOGICAL_ID, role);
    const group = resources[groupId];
    if (!group || group.Type !== 'AWS::IAM::Group') throw new Error(`the expansion has no ${role} group ${groupId}`);
    const props = group.Properties ?? {};
    if (props.Policies !== undefined)
      throw new Error(`group ${groupId} has inline Policies; the proof only reads ManagedPolicyArns`);
    const arns = props.ManagedPolicyArns;
    if (!Array.isArray(arns) || arns.length === 0) throw new Error(`group ${groupId} has no ManagedPolicyArns`);
    groups[role] = arns.map((arn, i) => {
      const ref = (arn as { Ref?: unknown })?.Ref;
      const target = typeof ref === 'string' ? resources[ref] : undefined;
      if (!target || target.Type !== 'AWS::IAM::ManagedPolicy') {
        throw new UnresolvedIntrinsicError(
          `${groupId}.ManagedPolicyArns[${i}] = ${JSON.stringify(arn)} is not a Ref to a ManagedPolicy of the expansion`,
        );
      }
      return {
        name: String(ref),
        document: resolver.resolve(target.Properties?.PolicyDocument, `${ref}.PolicyDocument`),
      };
    });
  }
  return { groups, fragment, bucket: resolver.bucket, accessStackName };
}

/**
 * Resolves what CloudFormation would make of the intrinsics an expansion leaves in its policies (exported for
 * the adversarial suite, which reads the golden expansions with it). `sharedParameterValue`: the v4 parameter
 * the resolver observed (shared mode), undefined when it is missing.
 */
/**
 * The id the proofs give the VPC the Vpc submodule creates (the Ref of its AWS::EC2::VPC): one per Access stack, as
 * each stage and service that creates its network gets its own VPC.
 */
export function createdVpcId(accessStackName: string): string {
  return `vpc-${createHash('sha256').update(accessStackName).digest('hex').slice(0, 17)}`;
}

/** The id the proofs give a subnet or security group the Vpc submodule creates: one per Access stack and logical id. */
export function createdNetworkId(kind: 'subnet' | 'sg', accessStackName: string, logicalId: string): string {
  return `${kind}-${createHash('sha256').update(`${accessStackName}/${logicalId}`).digest('hex').slice(0, 17)}`;
}

export class Resolver {
  bucket?: BucketResolution;

  constructor(
    private readonly resources: Resources,
    private readonly observedBucketName: string | undefined,
    private readonly accessStackName: string,
    private readonly sharedParameterValue?: string,
  ) {}

  private pseudo(name: string): string | undefined {
    if (name === 'AWS::StackName') return this.accessStackName;
    if (name === 'AWS::StackId')
      return `arn:aws:cloudformation:${MACRO_REGION}:${ACCOUNT_ID}:stack/${this.accessStackName}/0a0a0a0a-1111-4222-8333-444444444444`;
    return pseudo(name);
  }

  resolve(value: unknown, path: string): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${path}[${i}]`));
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::')))
      return this.intrinsic(keys[0], obj[keys[0]], path);
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = this.resolve(obj[k], `${path}.${k}`);
    return out;
  }

  private intrinsic(fn: string, arg: unknown, path: string): string {
    if (fn === 'Ref' && typeof arg === 'string') {
      const p = this.pseudo(arg);
      if (p !== undefined) return p;
      // The VPC the Vpc submodule creates (Mode: create): its id once CloudFormation has made it.
      if (this.resources[arg]?.Type === 'AWS::EC2::VPC') return createdVpcId(this.accessStackName);
      // Its private subnets and security group (F9: the catalog and the boundary name them).
      if (this.resources[arg]?.Type === 'AWS::EC2::Subnet')
        return createdNetworkId('subnet', this.accessStackName, arg);
      if (this.resources[arg]?.Type === 'AWS::EC2::SecurityGroup')
        return createdNetworkId('sg', this.accessStackName, arg);
    }
    if (fn === 'Fn::GetAtt') {
      const [id, attribute] = Array.isArray(arg) ? arg : typeof arg === 'string' ? arg.split('.') : [];
      const r = typeof id === 'string' ? this.resources[id] : undefined;
      if (r?.Type === 'Custom::ServerlessDeploymentBucket' && typeof attribute === 'string') {
        const answer = this.bucketAnswer(r.Properties ?? {}, `${path} (${id})`);
        const v = (answer as unknown as Record<string, unknown>)[attribute];
        if (typeof v === 'string') return v;
      }
    }
    if (fn === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? [arg[0], (arg[1] ?? {}) as Record<string, unknown>] : [arg, {}];
      if (typeof text === 'string') {
        return text.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
          if (name.startsWith('!')) return `\${${name.slice(1)}}`;
          if (Object.prototype.hasOwnProperty.call(vars, name)) {
            const v = this.resolve(vars[name], `${path}.Fn::Sub.${name}`);
            if (typeof v === 'string') return v;
          }
          const p = this.pseudo(name);
          if (p !== undefined) return p;
          throw new UnresolvedIntrinsicError(`${path}: cannot resolve \${${name}} in Fn::Sub ${JSON.stringify(text)}`);
        });
      }
    }
    throw new UnresolvedIntrinsicError(
      `${path}: cannot resolve ${JSON.stringify({ [fn]: arg })}; teach scripts/lib/prove/policies.ts what CloudFormation would make of it`,
    );
  }

  private bucketAnswer(props: Record<string, unknown>, path: string): BucketResolution {
    if (!this.bucket) {
      // Only the inputs the resolver's core reads (its ServiceToken is an import, irrelevant here).
      const input: Record<string, unknown> = {};
      for (const k of ['StackName', 'Partition', 'Mode', 'Region', 'CustomBucketName'])
        input[k] = this.resolve(props[k], `${path}.${k}`);
      this.bucket = resolveDeploymentBucket({
        StackName: input.StackName,
        Partition: input.Partition,
        Mode: input.Mode,
        Region: input.Region,
        CustomBucketName: input.CustomBucketName,
        ObservedBucketName: this.observedBucketName ?? null,
        SharedParameterValue: this.sharedParameterValue ?? null,
      } as BucketResolutionInput);
    }
    return this.bucket;
  }
}

function pseudo(name: string): string | undefined {
  switch (name) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return MACRO_REGION;
    case 'AWS::AccountId':
      return ACCOUNT_ID;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default:
      return undefined;
  }
}
