/**
 * The renderer (functions/core/iam/render.ts): once `{Token}`s are filled, a statement lists each resource
 * and condition value once, in catalog order, expressions compared by structure; and its size, which the
 * policy packer relies on, is what IAM would count once the repeats are gone.
 */
import type { CatalogEntry } from '../../functions/catalog/types';
import { renderEntry, valueKey, type PolicyValue, type Statement } from '../../functions/core/iam/render';
import type { Tokens } from '../../functions/core/naming';

const entry = (resources: string[], condition?: CatalogEntry['condition']): CatalogEntry => ({
  id: 'test.entry',
  roles: ['admin'],
  actions: ['sns:Publish'],
  resources,
  ...(condition ? { condition } : {}),
  reason: 'test',
  source: 'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html',
});

const STACK = { expression: { Ref: 'AWS::StackName' }, maxLength: 128 };
const tokens: Tokens = {
  Partition: 'aws',
  Region: 'us-east-1',
  Account: '123456789012',
  Service: 'tapir',
  Stage: 'dev',
  StackName: 'tapir-dev',
  StackRef: STACK,
  Heads: ['tapir-dev'],
  Empty: [],
};

/** What IAM counts: the compact JSON with every expression replaced by a string of its longest resolution. */
function iamSize(statement: Statement): number {
  const longest = (v: Record<string, unknown>): number =>
    'Ref' in v
      ? STACK.maxLength
      : (v['Fn::Sub'] as [string, unknown])[0].replace(/\$\{[A-Za-z]+\}/g, 'x'.repeat(STACK.maxLength)).length;
  return JSON.stringify(statement, (_k, v: PolicyValue) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && ('Fn::Sub' in v || 'Ref' in v)
      ? 'x'.repeat(longest(v))
      : v,
  ).length;
}

describe('filled values are listed once', () => {
  test('two patterns that fill to one ARN give one Resource, and the size counts it once', () => {
    const r = renderEntry(
      entry([
        'arn:{Partition}:sns:{Region}:{Account}:{StackName}-*',
        'arn:{Partition}:sns:{Region}:{Account}:{Service}-{Stage}-*',
      ]),
      tokens,
    );
    expect(r.statement.Resource).toBe('arn:aws:sns:us-east-1:123456789012:tapir-dev-*');
    expect(r.size).toBe(JSON.stringify(r.statement).length);
    expect(r.jsonSize).toBe(JSON.stringify(r.statement).length);
  });

  test('the first occurrence is kept: catalog order is stable', () => {
    const r = renderEntry(
      entry(['a:{StackName}', 'b:{Service}', 'a:{Service}-{Stage}', 'c:{Stage}', 'b:tapir']),
      tokens,
    );
    expect(r.statement.Resource).toEqual(['a:tapir-dev', 'b:tapir', 'c:dev']);
  });

  test('patterns with list tokens are deduped after the lists are expanded and filled', () => {
    const r = renderEntry(entry(['rule/{Heads}-*', 'rule/{Service}-{Stage}-*', 'rule/{Empty}/x']), tokens);
    expect(r.statement.Resource).toBe('rule/tapir-dev-*');
    expect(r.size).toBe(JSON.stringify(r.statement).length);
    expect(r.jsonSize).toBe(JSON.stringify(r.statement).length);
  });

  test('a list token with empty lists drops its patterns, then repeats are dropped too', () => {
    const r = renderEntry(entry(['x/{StackName}', 'x/{Service}-{Stage}', 'x/{Empty}']), tokens);
    expect(r.statement.Resource).toBe('x/tapir-dev');
    expect(r.size).toBe(JSON.stringify(r.statement).length);
  });

  test('an expression and a literal never merge; each expression is sized at its longest resolution', () => {
    const r = renderEntry(entry(['{StackRef}', 'x/{StackRef}-*', 'x/tapir-dev-*']), tokens);
    expect(r.statement.Resource).toEqual([
      { Ref: 'AWS::StackName' },
      { 'Fn::Sub': ['x/${StackRef}-*', { StackRef: { Ref: 'AWS::StackName' } }] },
      'x/tapir-dev-*',
    ]);
    expect(r.size).toBe(iamSize(r.statement));
  });

  test('two tokens holding the same expression fill to one value', () => {
    const t: Tokens = { ...tokens, OtherRef: STACK };
    const r = renderEntry(entry(['{StackRef}', '{OtherRef}', 's']), t);
    expect(r.statement.Resource).toEqual([{ Ref: 'AWS::StackName' }, 's']);
    expect(r.size).toBe(iamSize(r.statement));
    expect(r.jsonSize).toBe(JSON.stringify(r.statement).length);
    const subs = renderEntry(entry(['a/{StackRef}', 'a/{OtherRef}']), t);
    // the placeholders differ (${StackRef}, ${OtherRef}): structurally different expressions, both kept
    expect(subs.statement.Resource).toHaveLength(2);
    expect(subs.size).toBe(iamSize(subs.statement));
  });

  test('condition values are listed once', () => {
    const r = renderEntry(
      entry(['s'], {
        'ForAllValues:ArnLike': { 'events:TargetArn': ['t:{StackName}-*', 't:{Service}-{Stage}-*', 'u'] },
        StringEquals: { 'aws:ResourceTag/x': ['{Service}-{Stage}', '{StackName}'] },
      }),
      tokens,
    );
    expect(r.statement.Condition).toEqual({
      'ForAllValues:ArnLike': { 'events:TargetArn': ['t:tapir-dev-*', 'u'] },
      StringEquals: { 'aws:ResourceTag/x': 'tapir-dev' },
    });
    expect(r.size).toBe(JSON.stringify(r.statement).length);
  });

  test('without repeats the fast path sizes exactly as the JSON does', () => {
    const r = renderEntry(entry(['a:{StackName}', 'b:{Service}'], { StringEquals: { k: ['{Stage}', 'v'] } }), tokens);
    expect(r.statement.Resource).toEqual(['a:tapir-dev', 'b:tapir']);
    expect(r.size).toBe(JSON.stringify(r.statement).length);
    expect(r.jsonSize).toBe(JSON.stringify(r.statement).length);
  });
});

