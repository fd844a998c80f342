/** The services `npm run prove` proves by default, and how a folder given on the command line becomes one. */
import { existsSync, statSync } from 'fs';
import { basename, join, resolve } from 'path';
import { RECORDED, SERVICES_DIR } from '../repo-data';
import type { ServiceSpec } from './runner';
import { serverlessFile } from './runner';

export const DEFAULT_STAGES: readonly string[] = ['dev', 'prod'];

interface DefaultFixture {
  readonly id: string;
  readonly stages?: readonly string[];
  readonly covers: string;
  readonly overlay?: { readonly dir: string; readonly why: string };
}

/** The services of test/fixtures/services the proof runs, and what each one covers. */
export const DEFAULT_FIXTURES: readonly DefaultFixture[] = [
  { id: '01-basic', covers: 'plain functions, URL, reserved concurrency, log retention' },
  { id: '02-http-api', covers: 'HTTP API with JWT and Lambda authorizers, access logs (eu-west-1)' },
  {
    id: '03-rest-api',
    covers: 'REST API with API keys, usage plan, request authorizer, X-Ray stage tracing',
    overlay: {
      dir: join(RECORDED.motoVariants, 'm03-rest-api'),
      why: 'moto variant m03: without cors (moto crashes on the MOCK OPTIONS integration) and logs.restApi (its account-role custom resource is emulated elsewhere)',
    },
  },
  {
    id: '04-queues-topics-schedule',
    covers:
      'SQS (own and existing queue), SNS (created and existing topic, DLQ), schedule rules, EventBridge Scheduler',
  },
  {
    id: '05-streams-s3-eventbridge',
    covers:
      'DynamoDB and Kinesis streams (consumer), S3 (created and existing bucket: custom resource), EventBridge bus, log subscription',
  },
  {
    id: '06-layer',
    covers: 'layers (default name, custom name shared with an account and retained), an external layer',
  },
  {
    id: '08-tracing-iam',
    covers:
      'X-Ray tracing, execution-role statements, managed policies, permissions boundary, a function with its own role',
  },
  {
    id: '09-custom-deployment-bucket',
    covers: 'a pre-existing deployment bucket with a custom prefix (created first)',
  },
  {
    id: '10-long-names',
    stages: ['development', 'integration'],
    covers: '40-character stack names: truncated deployment bucket, hashed custom-resource names (ap-southeast-2)',
  },
  {
    id: '11-custom-stack-name',
    covers:
      'custom stack, API, function and role names, deployment role, direct deploys, stack policy, notification ARNs (us-west-2)',
  },
];

/**
 * A single stage still needs a neighbour stage to be replayed against: `<stage>2` is created beside it
 * (the prefix-collision case: stage dev2 must not reach dev's resources), never proven in full.
 */
function withNeighbour(stages: readonly string[]): { stages: readonly string[]; neighbourStages?: readonly string[] } {
  if (stages.length !== 1) return { stages };
  const extra = `${stages[0]}2`;
  return { stages: [stages[0], extra], neighbourStages: [extra] };
}

export function defaultSpecs(stages?: readonly string[]): ServiceSpec[] {
  return DEFAULT_FIXTURES.map((f) => ({
    id: f.id,
    dir: join(SERVICES_DIR, f.id),
    ...withNeighbour(stages ?? f.stages ?? DEFAULT_STAGES),
    ...(f.overlay ? { overlay: f.overlay } : {}),
  }));
}

/** A folder given on the command line (any folder holding a serverless.yml). */
export function specForPath(path: string, stages?: readonly string[]): ServiceSpec {
  const dir = resolve(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${path} is not a folder`);
  serverlessFile(dir);
  const fixture = DEFAULT_FIXTURES.find((f) => resolve(join(SERVICES_DIR, f.id)) === dir);
  return {
    id: basename(dir),
    dir,
    ...withNeighbour(stages ?? fixture?.stages ?? DEFAULT_STAGES),
    ...(fixture?.overlay ? { overlay: fixture.overlay } : {}),
  };
}
