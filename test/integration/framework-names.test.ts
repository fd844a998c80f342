/**
 * `npm run prove` reports names the framework generates that AWS would refuse (scripts/lib/prove/framework-names.ts),
 * checked on templates the real framework compiles: test/fixtures/long-service as it is (it names its role) has
 * none; without provider.iam.role the framework's own role `<service>-<stage>-<region>-lambdaRole` is 76
 * characters, which IAM refuses and moto accepts. And a service the proof cannot go through is reported as
 * that service's failure, never as a stack trace.
 */
import { spawnSync } from 'child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { packagedNameProblems } from '../../scripts/lib/prove/framework-names';
import { frameworkById, frameworks, type Framework } from '../../scripts/lib/prove/frameworks';
import { failures, runProof } from '../../scripts/lib/prove/proof';
import { formatReport } from '../../scripts/lib/prove/report';

const FIXTURE = join(__dirname, '..', 'fixtures', 'long-service');
const STAGE = 'performance-testing';
const STACK = `hippopotamus-migration-orchestrator-${STAGE}`;

jest.setTimeout(240_000);

function packaged(fw: Framework, edit: (yml: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'framework-names-'));
  cpSync(FIXTURE, dir, { recursive: true });
  const file = join(dir, 'serverless.yml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  const home = join(dir, '.home');
  const r = spawnSync(process.execPath, [fw.bin, 'package', '--stage', STAGE], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 200_000,
    env: {
      ...process.env,
      HOME: home,
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'dummy',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
      SLS_INTERACTIVE_SETUP_DISABLE: '1',
    },
  });
  if (r.status !== 0) throw new Error(`${fw.label} package failed: ${r.stdout}\n${r.stderr}`);
  return dir;
}

describe.each(frameworks().map((f) => [f.label, f] as const))('%s', (_label, fw) => {
  test('the long-service fixture as it is: no name AWS would refuse', () => {
    const dir = packaged(fw, (y) => y);
    try {
      expect(packagedNameProblems(dir, STAGE, 'us-east-1', STACK, '123456789012', 'aws')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("without its role name: the framework's 76-character lambdaRole is reported with the fix", () => {
    const dir = packaged(fw, (y) => y.replace(/^ {2}iam:\n {4}role:\n {6}name: .*\n/m, ''));
    try {
      const problems = packagedNameProblems(dir, STAGE, 'us-east-1', STACK, '123456789012', 'aws');
      expect(problems).toEqual([
        `${STAGE} package: the framework names IamRoleLambdaExecution (AWS::IAM::Role) '${STACK}-us-east-1-lambdaRole', 76 characters; ` +
          'AWS allows 64 (IAM CreateRole RoleName), so a deploy to AWS fails although moto accepts it. ' +
          "Fix: set provider.iam.role.name (at most 64 characters), or point provider.iam.role at the macro's execution role (output LambdaRoleArn).",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a service the proof cannot go through', () => {
  test("is reported as that service's failure, readable, and the proof itself does not throw", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prove-unreadable-'));
    try {
      // The proof needs a literal service name (it renames it for the neighbour service): this one is computed.
      writeFileSync(
        join(dir, 'serverless.yml'),
        'service: ${env:SERVICE_NAME}\nprovider:\n  name: aws\n  runtime: nodejs22.x\n',
      );
      const result = await runProof({
        specs: [{ id: 'unreadable', dir, stages: ['dev', 'dev2'], neighbourStages: ['dev2'] }],
        frameworks: [frameworkById('osls4')],
        workers: 1,
        fullStages: 1,
        bucketResolution: 'pattern',
        v4: false,
      });
      expect(failures(result)).toBe(1);
      expect(result.units[0].run.errors).toEqual([
        expect.stringMatching(
          /^the proof of this service stopped: .*serverless\.yml: cannot read a literal 'service:' name$/,
        ),
      ]);
      expect(formatReport(result)).toMatch(
        /Lifecycle steps that did not complete \(1\):\n {2}- unreadable · osls@[\d.]+ · the proof of this service stopped: /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
