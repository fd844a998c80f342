/**
 * Drives the real Serverless Framework CLI through a service's lifecycle against moto, recording every
 * SDK call in-process (recorder.cjs), and captures the stack before and after each step (template and
 * physical ids, read from moto directly: those reads are not part of the proof).
 *
 * Per service and framework version (one "unit", on a freshly reset moto):
 *   1. package every stage, and the neighbour service (the same serverless.yml with the service renamed
 *      <service>2, first stage);
 *   2. create what the service expects to exist already (queues, topics, streams, buckets, log groups,
 *      roles, policies named in serverless.yml: see world()), as one CloudFormation stack;
 *   3. deploy (create) every stage and the neighbour service, beside each other;
 *   4. for each fully proven stage: deploy (no change), deploy (update after a code change), deploy with
 *      the other deployment method (config variant), deploy function, info, invoke, logs, deploy list,
 *      rollback -t <first deployment>, rollback function, metrics;
 *   5. remove each fully proven stage.
 */
import { spawn } from 'child_process';
import { createHash } from 'crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'fs';
import { join } from 'path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { accessPropertiesOf } from '../../../functions/core/service-config';
import type { MotoServer } from '../moto';
import type { Framework } from './frameworks';
import { macroBoundaryOf, unboundedRoles, wireBoundary, wireCustomResourceRole } from './boundary';
import { wireDeploymentRole } from './deployment-roles';
import { packagedNameProblems } from './framework-names';
import { physicalIds } from './template';
import type { CfnTemplate, RecordedCall, ServiceFacts, StackState, StepKind, StepRecord } from './types';

export const RECORDER = join(__dirname, 'recorder.cjs');
export const ACCOUNT = '123456789012';
export const PARTITION = 'aws';
const CLI_TIMEOUT_MS = 300_000;

export interface ServiceSpec {
  /** Fixture name or folder name, as the report shows it. */
  readonly id: string;
  /** Folder holding serverless.yml. */
  readonly dir: string;
  readonly stages: readonly string[];
  /** Stages created only as neighbours (added when a single stage is asked for), never proven in full. */
  readonly neighbourStages?: readonly string[];
  /** Files copied over the service folder (a moto variant's serverless.yml), and why. */
  readonly overlay?: { readonly dir: string; readonly why: string };
}

export interface StageRun {
  readonly stage: string;
  readonly facts: ServiceFacts;
  readonly steps: StepRecord[];
  /** The stack right after its first deploy (the neighbour other stages are replayed against). */
  created?: StackState;
  /** Set when moto could not create the stack: which resource failed, and why (the create was emulated). */
  emulatedCreate?: string;
  /** Every state the stack went through (for name rewriting). */
  readonly states: StackState[];
  readonly full: boolean;
}

export interface UnitRun {
  readonly spec: ServiceSpec;
  readonly framework: Framework;
  readonly stages: StageRun[];
  /** The neighbour service (renamed) after its first deploy. */
  otherService?: { facts: ServiceFacts; state?: StackState };
  /** What was created before the first deploy because the service expects it. */
  readonly world: string[];
  readonly errors: string[];
  /** Lifecycle steps not run, and why (e.g. moto could not create the stack they need). */
  readonly notRun: string[];
  durationMs: number;
}

export interface RunOptions {
  readonly framework: Framework;
  readonly moto: MotoServer;
  /** Scratch folder of this unit (created, and removed by the caller). */
  readonly workRoot: string;
  /** How many of the stages get the whole lifecycle (the rest are created only, as neighbours). */
  readonly fullStages: number;
  /**
   * HOME of the CLI (temporary, shared by the units of one worker and framework: the framework caches its
   * compiled config-schema validators there, which costs ~2 s of CPU on a fresh HOME). Default: per unit.
   */
  readonly home?: string;
  readonly log?: (line: string) => void;
  /** DeploymentRoles: wire provider.iam.deploymentRole (the macro's admin role) into every copy of the service. */
  readonly deploymentRoles?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// CLI invocation

interface CliResult {
  exitCode: number;
  output: string;
  durationMs: number;
}

function cliEnv(endpoint: string, home: string, traceFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of [
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_SESSION_TOKEN',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE',
  ])
    delete env[k];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'dummy',
    AWS_ENDPOINT_URL: endpoint,
    MOTO_ENDPOINT: endpoint,
    HOME: home,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DEPRECATION_DISABLE: '*',
    SLS_AWS_MONITORING_FREQUENCY: '100',
    SLS_INTERACTIVE_SETUP_DISABLE: '1',
    NODE_OPTIONS: `--require ${RECORDER} --no-warnings`,
    PROVE_TRACE_FILE: traceFile,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
}

