/**
 * moto_server as a real (in-memory) CloudFormation + IAM engine for integration tests.
 *
 * The server runs through scripts/lib/moto_server_ext.py, which adds AWS::IAM::Group and
 * fixes several moto 5.2.1 CloudFormation gaps (see that file's docstring). Python 3 and
 * moto are preinstalled in the project image and cannot be installed from here, so a
 * missing toolchain is an error, never a reason to skip.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { basename, join } from 'path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  Stack,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';

const LAUNCHER = join(__dirname, 'moto_server_ext.py');
const START_TIMEOUT_MS = 30_000;
const STACK_TIMEOUT_MS = 60_000;

export interface MotoServer {
  endpoint: string;
  port: number;
  /** Drops all state (stacks, IAM entities) in every account and region. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export function awsClientConfig(endpoint: string) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'dummy' },
  };
}

/** Throws unless `python3 -c "import moto"` works; returns moto's version. */
export function checkMotoAvailable(): string {
  const probe = spawnSync('python3', ['-c', 'import moto; print(moto.__version__)'], {
    encoding: 'utf8',
    env: process.env,
  }); // env: see cfn-lint.ts
  if (probe.error) {
    throw new Error(
      `moto integration tests need python3 on PATH (${probe.error.message}); it is preinstalled in the project image`,
    );
  }
  if (probe.status !== 0) {
    throw new Error(
      `moto integration tests need the Python module "moto" (5.x, preinstalled in the project image): ${probe.stderr.trim()}`,
    );
  }
  return probe.stdout.trim();
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `promise` at most `ms`; clears its timer so that nothing keeps Jest alive. */
async function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

// Every live server, so that a Jest worker exiting without stop() still kills them. The
// listener only exists while servers run: every test file re-imports this module.
const running = new Set<ChildProcess>();
const killAll = () => running.forEach((child) => killGroup(child));
function track(child: ChildProcess, on: boolean): void {
  if (on && running.size === 0) process.on('exit', killAll);
  if (on) running.add(child);
  else if (running.delete(child) && running.size === 0) process.off('exit', killAll);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-child.pid!, signal); // detached => the child leads its own process group
  } catch {
    /* already gone */
  }
}

/** Another launcher (the proof's adds lifecycle emulations), extra environment, and how much log to keep. */
export interface MotoOptions {
  readonly launcher?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly logTail?: number;
}

/** A started server; `log()` is the tail of its output, for reports. */
export type StartedMoto = MotoServer & { log(): string };

export async function startMoto(options: MotoOptions = {}): Promise<StartedMoto> {
  checkMotoAvailable();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await freeLoopbackPort(), options);
    } catch (err) {
      // the free port can be taken by someone else before python binds it
      if (attempt >= 3 || !/Address already in use/.test(String(err))) throw err;
    }
  }
}

async function startOnce(port: number, options: MotoOptions): Promise<StartedMoto> {
  const launcher = options.launcher ?? LAUNCHER;
  const name = basename(launcher);
  const endpoint = `http://127.0.0.1:${port}`;
  // moto writes scratch files into its cwd in some code paths: keep them out of the repo
  const cwd = mkdtempSync(join(tmpdir(), 'moto-'));
  const child = spawn('python3', [launcher, '-H', '127.0.0.1', '-p', String(port)], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // the launcher exits by itself once this process is gone (even after a SIGKILL)
    env: { ...process.env, ...options.env, MOTO_EXT_PARENT_PID: String(process.pid), PYTHONUNBUFFERED: '1' },
  });
  track(child, true);
  let log = ''; // the tail of the server log, for error messages; reading also keeps the pipes drained
  const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-(options.logTail ?? 8000)));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    const done = (why: string) => {
      exited ??= why;
      track(child, false);
      resolve();
    };
    child.once('exit', (code, signal) => done(`exit code ${code}, signal ${signal}`));
    child.once('error', (err) => done(`spawn failed: ${err.message}`)); // e.g. python3 vanished
  });

  const stop = async () => {
    if (!exited) {
      killGroup(child, 'SIGTERM');
      await within(exitedPromise, 3000);
      if (!exited) killGroup(child, 'SIGKILL');
      await within(exitedPromise, 2000);
    }
    rmSync(cwd, { recursive: true, force: true });
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`${name} died during start-up (${exited}):\n${log}`);
    }
    try {
      // no keep-alive: an idle pooled socket to a stopped server must not linger in the caller
      if ((await fetch(`${endpoint}/moto-api/`, { headers: { connection: 'close' } })).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer on ${endpoint} within ${START_TIMEOUT_MS} ms:\n${log}`);
    }
    await sleep(100);
  }

  return {
    endpoint,
    port,
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST', headers: { connection: 'close' } });
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    stop,
    log: () => log,
  };
}

export interface DeployResult {
  status: string;
  stackId: string;
  /** OutputKey -> OutputValue */
  outputs: Record<string, string>;
  /** ExportName -> value, for the outputs that have an Export */
  exports: Record<string, string>;
}

async function waitForTerminal(cfn: CloudFormationClient, stackNameOrId: string): Promise<Stack> {
  const deadline = Date.now() + STACK_TIMEOUT_MS;
  for (;;) {
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackNameOrId }));
    const stack = Stacks![0];
    if (!stack.StackStatus!.endsWith('_IN_PROGRESS')) return stack;
    if (Date.now() > deadline)
      throw new Error(`stack ${stackNameOrId} still ${stack.StackStatus} after ${STACK_TIMEOUT_MS} ms`);
    await sleep(100);
  }
}

/** The reasons of the stack's *_FAILED events, oldest first. */
async function failureReasons(cfn: CloudFormationClient, stackId: string): Promise<string> {
  const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackId }));
  const failed = StackEvents.filter((e) => e.ResourceStatus?.endsWith('_FAILED'))
    .reverse()
    .map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}: ${e.ResourceStatusReason ?? '(no reason)'}`);
  return failed.join('; ') || '(no failed events)';
}

