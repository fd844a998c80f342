import { xray } from '../../../functions/submodules/xray';
import { configFor, expandProperties, fragmentOf, optionsOf, parse } from './helpers';
import { entryProblems, escalationProblems } from '../../support/catalog-checker';

describe('Xray: parse', () => {
  test.each([
    // Nobody reads traces unless listed: the reads are account-wide (no resource, no key).
    ['true', true, []],
    ["'true' (a parameter)", 'true', []],
    ['an empty map', {}, []],
    ['Readers', { Readers: ['admin'] }, ['admin']],
    ['Readers in another order', { Readers: ['ci', 'admin'] }, ['admin', 'ci']],
    ['no readers', { Readers: [] }, []],
  ])('%s', (_name, value, readers) => {
    expect(optionsOf(xray, value).readers).toEqual(readers);
  });

  test.each([
    ['a number', 3, ['Xray should be true, or a map with Readers (the groups that may read traces), not 3.']],
    [
      'a list',
      ['admin'],
      ['Xray should be true, or a map with Readers (the groups that may read traces), not a list.'],
    ],
    ['an unknown option', { Reader: ['admin'] }, ["Xray.Reader is not an option of Xray; did you mean 'Readers'?"]],
    ['an unknown role', { Readers: ['admins'] }, ["Xray.Readers[0] 'admins' should be one of admin, developer, ci."]],
    [
      'Readers not a list',
      { Readers: 'admin' },
      ["Xray.Readers should be a list of groups (admin, developer, ci), not 'admin'."],
    ],
  ])('%s fails naming the path', (_name, value, errors) => {
    const r = parse(xray, value);
    expect(r.options).toBeUndefined();
    expect(r.errors).toEqual(errors);
  });
});

describe('Xray: entries', () => {
  const config = configFor({ Xray: true });
  const entries = xray.entries(optionsOf(xray, { Readers: ['admin', 'developer', 'ci'] }), config);

  test('by default only the execution role writes traces; no group reads them', () => {
    expect(xray.entries(optionsOf(xray, true), config).map((e) => [e.id, e.roles])).toEqual([
      ['xray.lambda-put-traces', ['lambda']],
    ]);
  });

  test('the execution role writes traces, the three listed groups read them', () => {
    expect(entries.map((e) => [e.id, e.roles])).toEqual([
      ['xray.lambda-put-traces', ['lambda']],
      ['xray.read-traces', ['admin', 'developer', 'ci']],
    ]);
    expect(entries[0].actions).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  test.each(entries.map((e) => [e.id, e] as const))('%s holds to the catalog rules', async (_id, e) => {
    expect(await entryProblems(e, config)).toEqual([]);
  });

  test('no escalation path', () => {
    expect(escalationProblems(entries)).toEqual([]);
  });

  test('Readers: [] leaves only the execution role statement', () => {
    expect(xray.entries(optionsOf(xray, { Readers: [] }), config).map((e) => e.id)).toEqual(['xray.lambda-put-traces']);
  });

  test('Readers narrows the audience', () => {
    expect(xray.entries(optionsOf(xray, { Readers: ['admin', 'developer'] }), config)[1].roles).toEqual([
      'admin',
      'developer',
    ]);
  });

  test('it creates no resources', () => {
    expect(xray.resources).toBeUndefined();
  });
});

describe('Xray: expansion', () => {
  test('the execution role policy and a group policy carry the statements', async () => {
    const t = fragmentOf(await expandProperties({ Xray: { Readers: ['admin'] } }));
    const docs = Object.values(t.Resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy')
      .map((r) => JSON.stringify(r.Properties.PolicyDocument));
    const lambda = JSON.stringify(t.Resources.TapirAccessLambdaPolicy.Properties.PolicyDocument);
    expect(lambda).toContain('"Sid":"XrayLambdaPutTraces"');
    expect(docs.filter((d) => d.includes('"Sid":"XrayReadTraces"'))).toHaveLength(1);
  });

  test('Xray: true grants no group the account-wide trace reads', async () => {
    const t = fragmentOf(await expandProperties({ Xray: true }));
    expect(JSON.stringify(t)).toContain('"Sid":"XrayLambdaPutTraces"');
    expect(JSON.stringify(t)).not.toContain('XrayReadTraces');
  });

  test('Xray: false is off', async () => {
    const t = fragmentOf(await expandProperties({ Xray: false }));
    expect(JSON.stringify(t)).not.toContain('Xray');
  });

  test('a bad shape fails the macro with the property path', async () => {
    const r = await expandProperties({ Xray: 'yes' });
    expect(r.status).toBe('failure');
    expect(r.errorMessage).toContain("Resource with id [TapirAccess] is invalid. Property 'Xray' should be true");
  });
});