function runCli(fw: Framework, cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fw.bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (c: Buffer) => (output = (output + c.toString()).slice(-20000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 128 : 1), output, durationMs: Date.now() - started });
    });
  });
}

/** The recorder's JSONL, start and settle lines merged, in call order. */
export function readTrace(file: string): RecordedCall[] {
  if (!existsSync(file)) return [];
  const calls = new Map<number, RecordedCall>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line) as Record<string, unknown>;
    const seq = rec.seq as number;
    if (rec.done) {
      const c = calls.get(seq);
      if (c)
        calls.set(seq, {
          ...c,
          ok: rec.ok as boolean,
          ...(rec.error ? { error: String(rec.error) } : {}),
          ...(rec.message ? { message: String(rec.message) } : {}),
        });
    } else {
      calls.set(seq, {
        seq,
        sdk: rec.sdk as RecordedCall['sdk'],
        service: String(rec.service),
        op: String(rec.op),
        input: (rec.input ?? {}) as Record<string, unknown>,
      });
    }
  }
  return [...calls.values()].sort((a, b) => a.seq - b.seq);
}

// ---------------------------------------------------------------------------------------------------------
// The service folder

function copyService(spec: ServiceSpec, dest: string, renameService?: { from: string; to: string }): void {
  mkdirSync(dest, { recursive: true });
  for (const entry of readdirSync(spec.dir)) {
    if (entry === '.serverless' || entry === '.git') continue;
    if (entry === 'node_modules') {
      symlinkSync(join(spec.dir, entry), join(dest, entry));
      continue;
    }
    cpSync(join(spec.dir, entry), join(dest, entry), { recursive: true });
  }
  if (spec.overlay) cpSync(spec.overlay.dir, dest, { recursive: true });
  // Fixtures are read-only: make the copy writable.
  chmodTree(dest);
  if (renameService) {
    const file = serverlessFile(dest);
    const text = readFileSync(file, 'utf8');
    const escaped = renameService.from.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&');
    writeFileSync(file, text.replace(new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g'), renameService.to));
  }
}

function chmodTree(dir: string): void {
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(dir);
}

export function serverlessFile(dir: string): string {
  for (const name of ['serverless.yml', 'serverless.yaml']) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`${dir} holds no serverless.yml (serverless.ts/.js/.json services are not supported by the proof)`);
}

/** The service name as serverless.yml writes it (`service: x` or `service:\n  name: x`). */
export function declaredService(dir: string): string {
  const text = readFileSync(serverlessFile(dir), 'utf8');
  const m =
    /^service:\s*([A-Za-z][0-9A-Za-z-]*)\s*$/m.exec(text) ??
    /^service:\s*\n\s+name:\s*([A-Za-z][0-9A-Za-z-]*)\s*$/m.exec(text);
  if (!m) throw new Error(`${serverlessFile(dir)}: cannot read a literal 'service:' name`);
  return m[1];
}

/** serverless.yml with provider.deploymentMethod set (replaced, or inserted under provider:). */
export function withDeploymentMethod(text: string, method: 'direct' | 'changesets'): string {
  if (/^(\s+)deploymentMethod:.*$/m.test(text))
    return text.replace(/^(\s+)deploymentMethod:.*$/m, `$1deploymentMethod: ${method}`);
  const m = /^provider:\s*\n(\s+)/m.exec(text);
  if (!m) throw new Error('serverless.yml has no provider: block to set deploymentMethod in');
  return text.replace(/^provider:\s*\n/m, `provider:\n${m[1]}deploymentMethod: ${method}\n`);
}

/**
 * serverless-state.json writes repeated objects once and refers to them as {"$ref": "$[\"service\"][\"layers\"]"}
 * (decycled JSON): put them back.
 */
export function retrocycle(root: unknown): unknown {
  const at = (path: string): unknown => {
    let cur: unknown = root;
    for (const m of path.slice(1).matchAll(/\[("(?:[^"\\]|\\.)*"|\d+)\]/g)) {
      const key = m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : Number(m[1]);
      cur = (cur as Record<string | number, unknown>)?.[key];
    }
    return cur;
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (!v || typeof v !== 'object' || depth > 64) return v;
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.$ref === 'string' && o.$ref.startsWith('$'))
      return walk(at(o.$ref), depth + 1);
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x, depth + 1)]));
  };
  return walk(root, 0);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the framework's serverless-state.json, any shape it writes