/** CreateStack (CAPABILITY_NAMED_IAM) and wait; throws unless the stack ends CREATE_COMPLETE. */
export function deployStack(
  endpoint: string,
  stackName: string,
  templateBody: object,
  parameters: Record<string, string> = {},
): Promise<DeployResult> {
  return applyStack('Create', endpoint, stackName, templateBody, parameters);
}

/** UpdateStack (CAPABILITY_NAMED_IAM) and wait; throws unless the stack ends UPDATE_COMPLETE. */
export function updateStack(
  endpoint: string,
  stackName: string,
  templateBody: object,
  parameters: Record<string, string> = {},
): Promise<DeployResult> {
  return applyStack('Update', endpoint, stackName, templateBody, parameters);
}

async function applyStack(
  op: 'Create' | 'Update',
  endpoint: string,
  stackName: string,
  templateBody: object,
  parameters: Record<string, string>,
): Promise<DeployResult> {
  const cfn = new CloudFormationClient(awsClientConfig(endpoint));
  const input = {
    StackName: stackName,
    TemplateBody: JSON.stringify(templateBody),
    Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    Capabilities: ['CAPABILITY_NAMED_IAM' as const],
  };
  try {
    let stackId: string | undefined;
    try {
      ({ StackId: stackId } = await cfn.send(
        op === 'Create' ? new CreateStackCommand(input) : new UpdateStackCommand(input),
      ));
    } catch (err) {
      // validation errors are synchronous on AWS too; moto also fails stack *updates* here
      const e = err as Error;
      throw new Error(`${op}Stack ${stackName} was rejected: ${e.name}: ${e.message}`, { cause: err });
    }
    const stack = await waitForTerminal(cfn, stackId ?? stackName);
    const expected = `${op.toUpperCase()}_COMPLETE`;
    if (stack.StackStatus !== expected) {
      throw new Error(`stack ${stackName} ended ${stack.StackStatus}: ${await failureReasons(cfn, stack.StackId!)}`);
    }
    const outputs: Record<string, string> = {};
    const exports: Record<string, string> = {};
    for (const o of stack.Outputs ?? []) {
      outputs[o.OutputKey!] = o.OutputValue!;
      if (o.ExportName) exports[o.ExportName] = o.OutputValue!;
    }
    return { status: expected, stackId: stack.StackId!, outputs, exports };
  } finally {
    cfn.destroy();
  }
}

/** DeleteStack and wait; throws unless the stack ends DELETE_COMPLETE. */
export async function deleteStack(endpoint: string, stackName: string): Promise<void> {
  const cfn = new CloudFormationClient(awsClientConfig(endpoint));
  try {
    // A deleted stack can only be described by its id, so resolve that first.
    const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
    const stackId = Stacks![0].StackId!;
    await cfn.send(new DeleteStackCommand({ StackName: stackId }));
    const stack = await waitForTerminal(cfn, stackId);
    if (stack.StackStatus !== 'DELETE_COMPLETE') {
      throw new Error(`deleting stack ${stackName} ended ${stack.StackStatus}: ${await failureReasons(cfn, stackId)}`);
    }
  } finally {
    cfn.destroy();
  }
}
