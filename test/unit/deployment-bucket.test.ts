import {
  bucketPrefixesCollide,
  FULL_NAME_MAX_STACK_LENGTH,
  generatedBucketName,
  generatedBucketNamePattern,
  generatedBucketPrefix,
  generatedBucketStackPart,
  matchesBucketNamePattern,
  S3_BUCKET_NAME_MAX_LENGTH,
  v4SharedBucketNamePattern,
  V4_SHARED_BUCKET_PARAMETER,
} from '../../functions/core/deployment-bucket';

/**
 * Every publicly observed generated deployment-bucket name whose stack name is known, with its source in
 * test/fixtures/recorded/README.md ("Generated names").
 */
const OBSERVED: ReadonlyArray<readonly [stack: string, bucket: string, note: string]> = [
  ['apollo-lambda-dev', 'apollo-lambda-dev-serverlessdeploymentbucket-1s10e00wvoe5f', 'observed; 13-char suffix'],
  ['gel-api-dev', 'gel-api-dev-serverlessdeploymentbucket-d34v77eas9bz', 'observed; 12-char suffix'],
  [
    'hello-world-lambda-dev',
    'hello-world-lambda-dev-serverlessdeploymentbucket-1uxn2sj38npih',
    'observed; 22 chars, whole at 63',
  ],
  [
    'ch-stack-core-admin-prd',
    'ch-stack-core-admin-prd-serverlessdeploymentbucket-dffvcreiko7d',
    'terraform-aws-serverless; 23 chars + 12-char suffix = 63, kept whole',
  ],
  [
    'notification-service-dev',
    'notification-service-dev-serverlessdeploymentbuck-w65o70jxcvl5',
    'observed; 24 chars, cut',
  ],
  [
    'foreign-currency-trade-dev',
    'foreign-currency-trade-d-serverlessdeploymentbuck-hqoo7u3wymd1',
    'observed; cut mid-word',
  ],
  [
    'lambda-info-http-endpoint-dev',
    'lambda-info-http-endpoin-serverlessdeploymentbuck-2u8uz2i7cap2',
    'observed; cut mid-word',
  ],
  [
    'thisisareallylongservicenametotestthebucketlengthandseeiftruncated-dev',
    'thisisareallylongservice-serverlessdeploymentbuck-1aljxweu3wjjd',
    'serverless/serverless#2791; 13-char suffix, 63',
  ],
  // The stage is not in the source ("probably"); any stage gives the same cut, which ends on a '-'.
  [
    'fe-dev-matching-2021-03-prod',
    'fe-dev-matching-2021-03-serverlessdeploymentbuck-t3kpj3way537',
    'observed; trailing "-" dropped',
  ],
];

/** Names with a made-up or redacted part: checked for shape, not used as proof of the rule. */
const ILLUSTRATIVE: ReadonlyArray<readonly [stack: string, bucket: string, note: string]> = [
  [
    'serverless-my-long-name-dev',
    'serverless-my-long-name-serverlessdeploymentbuck-1234567890123',
    'generator-serverless-policy#1 (illustrative suffix)',
  ],
];

function suffixOf(bucket: string): string {
  return bucket.slice(bucket.lastIndexOf('-') + 1);
}