type FrameworkState = Record<string, any>;

/** The service as the framework resolved it for `stage` (serverless-state.json keeps the configured stage, not --stage). */
export function readFacts(workDir: string, stage: string): ServiceFacts {
  const file = join(workDir, '.serverless', 'serverless-state.json');
  const state = retrocycle(JSON.parse(readFileSync(file, 'utf8'))) as { service: FrameworkState };
  const s = state.service;
  const provider = s.provider ?? {};
  const service = typeof s.service === 'string' ? s.service : s.serviceObject?.name;
  const bucket =
    typeof provider.deploymentBucket === 'string'
      ? provider.deploymentBucket
      : (provider.deploymentBucketObject?.name ?? provider.deploymentBucket?.name);
  const functions: Record<string, { name: string }> = {};
  for (const [key, f] of Object.entries<FrameworkState>(s.functions ?? {})) functions[key] = { name: String(f.name) };
  const role = provider.iam?.deploymentRole ?? provider.cfnRole;
  const accessProperties = accessPropertiesOf(s, service, stage);
  return {
    service,
    stage,
    region: provider.region ?? 'us-east-1',
    stackName: typeof provider.stackName === 'string' ? provider.stackName : `${service}-${stage}`,
    ...(typeof provider.stackName === 'string' ? { customStackName: provider.stackName } : {}),
    ...(typeof bucket === 'string' ? { deploymentBucket: bucket } : {}),
    ...(typeof provider.deploymentPrefix === 'string' ? { deploymentPrefix: provider.deploymentPrefix } : {}),
    functions,
    ...(typeof role === 'string' ? { deploymentRole: role } : {}),
    ...(Array.isArray(provider.notificationArns) ? { notificationArns: provider.notificationArns.map(String) } : {}),
    accessProperties,
  };
}

