/** Shared shapes of `npm run prove`: recorded calls, steps of a lifecycle, IAM requests and verdicts. */
import { GROUP_ROLES, type GroupRole } from '../../../functions/catalog/types';

export type { GroupRole };
export const ROLES: readonly GroupRole[] = GROUP_ROLES;

/** One AWS SDK call as the recorder wrote it (recorder.cjs), merged with its outcome. */
export interface RecordedCall {
  readonly seq: number;
  /** 2 or 3 (AWS SDK major), or 'http' for a non-AWS request the recorder answered itself. */
  readonly sdk: 2 | 3 | 'http';
  /** SDK v3 serviceId, e.g. "CloudFormation", "CloudWatch Logs". */
  readonly service: string;
  /** Operation as SDK v3 names it, e.g. "DescribeStacks". */
  readonly op: string;
  readonly input: Record<string, unknown>;
  /** Whether the call succeeded against moto (undefined: never settled, e.g. the CLI exited). */
  readonly ok?: boolean;
  readonly error?: string;
  /** The error's message (the recorder keeps its first 300 characters). */
  readonly message?: string;
}

/** The lifecycle steps a proof runs, in order (`kind` drives expectations and on-behalf derivation). */
export type StepKind =
  | 'package'
  | 'deploy-create'
  | 'deploy-nochange'
  | 'deploy-update'
  | 'deploy-update-other-method'
  | 'deploy-function'
  | 'info'
  | 'logs'
  | 'invoke'
  | 'deploy-list'
  | 'rollback'
  | 'rollback-function'
  | 'metrics'
  | 'remove';

export type CfnTemplate = {
  Resources?: Record<string, CfnResourceJson>;
  Outputs?: Record<string, unknown>;
  [k: string]: unknown;
};
export interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  [k: string]: unknown;
}

/** What a stack held after a step: physical ids by logical id (from moto, or synthesized; see template.ts). */
export type PhysicalIds = Record<string, string>;

/** A stack's state at one moment: the compiled template deployed and its physical ids. */
export interface StackState {
  readonly template: CfnTemplate;
  readonly physical: PhysicalIds;
  readonly stackId: string;
}

export interface StepRecord {
  readonly kind: StepKind;
  /** The CLI arguments as run, for the report. */
  readonly argv: readonly string[];
  readonly exitCode: number;
  readonly calls: readonly RecordedCall[];
  /** Stack state before and after the step (undefined: no stack). */
  readonly before?: StackState;
  readonly after?: StackState;
  /** How the step was emulated where moto could not serve it (empty: ran entirely on moto). */
  readonly emulated: readonly string[];
  readonly durationMs: number;
  /** The CLI's output (its last 8,000 characters). */
  readonly output: string;
  /** Tail of the CLI's output when it failed. */
  readonly outputTail?: string;
}

/** The service a lifecycle ran for, as the framework resolved it (.serverless/serverless-state.json). */
export interface ServiceFacts {
  readonly service: string;
  readonly stage: string;
  readonly region: string;
  readonly stackName: string;
  /** provider.stackName when the service sets it. */
  readonly customStackName?: string;
  readonly deploymentBucket?: string;
  readonly deploymentPrefix?: string;
  readonly functions: Readonly<Record<string, { name: string }>>;
  readonly deploymentRole?: string;
  /** provider.notificationArns (topics that must exist). */
  readonly notificationArns?: readonly string[];
  /** Further Access properties a service configured like this needs (FunctionNames, LayerNames, ...: README). */
  readonly accessProperties: Readonly<Record<string, unknown>>;
}

/** One authorization AWS performs: action, concrete resource ARN, context keys. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | string[]>>;
  /** 'cli': the CLI's own SDK call; 'cloudformation': CloudFormation with the caller's credentials. */
  readonly via: 'cli' | 'cloudformation';
  /** Where it comes from: the SDK call (Service.Op #seq) or the template resource and handler. */
  readonly origin: string;
  /** The call-map or on-behalf table entry that produced it. */
  readonly mapId: string;
  /** The CLI continues when this authorization fails with AccessDenied (errors it tolerates). */
  readonly tolerated?: string;
  /** No IAM permission is evaluated for this call (e.g. sts:GetCallerIdentity); `action` says which. */
  readonly noIam?: string;
}

export type Verdict = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface Simulated {
  readonly verdict: Verdict;
  /** Sid of the Allow statement that matched (or of the Deny), or undefined when none did. */
  readonly statement?: string;
  readonly ignoredContextKeys: readonly string[];
  readonly error?: string;
}

/** Against whom a request is evaluated: the service's own stack, or replayed against a neighbour. */
export type Target = 'own' | 'other-service' | 'other-stage';
