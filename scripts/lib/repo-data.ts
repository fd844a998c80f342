/**
 * Where the repository keeps the data its tests and proofs read: the Serverless Framework services with
 * their generated templates (test/fixtures/services) and the framework's recorded calls, traces and the
 * CloudFormation registry's handler permissions (test/fixtures/recorded). Each folder's README.md gives the
 * provenance; `npm run fixtures` regenerates the generated parts from the pinned frameworks in node_modules.
 */
import { join, resolve } from 'path';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/** One folder per service: serverless.yml, handler and layer files, `<stage>/cloudformation-template-*.json`. */
export const SERVICES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'services');

export const RECORDED_DIR = join(REPO_ROOT, 'test', 'fixtures', 'recorded');

export const RECORDED = {
  /** Every API call of the framework's CLI and every permission CloudFormation uses on the caller's behalf. */
  calls: join(RECORDED_DIR, 'sls-api-calls.json'),
  /** The SDK calls each CLI command made against moto_server, per framework version, service and command. */
  traces: join(RECORDED_DIR, 'traces.json'),
  /** The CloudFormation registry's handlers.<op>.permissions for the resource types the framework emits. */
  handlerPermissions: join(RECORDED_DIR, 'cfn-handler-permissions.json'),
  /** Service variants moto can run (features moto cannot emulate removed), overlaid on a service folder. */
  motoVariants: join(RECORDED_DIR, 'moto-variants'),
} as const;

/** The folder of one service under SERVICES_DIR. */
export const serviceDir = (id: string): string => join(SERVICES_DIR, id);