function compiledTemplate(workDir: string, kind: 'create' | 'update'): CfnTemplate | undefined {
  const file = join(workDir, '.serverless', `cloudformation-template-${kind}-stack.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate) : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Stack state, read from moto directly (not recorded)

export function cfnClient(endpoint: string, region: string): CloudFormationClient {
  return new CloudFormationClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'dummy' },
  });
}

export async function stackState(endpoint: string, facts: ServiceFacts): Promise<StackState | undefined> {
  const cfn = cfnClient(endpoint, facts.region);
  try {
    let stack;
    try {
      stack = (await cfn.send(new DescribeStacksCommand({ StackName: facts.stackName }))).Stacks?.[0];
    } catch {
      return undefined;
    }
    if (!stack?.StackId || stack.StackStatus === 'DELETE_COMPLETE') return undefined;
    const summaries: StackResourceSummary[] = [];
    let token: string | undefined;
    do {
      const page = await cfn.send(new ListStackResourcesCommand({ StackName: stack.StackId, NextToken: token }));
      summaries.push(...(page.StackResourceSummaries ?? []));
      token = page.NextToken;
    } while (token);
    const body = (await cfn.send(new GetTemplateCommand({ StackName: stack.StackId }))).TemplateBody ?? '{}';
    const template = JSON.parse(body) as CfnTemplate;
    const moto: Record<string, string> = {};
    for (const s of summaries)
      if (s.LogicalResourceId && s.PhysicalResourceId) moto[s.LogicalResourceId] = s.PhysicalResourceId;
    const physical = physicalIds(
      template,
      {
        partition: PARTITION,
        region: facts.region,
        account: ACCOUNT,
        stackName: facts.stackName,
        stackId: stack.StackId,
      },
      moto,
    );
    return { template, physical, stackId: stack.StackId };
  } finally {
    cfn.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------
// What the service expects to exist already

interface WorldItem {
  readonly region: string;
  readonly type: string;
  readonly properties: Record<string, unknown>;
  readonly label: string;
}

/** External resources a packaged service names (ARNs and names in the compiled template and provider settings). */
export function worldItems(facts: ServiceFacts, template: CfnTemplate): WorldItem[] {
  const items = new Map<string, WorldItem>();
  const add = (region: string, type: string, key: string, properties: Record<string, unknown>) =>
    items.set(`${region}|${type}|${key}`, { region, type, properties, label: `${type.replace(/^AWS::/, '')} ${key}` });
  const text = JSON.stringify(template.Resources ?? {});
  for (const m of text.matchAll(/arn:aws:sqs:([a-z0-9-]+):\d{12}:([A-Za-z0-9_.-]+)/g))
    add(m[1], 'AWS::SQS::Queue', m[2], { QueueName: m[2] });
  for (const m of text.matchAll(/arn:aws:sns:([a-z0-9-]+):\d{12}:([A-Za-z0-9_.-]+)/g))
    add(m[1], 'AWS::SNS::Topic', m[2], { TopicName: m[2] });
  for (const m of text.matchAll(/arn:aws:kinesis:([a-z0-9-]+):\d{12}:stream\/([A-Za-z0-9_.-]+)/g))
    add(m[1], 'AWS::Kinesis::Stream', m[2], { Name: m[2], ShardCount: 1 });
  for (const m of text.matchAll(/arn:aws:iam::\d{12}:policy\/([A-Za-z0-9_+=,.@-]+)/g)) {
    add('us-east-1', 'AWS::IAM::ManagedPolicy', m[1], {
      ManagedPolicyName: m[1],
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] },
    });
  }
  for (const r of Object.values(template.Resources ?? {})) {
    const p = r.Properties ?? {};
    if (r.Type === 'Custom::S3' && typeof p.BucketName === 'string')
      add(facts.region, 'AWS::S3::Bucket', p.BucketName, { BucketName: p.BucketName });
    if (r.Type === 'AWS::Logs::SubscriptionFilter' && typeof p.LogGroupName === 'string')
      add(facts.region, 'AWS::Logs::LogGroup', p.LogGroupName, { LogGroupName: p.LogGroupName });
  }
  if (facts.deploymentBucket)
    add(facts.region, 'AWS::S3::Bucket', facts.deploymentBucket, { BucketName: facts.deploymentBucket });
  for (const arn of facts.notificationArns ?? []) {
    const m = /^arn:aws:sns:([a-z0-9-]+):\d{12}:([A-Za-z0-9_.-]+)$/.exec(arn);
    if (m) add(m[1], 'AWS::SNS::Topic', m[2], { TopicName: m[2] });
  }
  if (facts.deploymentRole) {
    const name = facts.deploymentRole.slice(facts.deploymentRole.lastIndexOf('/') + 1);
    add('us-east-1', 'AWS::IAM::Role', name, {
      RoleName: name,
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
    });
  }
  return [...items.values()];
}

async function createWorld(endpoint: string, items: readonly WorldItem[]): Promise<void> {
  const byRegion = new Map<string, WorldItem[]>();
  for (const i of items) byRegion.set(i.region, [...(byRegion.get(i.region) ?? []), i]);
  for (const [region, list] of byRegion) {
    const cfn = cfnClient(endpoint, region);
    try {
      const Resources = Object.fromEntries(
        list.map((i, n) => [`World${n}`, { Type: i.type, Properties: i.properties }]),
      );
      await cfn.send(
        new CreateStackCommand({
          StackName: 'prove-world',
          TemplateBody: JSON.stringify({ Resources }),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      );
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'prove-world' }))).Stacks?.[0];
      if (stack?.StackStatus !== 'CREATE_COMPLETE')
        throw new Error(`the world stack in ${region} ended ${stack?.StackStatus}`);
    } finally {
      cfn.destroy();
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// The lifecycle

const EMULATION = {
  invoke:
    'Lambda Invoke answered by moto without running the code (moto_prove_ext.py; moto needs Docker); the request is the real one',
  presigned:
    'the presigned Code.Location download answered by the recorder with a small zip (recorder.cjs); no IAM is involved',
  custom: 'custom resources completed by moto without invoking their Lambda (moto_prove_ext.py; moto needs Docker)',
  bucketName: "the generated deployment bucket named by AWS's rule, truncation included (moto_prove_ext.py)",
} as const;

function emulationsOf(
  kind: StepKind,
  calls: readonly RecordedCall[],
  before: StackState | undefined,
  after: StackState | undefined,
): string[] {
  const out: string[] = [];
  if (calls.some((c) => c.service === 'Lambda' && c.op === 'Invoke')) out.push(EMULATION.invoke);
  if (calls.some((c) => c.service === 'presigned-url')) out.push(EMULATION.presigned);
  const customs = (s?: StackState) =>
    Object.values(s?.template.Resources ?? {}).some((r) => r.Type.startsWith('Custom::'));
  if (
    (kind.startsWith('deploy') || kind === 'rollback' || kind === 'remove') &&
    (customs(before) || customs(after)) &&
    JSON.stringify(before?.template) !== JSON.stringify(after?.template)
  ) {
    out.push(EMULATION.custom);
  }
  if (kind === 'deploy-create' && after?.template.Resources?.ServerlessDeploymentBucket) out.push(EMULATION.bucketName);
  return out;
}

/** The first resource moto failed to create or update in the stack's last operation, with moto's reason. */
export interface StackFailure {
  readonly logicalId: string;
  readonly type: string;
  readonly reason: string;
  readonly stackId?: string;
}

export async function stackFailure(endpoint: string, facts: ServiceFacts): Promise<StackFailure | undefined> {
  const cfn = cfnClient(endpoint, facts.region);
  try {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: facts.stackName })).catch(() => undefined))
      ?.Stacks?.[0];
    const events =
      (
        await cfn
          .send(new DescribeStackEventsCommand({ StackName: stack?.StackId ?? facts.stackName }))
          .catch(() => undefined)
      )?.StackEvents ?? [];
    // Newest first: the earliest failure of the last operation is the cause.
    const failed = events.filter(
      (e) =>
        /_FAILED$/.test(e.ResourceStatus ?? '') &&
        e.LogicalResourceId !== facts.stackName &&
        e.ResourceType !== 'AWS::CloudFormation::Stack',
    );
    const first = failed[failed.length - 1];
    if (!first) return undefined;
    return {
      logicalId: first.LogicalResourceId ?? '?',
      type: first.ResourceType ?? '?',
      reason: (first.ResourceStatusReason ?? 'no reason given').replace(/\s+/g, ' ').slice(0, 200),
      ...(stack?.StackId ? { stackId: stack.StackId } : {}),
    };
  } finally {
    cfn.destroy();
  }
}

const STACK_WRITES = new Set(['CreateStack', 'UpdateStack', 'CreateChangeSet', 'ExecuteChangeSet']);

/** moto refused the stack write itself (it checks some resources synchronously): the last such call that failed. */
export function rejectedStackCall(calls: readonly RecordedCall[]): StackFailure | undefined {
  const call = [...calls]
    .reverse()
    .find((c) => c.service === 'CloudFormation' && STACK_WRITES.has(c.op) && c.ok === false);
  if (!call) return undefined;
  return {
    logicalId: `CloudFormation.${call.op}`,
    type: 'the whole template',
    reason: ([call.error, call.message].filter(Boolean).join(': ') || 'no reason given')
      .replace(/\s+/g, ' ')
      .slice(0, 200),
  };
}

/** A stack state built from the framework's compiled template (physical ids synthesized, `keep` reused by logical id). */
export function emulatedState(
  template: CfnTemplate,
  facts: ServiceFacts,
  stackId: string,
  keep?: StackState,
): StackState {
  const synthesized = physicalIds(
    template,
    { partition: PARTITION, region: facts.region, account: ACCOUNT, stackName: facts.stackName, stackId },
    {},
  );
  const physical = { ...synthesized };
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    if (keep?.physical[id] && keep.template.Resources?.[id]?.Type === r.Type) physical[id] = keep.physical[id];
  }
  return { template, physical, stackId };
}

function syntheticStackId(facts: ServiceFacts): string {
  return `arn:${PARTITION}:cloudformation:${facts.region}:${ACCOUNT}:stack/${facts.stackName}/00000000-0000-4000-8000-${createHash('sha256').update(facts.stackName).digest('hex').slice(0, 12)}`;
}

const emulatedNote = (f: StackFailure, what: string) =>
  `${f.logicalId.startsWith('CloudFormation.') ? `moto rejected ${f.logicalId} (it cannot ${what} every resource of the template)` : `moto could not ${what} ${f.logicalId} (${f.type})`}: "${f.reason}"; ` +
  `CloudFormation's calls for this step were derived from the framework's compiled template and cfn-on-behalf.json instead of the stack moto holds`;

class Unit {
  /** Service folders wired with the README's boundary lines (scripts/lib/prove/boundary.ts). */
  readonly bounded = new Set<string>();
  private counter = 0;
  readonly home: string;

  constructor(
    private readonly opts: RunOptions,
    readonly run: UnitRun,
  ) {
    this.home = opts.home ?? join(opts.workRoot, 'home');
    mkdirSync(this.home, { recursive: true });
  }

  log(line: string) {
    this.opts.log?.(`[${this.run.framework.id} ${this.run.spec.id}] ${line}`);
  }

  /**
   * Run one CLI command in `dir` and record it as a step of `stage` (or, without stage, unrecorded). A deploy that
   * moto cannot complete (a resource it cannot create or update) keeps its recorded calls, and its stack state
   * after is the framework's compiled template (emulated, and said so), never the half-built stack moto holds.
   */
  async step(
    dir: string,
    facts: ServiceFacts | undefined,
    kind: StepKind,
    args: string[],
    stageRun?: StageRun,
  ): Promise<StepRecord> {
    const n = ++this.counter;
    const trace = join(this.opts.workRoot, 'traces', `${String(n).padStart(3, '0')}-${kind}.jsonl`);
    mkdirSync(join(this.opts.workRoot, 'traces'), { recursive: true });
    const before = facts ? await stackState(this.opts.moto.endpoint, facts) : undefined;
    const result = await runCli(this.run.framework, dir, args, cliEnv(this.opts.moto.endpoint, this.home, trace));
    const calls = readTrace(trace);
    let after = facts ? await stackState(this.opts.moto.endpoint, facts) : undefined;
    const emulated = emulationsOf(kind, calls, before, after);
    let emulatedFailure: StackFailure | undefined;
    if (result.exitCode !== 0 && facts && kind.startsWith('deploy') && kind !== 'deploy-function') {
      // moto could not create or update a resource: judge CloudFormation's part from the framework's template.
      const failure = (await stackFailure(this.opts.moto.endpoint, facts)) ?? rejectedStackCall(calls);
      const template = compiledTemplate(dir, 'update');
      if (failure && template) {
        emulatedFailure = failure;
        const create = kind === 'deploy-create' || !before;
        after = emulatedState(template, facts, before?.stackId ?? failure.stackId ?? syntheticStackId(facts), before);
        emulated.push(emulatedNote(failure, create ? 'create' : 'update'));
      }
    }
    const record: StepRecord = {
      kind,
      argv: args,
      exitCode: result.exitCode,
      calls,
      before,
      after,
      emulated,
      durationMs: result.durationMs,
      output: result.output.slice(-8000),
      ...(result.exitCode !== 0
        ? {
            outputTail: result.output
              .split('\n')
              .filter((l) => l.trim())
              .slice(-12)
              .join('\n'),
          }
        : {}),
    };
    this.log(
      `${kind} ${args.join(' ')}: exit ${result.exitCode}, ${calls.length} calls, ${(result.durationMs / 1000).toFixed(1)} s`,
    );
    if (result.exitCode !== 0 && !emulatedFailure) {
      this.run.errors.push(
        `${stageRun?.stage ?? '-'} ${kind} (${args.join(' ')}) exited ${result.exitCode}:\n${record.outputTail}`,
      );
    }
    if (stageRun) {
      stageRun.steps.push(record);
      if (after) stageRun.states.push(after);
      if (emulatedFailure && kind === 'deploy-create')
        stageRun.emulatedCreate = `${emulatedFailure.logicalId}${emulatedFailure.logicalId.startsWith('CloudFormation.') ? '' : ` (${emulatedFailure.type})`}: ${emulatedFailure.reason}`;
    }
    // The boundary (README): after each deploy, every role of the stack carries the macro's boundary (moto, GetRole).
    if (facts && after && this.bounded.has(dir) && /^deploy-(create|nochange|update)/.test(kind)) {
      const expected = macroBoundaryOf(facts.service, facts.stage, ACCOUNT, PARTITION);
      for (const p of await unboundedRoles(this.opts.moto.endpoint, facts, expected))
        this.run.errors.push(`${facts.stage} ${kind}: ${p}`);
    }
    return record;
  }

  /**
   * A step emulated without the CLI, for a stage whose stack moto could not create: CloudFormation's calls from
   * the change between two compiled templates (or the deletion of everything), none of the CLI's own calls.
   */
  emulatedStep(
    stageRun: StageRun,
    kind: StepKind,
    argv: string[],
    after: StackState | undefined,
    why: string,
  ): StepRecord {
    const before = stageRun.states[stageRun.states.length - 1];
    const record: StepRecord = {
      kind,
      argv,
      exitCode: 0,
      calls: [],
      before,
      after,
      emulated: [why],
      durationMs: 0,
      output: '',
    };
    stageRun.steps.push(record);
    if (after) stageRun.states.push(after);
    this.log(`${kind} ${argv.join(' ')}: emulated (${why.slice(0, 80)}...)`);
    return record;
  }

  touch(dir: string): void {
    writeFileSync(join(dir, 'prove-touch.txt'), `code change ${++this.counter} ${Date.now()}\n`);
  }
}

/** Run one service with one framework version; never throws for CLI failures (they are in `errors`). */
export async function runUnit(spec: ServiceSpec, opts: RunOptions): Promise<UnitRun> {
  const started = Date.now();
  const run: UnitRun = {
    spec,
    framework: opts.framework,
    stages: [],
    world: [],
    errors: [],
    notRun: [],
    durationMs: 0,
  };
  const unit = new Unit(opts, run);
  await opts.moto.reset();
  const service = declaredService(spec.overlay?.dir ?? spec.dir);
  const other = `${service}2`;
  const dirs = new Map<string, string>();
  for (const stage of spec.stages) {
    const d = join(opts.workRoot, `stage-${stage}`);
    copyService(spec, d);
    dirs.set(stage, d);
    if (wireBoundary(serverlessFile(d), ACCOUNT)) unit.bounded.add(d);
    if (opts.deploymentRoles) wireDeploymentRole(serverlessFile(d), service, stage, ACCOUNT);
  }
  const otherDir = join(opts.workRoot, 'other-service');
  copyService(spec, otherDir, { from: service, to: other });
  if (wireBoundary(serverlessFile(otherDir), ACCOUNT)) unit.bounded.add(otherDir);
  if (opts.deploymentRoles) wireDeploymentRole(serverlessFile(otherDir), other, spec.stages[0], ACCOUNT);
  // The custom-resource role's line only where the framework generates that role (the extension fails elsewhere).
  const wireCustomResources = async (dir: string, stage: string) => {
    if (
      unit.bounded.has(dir) &&
      wireCustomResourceRole(serverlessFile(dir), compiledTemplate(dir, 'update'), ACCOUNT)
    ) {
      await unit.step(dir, undefined, 'package', ['package', '--stage', stage]);
    }
  };

  // 1. package
  for (const [i, stage] of spec.stages.entries()) {
    const dir = dirs.get(stage) as string;
    const full = i < opts.fullStages && !spec.neighbourStages?.includes(stage);
    const stageRun: StageRun = { stage, facts: undefined as unknown as ServiceFacts, steps: [], states: [], full };
    await unit.step(dir, undefined, 'package', ['package', '--stage', stage], stageRun);
    await wireCustomResources(dir, stage);
    if (!existsSync(join(dir, '.serverless', 'serverless-state.json'))) {
      run.errors.push(
        `${stage}: package wrote no .serverless/serverless-state.json; the proof stops here for this service`,
      );
      run.durationMs = Date.now() - started;
      return run;
    }
    (stageRun as { facts: ServiceFacts }).facts = readFacts(dir, stage);
    // Names the framework generates that AWS would refuse (moto accepts them): reported with the fix.
    run.errors.push(
      ...packagedNameProblems(dir, stage, stageRun.facts.region, stageRun.facts.stackName, ACCOUNT, PARTITION),
    );
    run.stages.push(stageRun);
  }
  await unit.step(otherDir, undefined, 'package', ['package', '--stage', spec.stages[0]]);
  await wireCustomResources(otherDir, spec.stages[0]);
  const otherFacts = existsSync(join(otherDir, '.serverless', 'serverless-state.json'))
    ? readFacts(otherDir, spec.stages[0])
    : undefined;

  // 2. the world the service expects
  const world = new Map<string, WorldItem>();
  for (const s of run.stages) {
    const t = compiledTemplate(dirs.get(s.stage) as string, 'update');
    if (t) for (const w of worldItems(s.facts, t)) world.set(`${w.region}|${w.label}`, w);
  }
  if (otherFacts) {
    const t = compiledTemplate(otherDir, 'update');
    if (t) for (const w of worldItems(otherFacts, t)) world.set(`${w.region}|${w.label}`, w);
  }
  try {
    await createWorld(opts.moto.endpoint, [...world.values()]);
    run.world.push(...[...world.values()].map((w) => `${w.label} (${w.region})`));
  } catch (e) {
    run.errors.push(`creating what the service expects to exist failed: ${(e as Error).message}`);
  }

  // 3. create every stage and the neighbour service
  for (const s of run.stages) {
    const rec = await unit.step(
      dirs.get(s.stage) as string,
      s.facts,
      'deploy-create',
      ['deploy', '--stage', s.stage],
      s,
    );
    s.created = rec.after;
  }
  if (otherFacts) {
    const rec = await unit.step(otherDir, otherFacts, 'deploy-create', ['deploy', '--stage', spec.stages[0]]);
    run.otherService = { facts: otherFacts, state: rec.after };
  }

  // 4. the rest of the lifecycle (stages moto could not create: emulated update and remove, the rest not run)
  for (const s of run.stages.filter((x) => x.full && x.emulatedCreate)) {
    const dir = dirs.get(s.stage) as string;
    const why = `the stack could not be created on moto (${s.emulatedCreate})`;
    unit.touch(dir);
    await unit.step(dir, undefined, 'package', ['package', '--stage', s.stage]);
    const template = compiledTemplate(dir, 'update');
    const created = s.created as StackState;
    if (template) {
      unit.emulatedStep(
        s,
        'deploy-update',
        ['deploy', '--stage', s.stage],
        emulatedState(template, s.facts, created.stackId, s.states[s.states.length - 1]),
        `deploy (update) after a code change, not run: ${why}; CloudFormation's calls derived from the change between the two compiled templates (cfn-on-behalf.json); the CLI's own calls are not part of this step`,
      );
    } else {
      run.errors.push(`${s.stage}: package after a code change wrote no template; deploy (update) not emulated`);
    }
    run.notRun.push(
      `${s.stage}: deploy (no change), deploy (other method), deploy function, info, invoke, logs, deploy list, rollback, rollback function and metrics not run: ${why}`,
    );
  }
  for (const s of run.stages.filter((x) => x.full && !x.emulatedCreate)) {
    const dir = dirs.get(s.stage) as string;
    const fn = Object.keys(s.facts.functions)[0];
    const st = ['--stage', s.stage];
    await unit.step(dir, s.facts, 'deploy-nochange', ['deploy', ...st], s);
    unit.touch(dir);
    await unit.step(dir, s.facts, 'deploy-update', ['deploy', ...st], s);
    const file = serverlessFile(dir);
    const original = readFileSync(file, 'utf8');
    const direct = /^\s+deploymentMethod:\s*direct\s*$/m.test(original);
    writeFileSync(file, withDeploymentMethod(original, direct ? 'changesets' : 'direct'));
    unit.touch(dir);
    await unit.step(dir, s.facts, 'deploy-update-other-method', ['deploy', ...st], s);
    writeFileSync(file, original);
    if (fn) {
      unit.touch(dir);
      await unit.step(dir, s.facts, 'deploy-function', ['deploy', 'function', '-f', fn, ...st], s);
    }
    await unit.step(dir, s.facts, 'info', ['info', ...st], s);
    if (fn) {
      await unit.step(dir, s.facts, 'invoke', ['invoke', '-f', fn, ...st], s);
      await unit.step(dir, s.facts, 'logs', ['logs', '-f', fn, ...st], s);
    }
    const list = await unit.step(dir, s.facts, 'deploy-list', ['deploy', 'list', ...st], s);
    const stamps = [...list.output.matchAll(/Timestamp: (\d+)/g)].map((m) => m[1]);
    if (stamps.length) await unit.step(dir, s.facts, 'rollback', ['rollback', '-t', stamps[0], ...st], s);
    else run.errors.push(`${s.stage}: deploy list printed no timestamp; rollback -t skipped`);
    if (fn)
      await unit.step(
        dir,
        s.facts,
        'rollback-function',
        ['rollback', 'function', '-f', fn, '--function-version', '1', ...st],
        s,
      );
    await unit.step(dir, s.facts, 'metrics', ['metrics', ...st], s);
  }
  // 5. remove
  for (const s of run.stages.filter((x) => x.full)) {
    if (s.emulatedCreate) {
      unit.emulatedStep(
        s,
        'remove',
        ['remove', '--stage', s.stage],
        undefined,
        `remove, not run: the stack could not be created on moto (${s.emulatedCreate}); CloudFormation's delete calls derived from the compiled template (cfn-on-behalf.json); the CLI's own calls are not part of this step`,
      );
      continue;
    }
    await unit.step(dirs.get(s.stage) as string, s.facts, 'remove', ['remove', '--stage', s.stage], s);
  }
  run.durationMs = Date.now() - started;
  return run;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