describe('valueKey: structural identity of a filled value', () => {
  test('object keys in any order are one value; array order and values matter', () => {
    const a = { 'Fn::Sub': ['x/${A}/${B}', { A: { Ref: 'A' }, B: { Ref: 'B' } }] };
    const b = { 'Fn::Sub': ['x/${A}/${B}', { B: { Ref: 'B' }, A: { Ref: 'A' } }] };
    expect(valueKey(a)).toBe(valueKey(b));
    expect(valueKey({ 'Fn::Join': ['', ['a', 'b']] })).not.toBe(valueKey({ 'Fn::Join': ['', ['b', 'a']] }));
    expect(valueKey({ 'Fn::Join': ['', ['a', { Ref: 'X' }]] })).toBe(
      valueKey({ 'Fn::Join': ['', ['a', { Ref: 'X' }]] }),
    );
    expect(valueKey('{"Ref":"X"}')).not.toBe(valueKey({ Ref: 'X' }));
  });
});

describe('a condition key whose values are all empty lists is never a missing condition', () => {
  const cond = { 'ForAllValues:StringLike': { 'events:source': ['{Empty}'] } };

  test('ForAllValues over an empty set: the request may carry no value (Null true), when every list is empty', () => {
    const r = renderEntry(entry(['arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-*'], cond), tokens);
    expect(r.statement.Condition).toEqual({ Null: { 'events:source': 'true' } });
  });

  test('the same when another list of the entry is filled', () => {
    const r = renderEntry(entry(['arn:{Partition}:events:{Region}:{Account}:rule/{Heads}-*'], cond), tokens);
    expect(r.statement.Condition).toEqual({ Null: { 'events:source': 'true' } });
  });

  test('an IfExists key with no values is no constraint (a named bucket has no account to pin)', () => {
    const r = renderEntry(
      entry(['arn:{Partition}:s3:::{Service}-{Stage}-*'], {
        StringLikeIfExists: { 's3:ResourceAccount': '{Empty}' },
      }),
      tokens,
    );
    expect(r.statement.Condition).toBeUndefined();
  });
});