describe('generated deployment bucket names', () => {
  test.each(OBSERVED)('%s -> %s (%s)', (stack, bucket) => {
    expect(bucket.length).toBeLessThanOrEqual(S3_BUCKET_NAME_MAX_LENGTH);
    expect(suffixOf(bucket)).toMatch(/^[a-z0-9]{12,13}$/);
    expect(generatedBucketName(stack, suffixOf(bucket))).toBe(bucket);
    expect(matchesBucketNamePattern(bucket, generatedBucketNamePattern(stack))).toBe(true);
    expect(bucket.startsWith(generatedBucketPrefix(stack))).toBe(true);
  });

  test.each(ILLUSTRATIVE)('%s -> %s (%s)', (stack, bucket) => {
    expect(generatedBucketName(stack, suffixOf(bucket))).toBe(bucket);
    expect(matchesBucketNamePattern(bucket, generatedBucketNamePattern(stack))).toBe(true);
  });

  test('the redacted terraform-aws-serverless example has the shape of a cut `sls-<service>-development`', () => {
    // `sls-SERVICE-de-serverlessdeploymentbuck-47ati3in2360`: the service is redacted; one 17 characters
    // long puts the 24-character cut two letters into "development", as in the example.
    const observed = 'sls-SERVICE-de-serverlessdeploymentbuck-47ati3in2360';
    const service = 'abcdefghijklmnopq';
    const stack = `sls-${service}-development`;
    expect(generatedBucketName(stack, '47ati3in2360')).toBe(observed.replace('SERVICE', service).toLowerCase());
    expect(generatedBucketStackPart(stack)).toBe(`sls-${service}-de`);
  });

  test('patterns are the tightest prefix, lower-cased', () => {
    expect(generatedBucketNamePattern('apollo-lambda-dev')).toBe('apollo-lambda-dev-serverlessdeploymentbuck*');
    expect(generatedBucketNamePattern('Gel-API-Dev')).toBe('gel-api-dev-serverlessdeploymentbuck*');
    expect(generatedBucketNamePattern('lambda-info-http-endpoint-dev')).toBe(
      'lambda-info-http-endpoin-serverlessdeploymentbuck*',
    );
    expect(generatedBucketNamePattern('analytics-pipeline-processor-development')).toBe(
      'analytics-pipeline-proce-serverlessdeploymentbuck*',
    );
  });

  test('a cut ending on "-" accepts the name with and without that dash', () => {
    const pattern = generatedBucketNamePattern('fe-dev-matching-2021-03-prod');
    expect(pattern).toBe('fe-dev-matching-2021-03-*serverlessdeploymentbuck*');
    expect(matchesBucketNamePattern('fe-dev-matching-2021-03-serverlessdeploymentbuck-t3kpj3way537', pattern)).toBe(
      true,
    );
    expect(matchesBucketNamePattern('fe-dev-matching-2021-03--serverlessdeploymentbuck-t3kpj3way537', pattern)).toBe(
      true,
    );
    // A 23-character stack ending in '-' is kept whole with a 12-character suffix (double dash) and cut
    // with a 13-character one.
    const stack23 = 'abcdefghij-klmnopqrstu-';
    expect(stack23).toHaveLength(23);
    const p23 = generatedBucketNamePattern(stack23);
    expect(matchesBucketNamePattern(generatedBucketName(stack23, 'a'.repeat(12)), p23)).toBe(true);
    expect(matchesBucketNamePattern(generatedBucketName(stack23, 'a'.repeat(13)), p23)).toBe(true);
  });

  test('both regimes at the boundary match the same pattern (23-character stack, 12 or 13-character suffix)', () => {
    const stack = 'abcdefghijk-lmnopq-prod';
    expect(stack).toHaveLength(FULL_NAME_MAX_STACK_LENGTH + 1);
    const whole = generatedBucketName(stack, 'k'.repeat(12));
    const cut = generatedBucketName(stack, 'k'.repeat(13));
    expect(whole).toBe(`${stack}-serverlessdeploymentbucket-${'k'.repeat(12)}`);
    expect(cut).toBe(`${stack}-serverlessdeploymentbuck-${'k'.repeat(13)}`);
    for (const name of [whole, cut]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(matchesBucketNamePattern(name, generatedBucketNamePattern(stack))).toBe(true);
    }
  });

  test.each([
    [1, 12],
    [22, 13],
    [23, 12],
    [23, 13],
    [24, 12],
    [24, 13],
    [62, 13],
    [128, 12],
  ])('a %i-character stack (suffix %i) never gives more than 63 characters and matches its pattern', (length, n) => {
    const stack = `s${'-ab'.repeat(50)}`.slice(0, length - 1) + 'x';
    expect(stack).toHaveLength(Math.max(length, 1));
    const name = generatedBucketName(stack, '0'.repeat(n));
    expect(name.length).toBeLessThanOrEqual(63);
    expect(matchesBucketNamePattern(name, generatedBucketNamePattern(stack))).toBe(true);
  });

  test('the pattern does not match the neighbours of a short stack', () => {
    const pattern = generatedBucketNamePattern('orders-dev');
    expect(matchesBucketNamePattern('orders-dev-serverlessdeploymentbucket-abcdefabcdef', pattern)).toBe(true);
    expect(matchesBucketNamePattern('orders-devx-serverlessdeploymentbucket-abcdefabcdef', pattern)).toBe(false);
    expect(matchesBucketNamePattern('orders-dev-eu-serverlessdeploymentbucket-abcdefabcdef', pattern)).toBe(false);
    expect(matchesBucketNamePattern('orders-prod-serverlessdeploymentbucket-abcdefabcdef', pattern)).toBe(false);
  });
});

describe('stage isolation through the bucket prefix', () => {
  // test/fixtures/services/10-long-names: service analytics-pipeline-processor, stages development and integration.
  const service = 'analytics-pipeline-processor';

  test('the two long stages share a visible prefix', () => {
    const a = `${service}-development`;
    const b = `${service}-integration`;
    expect(bucketPrefixesCollide(a, b)).toBe(true);
    expect(generatedBucketPrefix(a)).toBe('analytics-pipeline-proce-serverlessdeploymentbuck');
    expect(generatedBucketNamePattern(a)).toBe(generatedBucketNamePattern(b));
    // ... so each stage's pattern also matches the other stage's bucket (object keys still differ).
    const bOwn = generatedBucketName(b, 'q1w2e3r4t5y6');
    expect(matchesBucketNamePattern(bOwn, generatedBucketNamePattern(a))).toBe(true);
  });

  test.each([
    ['orders-dev', 'orders-prod'],
    ['orders-dev', 'orders-devx'],
    ['apollo-lambda-dev', 'apollo-lambda-prod'],
    ['hello-world-lambda-dev', 'hello-world-lambda-stg'],
    ['notification-service-dev', 'notification-service-prd'],
  ])('%s and %s do not collide', (a, b) => {
    expect(bucketPrefixesCollide(a, b)).toBe(false);
    expect(matchesBucketNamePattern(generatedBucketName(b, 'z'.repeat(12)), generatedBucketNamePattern(a))).toBe(false);
  });
});

describe('IAM wildcard matching', () => {
  test.each([
    ['abc', 'abc', true],
    ['abc', 'ab', false],
    ['abc', 'a*', true],
    ['abc', 'a?c', true],
    ['abc', 'a?', false],
    ['a.c', 'a.c', true],
    ['abc', 'a.c', false],
    ['ABC', 'abc', false],
    ['a+b(c)', 'a+b(c)', true],
  ])('%s against %s: %s', (name, pattern, expected) => {
    expect(matchesBucketNamePattern(name, pattern)).toBe(expected);
  });
});

describe('v4 shared bucket', () => {
  test('the parameter and the name pattern', () => {
    expect(V4_SHARED_BUCKET_PARAMETER).toBe('/serverless-framework/deployment/s3-bucket');
    const pattern = v4SharedBucketNamePattern('eu-west-1');
    expect(matchesBucketNamePattern('serverless-framework-deployments-eu-west-1-1b9d6bcd-bbfd', pattern)).toBe(true);
    expect(matchesBucketNamePattern('serverless-framework-deployments-eu-west-2-1b9d6bcd-bbfd', pattern)).toBe(false);
  });
});
