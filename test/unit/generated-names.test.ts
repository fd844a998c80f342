/**
 * CloudFormation-generated names (functions/core/generated-names.ts): the observed names, and the Python copy
 * moto uses in `npm run prove` (scripts/lib/prove/generated_names.py, imported by moto_prove_ext.py), which must agree.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cfnGeneratedName, stackNameHead } from '../../functions/core/generated-names';

const CASES: readonly [stack: string, logicalId: string, max: number, suffix: string][] = [
  ['orders-dev', 'IamRoleCustomResourcesLambdaExecution', 64, 'A1B2C3D4E5F6G'],
  ['multipart-upload-sts-dev', 'IamRoleCustomResourcesLambdaExecution', 64, 'F494D65621DH'],
  ['analytics-pipeline-processor-development', 'IamRoleCustomResourcesLambdaExecution', 64, 'Q7R8S9T0U1V2W'],
  ['fe-dev-matching-2021-03-prod', 'AuditRole', 64, 'ABCDEFGHIJKL'],
  ['fe-dev-matching-2021-03-production-x', 'IamRoleCustomResourcesLambdaExecution', 64, 'ABCDEFGHIJKL'],
  ['hello-world-lambda-dev', 'ServerlessDeploymentBucket', 63, '1uxn2sj38npih'],
  ['a'.repeat(60), 'NotifierEventsRuleSchedule1', 64, 'ABCDEFGHIJKLM'],
];

describe('generated names', () => {
  test('observed custom-resource role names', () => {
    expect(cfnGeneratedName('rekognition-dev', 'IamRoleCustomResourcesLambdaExecution', 64, 'ABCDEFGHIJKLM')).toBe(
      'rekognition-dev-IamRoleCustomResourcesLambdaExecut-ABCDEFGHIJKLM',
    );
    expect(cfnGeneratedName('serverless-chat-dev', 'IamRoleCustomResourcesLambdaExecution', 64, 'kCHBU8MBRVhg')).toBe(
      'serverless-chat-dev-IamRoleCustomResourcesLambdaExe-kCHBU8MBRVhg',
    );
  });

  test('the stack head drops the trailing dash of the cut', () => {
    expect(stackNameHead('fe-dev-matching-2021-03-prod')).toBe('fe-dev-matching-2021-03');
    expect(stackNameHead('orders-dev')).toBe('orders-dev');
    expect(stackNameHead('abcdefghijklmnopqrstuvwx-y', 25)).toBe('abcdefghijklmnopqrstuvwx');
  });

  test('the Python copy moto uses gives the same names', () => {
    const script = [
      'import importlib.util, json, sys',
      `spec = importlib.util.spec_from_file_location("generated_names", ${JSON.stringify(join(__dirname, '..', '..', 'scripts', 'lib', 'prove', 'generated_names.py'))})`,
      'ext = importlib.util.module_from_spec(spec); spec.loader.exec_module(ext)',
      'print(json.dumps([ext.aws_generated(*c) for c in json.loads(sys.argv[1])]))',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script, JSON.stringify(CASES)], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    });
    expect(run.status === 0 ? '' : run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '[]')).toEqual(CASES.map((c) => cfnGeneratedName(...c)));
  });
});
