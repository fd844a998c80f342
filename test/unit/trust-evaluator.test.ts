/**
 * The trust-policy evaluator (test/support/trust-evaluator.ts) on hand-written policies whose answers the IAM
 * User Guide states (policy evaluation logic, condition operators, multivalued context keys, ArnLike). It must
 * be right before the roles proof may rely on it.
 */
import {
  arnMatch,
  evaluateTrust,
  TrustPolicyError,
  wildcardMatch,
  type TrustRequest,
} from '../support/trust-evaluator';

const USER = 'arn:aws:iam::111122223333:user/alice';
const doc = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });
const allow = (extra: Record<string, unknown>) => ({
  Effect: 'Allow',
  Principal: { AWS: 'arn:aws:iam::111122223333:root' },
  Action: 'sts:AssumeRole',
  ...extra,
});
const req = (context: TrustRequest['context'], aws = USER, action = 'sts:AssumeRole'): TrustRequest => ({
  action,
  principal: { aws },
  context,
});
const decide = (policy: unknown, r: TrustRequest) => evaluateTrust(policy, r).decision;

describe('wildcards', () => {
  test.each([
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a?c', 'abbc', false],
    ['repo:o/r:ref:refs/heads/main', 'repo:o/r:ref:refs/heads/main-x', false],
    ['*', '', true],
    ['a.c', 'abc', false],
    ['x(y)', 'x(y)', true],
    ['A*', 'abc', false],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  test('ArnLike matches each of the six components alone', () => {
    expect(arnMatch('arn:aws:iam::111122223333:role/*', 'arn:aws:iam::111122223333:role/a/b')).toBe(true);
    // a * in the resource component never reaches back into the account
    expect(arnMatch('arn:aws:iam::*:role/x', 'arn:aws:iam::444455556666:role/x')).toBe(true);
    expect(arnMatch('arn:aws:iam::111122223333:role/x', 'arn:aws:iam::444455556666:role/x')).toBe(false);
    expect(arnMatch('arn:aws:iam::1111222*:role/x', 'arn:aws:iam::111122223333:role/x')).toBe(true);
    expect(arnMatch('arn:aws:iam::111122223333:role/a*', 'arn:aws:iam::111122223333:user/a')).toBe(false);
    expect(arnMatch('arn:aws:iam::111122223333:*', 'not-an-arn')).toBe(false);
  });
});

describe('principals', () => {
  test('an account root trusts every principal of that account and no other', () => {
    const p = doc(allow({}));
    expect(decide(p, req({}))).toBe('Allowed');
    expect(decide(p, req({}, 'arn:aws:iam::111122223333:role/any'))).toBe('Allowed');
    expect(decide(p, req({}, 'arn:aws:iam::444455556666:user/alice'))).toBe('Denied');
  });
  test('a bare account id is the same as its root', () => {
    expect(decide(doc({ ...allow({}), Principal: { AWS: '111122223333' } }), req({}))).toBe('Allowed');
  });
  test('a principal ARN trusts that principal only', () => {
    const p = doc({ ...allow({}), Principal: { AWS: [USER] } });
    expect(decide(p, req({}))).toBe('Allowed');
    expect(decide(p, req({}, 'arn:aws:iam::111122223333:user/bob'))).toBe('Denied');
  });
  test('Federated matches the provider only, and never an AWS caller', () => {
    const provider = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
    const p = doc({ Effect: 'Allow', Principal: { Federated: provider }, Action: 'sts:AssumeRoleWithWebIdentity' });
    expect(
      decide(p, { action: 'sts:AssumeRoleWithWebIdentity', principal: { federated: provider }, context: {} }),
    ).toBe('Allowed');
    expect(
      decide(p, {
        action: 'sts:AssumeRoleWithWebIdentity',
        principal: { federated: provider.replace('111122223333', '444455556666') },
        context: {},
      }),
    ).toBe('Denied');
    expect(decide(p, { action: 'sts:AssumeRoleWithWebIdentity', principal: { aws: USER }, context: {} })).toBe(
      'Denied',
    );
  });
  test('the action must match', () => {
    expect(decide(doc(allow({})), req({}, USER, 'sts:AssumeRoleWithWebIdentity'))).toBe('Denied');
    expect(decide(doc(allow({ Action: 'sts:Assume*' })), req({}, USER, 'sts:AssumeRoleWithSAML'))).toBe('Allowed');
  });
});

describe('conditions', () => {
  const key = 'aws:PrincipalArn';
  test('values of one key are ORed; keys and operators are ANDed', () => {
    const p = doc(
      allow({
        Condition: { StringEquals: { 'k:a': ['1', '2'], 'k:b': 'x' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      }),
    );
    expect(decide(p, req({ 'k:a': '2', 'k:b': 'x', 'aws:MultiFactorAuthPresent': 'true' }))).toBe('Allowed');
    expect(decide(p, req({ 'k:a': '3', 'k:b': 'x', 'aws:MultiFactorAuthPresent': 'true' }))).toBe('Denied');
    expect(decide(p, req({ 'k:a': '1', 'k:b': 'y', 'aws:MultiFactorAuthPresent': 'true' }))).toBe('Denied');
    expect(decide(p, req({ 'k:a': '1', 'k:b': 'x', 'aws:MultiFactorAuthPresent': 'false' }))).toBe('Denied');
  });
  test('a missing key fails a positive operator and passes a negated one; IfExists passes it', () => {
    expect(decide(doc(allow({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })), req({}))).toBe(
      'Denied',
    );
    expect(decide(doc(allow({ Condition: { StringNotEquals: { 'k:a': 'x' } } })), req({}))).toBe('Allowed');
    expect(decide(doc(allow({ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } } })), req({}))).toBe(
      'Allowed',
    );
    expect(
      decide(
        doc(allow({ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } } })),
        req({ 'aws:MultiFactorAuthPresent': 'false' }),
      ),
    ).toBe('Denied');
  });
  test('keys compare case-insensitively, values case-sensitively', () => {
    expect(
      decide(doc(allow({ Condition: { StringEquals: { 'AWS:principalarn': USER } } })), req({ [key]: USER })),
    ).toBe('Allowed');
    expect(
      decide(doc(allow({ Condition: { StringEquals: { [key]: USER.toUpperCase() } } })), req({ [key]: USER })),
    ).toBe('Denied');
    expect(
      decide(
        doc(allow({ Condition: { StringEqualsIgnoreCase: { [key]: USER.toUpperCase() } } })),
        req({ [key]: USER }),
      ),
    ).toBe('Allowed');
  });
  test('StringLike and ArnLike wildcards; StringEquals takes * literally', () => {
    expect(
      decide(
        doc(allow({ Condition: { StringLike: { 'k:s': 'repo:o/r:ref:refs/heads/release/*' } } })),
        req({ 'k:s': 'repo:o/r:ref:refs/heads/release/1.2' }),
      ),
    ).toBe('Allowed');
    expect(
      decide(
        doc(allow({ Condition: { StringEquals: { 'k:s': 'repo:o/r:*' } } })),
        req({ 'k:s': 'repo:o/r:pull_request' }),
      ),
    ).toBe('Denied');
    expect(
      decide(
        doc(allow({ Condition: { ArnLike: { [key]: 'arn:aws:iam::111122223333:user/a*' } } })),
        req({ [key]: USER }),
      ),
    ).toBe('Allowed');
    expect(
      decide(
        doc(allow({ Condition: { ArnNotLike: { [key]: 'arn:aws:iam::111122223333:user/a*' } } })),
        req({ [key]: USER }),
      ),
    ).toBe('Denied');
  });
  test('ForAnyValue needs one match and fails when the key is missing; ForAllValues holds when it is missing', () => {
    expect(
      decide(
        doc(allow({ Condition: { 'ForAnyValue:StringEquals': { 'k:m': ['a', 'b'] } } })),
        req({ 'k:m': ['c', 'b'] }),
      ),
    ).toBe('Allowed');
    expect(decide(doc(allow({ Condition: { 'ForAnyValue:StringEquals': { 'k:m': ['a'] } } })), req({}))).toBe('Denied');
    expect(
      decide(
        doc(allow({ Condition: { 'ForAllValues:StringEquals': { 'k:m': ['a', 'b'] } } })),
        req({ 'k:m': ['a', 'c'] }),
      ),
    ).toBe('Denied');
    expect(decide(doc(allow({ Condition: { 'ForAllValues:StringEquals': { 'k:m': ['a', 'b'] } } })), req({}))).toBe(
      'Allowed',
    );
  });
  test('numeric operators', () => {
    expect(
      decide(doc(allow({ Condition: { NumericLessThanEquals: { 'k:n': '3600' } } })), req({ 'k:n': '3600' })),
    ).toBe('Allowed');
    expect(decide(doc(allow({ Condition: { NumericLessThan: { 'k:n': '3600' } } })), req({ 'k:n': '3600' }))).toBe(
      'Denied',
    );
  });
});

describe('evaluation', () => {
  test('an explicit Deny wins over an Allow; nothing matching is an implicit deny', () => {
    const p = doc(allow({ Sid: 'A' }), {
      Sid: 'D',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sts:*',
      Condition: { StringEquals: { 'k:x': 'no' } },
    });
    expect(evaluateTrust(p, req({ 'k:x': 'yes' }))).toEqual({ decision: 'Allowed', allowSids: ['A'], denySids: [] });
    expect(evaluateTrust(p, req({ 'k:x': 'no' }))).toEqual({ decision: 'Denied', allowSids: ['A'], denySids: ['D'] });
    expect(decide(doc(), req({}))).toBe('Denied');
  });
  test('refuses what it cannot judge', () => {
    expect(() => decide(doc(allow({ Condition: { DateLessThan: { 'aws:CurrentTime': 'x' } } })), req({}))).toThrow(
      TrustPolicyError,
    );
    expect(() => decide(doc({ ...allow({}), NotPrincipal: { AWS: USER } }), req({}))).toThrow(TrustPolicyError);
    expect(() =>
      decide(doc(allow({ Condition: { StringEquals: { 'k:a': 'x' } } })), req({ 'k:a': ['x', 'y'] })),
    ).toThrow(/several values/);
    expect(() => decide(doc({ ...allow({}), Principal: { AWS: { 'Fn::Sub': 'x' } } }), req({}))).toThrow(
      /resolve intrinsics/,
    );
    expect(() => decide({ Statement: [] }, req({}))).toThrow(/Version/);
    expect(() =>
      decide(doc(allow({ Condition: { StringLike: { 'k:a': '${aws:username}' } } })), req({ 'k:a': 'x' })),
    ).toThrow(/policy variables/);
  });
});
