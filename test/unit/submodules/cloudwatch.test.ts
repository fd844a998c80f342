import { alarms, dashboard, dashboardBody } from '../../../functions/submodules/cloudwatch';
import { configFor, expandProperties, fillTokens, fragmentOf, namesServiceAndStage, optionsOf, parse } from './helpers';
import { entryProblems, escalationProblems } from '../../support/catalog-checker';

const ALARMS = {
  Functions: ['hello', { Name: 'worker', Timeout: 30 }],
  Api: true,
  Topic: { Emails: ['oncall@example.com'] },
};

describe('Alarms: parse', () => {
  test('defaults', () => {
    expect(optionsOf(alarms, { Functions: ['hello'] })).toEqual({
      functions: [{ key: 'hello', name: 'sls-tapir-dev-hello', timeout: 6 }],
      topic: undefined,
      api: undefined,
      errors: 1,
      throttles: 1,
      durationPercent: 80,
      api5xx: 1,
      apiLatencyMs: 3000,
      period: 60,
      evaluationPeriods: 1,
      dashboard: false,
    });
  });

  test('every option', () => {
    const o = optionsOf(alarms, {
      Functions: ['hello', { Name: 'worker', Timeout: 30 }, { Name: 'named', FunctionName: 'custom-name' }],
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
      Api: { HttpApiId: 'abcdef1234' },
      Errors: 5,
      Throttles: false,
      DurationPercent: '90',
      Api5xx: 10,
      ApiLatencyMs: 1500,
      Period: 300,
      EvaluationPeriods: 3,
    });
    expect(o).toMatchObject({
      functions: [
        { key: 'hello', name: 'sls-tapir-dev-hello', timeout: 6 },
        { key: 'worker', name: 'sls-tapir-dev-worker', timeout: 30 },
        { key: 'named', name: 'custom-name', timeout: 6 },
      ],
      topic: { arn: 'arn:aws:sns:us-east-1:123456789012:alerts' },
      api: { type: 'http', id: 'abcdef1234' },
      errors: 5,
      throttles: false,
      durationPercent: 90,
      api5xx: 10,
      apiLatencyMs: 1500,
      period: 300,
      evaluationPeriods: 3,
    });
  });

  test('Api: true is the REST API the framework names <stage>-<service>', () => {
    expect(optionsOf(alarms, ALARMS).api).toEqual({ type: 'rest', name: 'dev-sls-tapir' });
    expect(optionsOf(alarms, { ...ALARMS, Api: { Name: 'my-api' } }).api).toEqual({ type: 'rest', name: 'my-api' });
  });

  test.each([
    [
      'true (Functions are needed)',
      true,
      [
        'Alarms should be a map with Functions (the function keys of serverless.yml) and optionally TopicArn or Topic, Api and thresholds (Errors, Throttles, DurationPercent, Api5xx, ApiLatencyMs, Period, EvaluationPeriods).',
      ],
    ],
    [
      'no Functions',
      { Api: true },
      ['Alarms.Functions is required: the function keys of serverless.yml, e.g. [hello, {Name: worker, Timeout: 30}].'],
    ],
    [
      'an empty list',
      { Functions: [] },
      [
        'Alarms.Functions should list the functions of serverless.yml by key, e.g. [hello, {Name: worker, Timeout: 30}]; the macro cannot read serverless.yml.',
      ],
    ],
    [
      'a bad key',
      { Functions: ['hello world'] },
      [
        'Alarms.Functions[0] should be a function key of serverless.yml (letters, digits, - and _) or {Name: <key>, Timeout: <seconds>}, not "hello world".',
      ],
    ],
    [
      'a timeout over 900 s',
      { Functions: [{ Name: 'a', Timeout: 1000 }] },
      ['Alarms.Functions[0].Timeout should be a whole number from 1 to 900, not 1000.'],
    ],
    [
      'an unknown function option',
      { Functions: [{ Name: 'a', Memory: 1 }] },
      ['Alarms.Functions[0].Memory is not known; a function is a key, or {Name, Timeout, FunctionName}.'],
    ],
    [
      'a repeated function',
      { Functions: ['a', 'a'] },
      ["Alarms.Functions[1] repeats 'a' (or a name that differs only in punctuation); list each function once."],
    ],
    [
      'TopicArn and Topic',
      { Functions: ['a'], Topic: true, TopicArn: 'arn:aws:sns:us-east-1:123456789012:x' },
      [
        'Alarms.Topic and Alarms.TopicArn exclude each other: notify an existing topic (TopicArn) or one the macro creates (Topic: true).',
      ],
    ],
    [
      'a bad TopicArn',
      { Functions: ['a'], TopicArn: 'alerts' },
      ['Alarms.TopicArn should be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:alerts, not "alerts".'],
    ],
    [
      'a bad e-mail',
      { Functions: ['a'], Topic: { Emails: ['nobody'] } },
      ["Alarms.Topic.Emails[0] 'nobody' should be an e-mail address."],
    ],
    [
      'a bad Api',
      { Functions: ['a'], Api: 'rest' },
      [
        'Alarms.Api should be true (the REST API <stage>-<service>), {Name: <provider.apiName>} or {HttpApiId: <10-character id of the HTTP API>}.',
      ],
    ],
    [
      'a bad threshold',
      { Functions: ['a'], Errors: 0 },
      ['Alarms.Errors should be a whole number from 1 to 1000000, not 0.'],
    ],
    [
      'a period CloudWatch refuses',
      { Functions: ['a'], Period: 90 },
      ['Alarms.Period should be 10, 30 or a multiple of 60 seconds (CloudWatch), not 90.'],
    ],
    [
      'a misspelt option',
      { Functions: ['a'], Error: 1 },
      ["Alarms.Error is not an option of Alarms; did you mean 'Errors'?"],
    ],
  ])('%s fails naming the path', (_name, value, errors) => {
    const r = parse(alarms, value);
    expect(r.options).toBeUndefined();
    expect(r.errors).toEqual(errors);
  });

  test('a derived function name over 64 characters asks for FunctionName', () => {
    expect(parse(alarms, { Functions: ['x'.repeat(60)] }).errors[0]).toMatch(
      /^Alarms\.Functions\[0\] makes the function name '.*' 74 characters long \(Lambda allows 64\); give FunctionName, as functions\.x+\.name\.$/,
    );
  });

  test('an IamStage wildcard needs FunctionName and an API name', () => {
    const config = configFor({ Stage: 'pr', IamStage: 'pr-*' });
    expect(parse(alarms, { Functions: ['a'], Api: true }, config).errors).toEqual([
      "Alarms.Functions[0].FunctionName is required while IamStage ('pr-*') holds a wildcard: the deployed name cannot be derived.",
      "Alarms.Api cannot derive the REST API name while IamStage ('pr-*') holds a wildcard; give {Name: <provider.apiName>}.",
    ]);
  });
});

describe('Alarms: entries', () => {
  const config = configFor({ Alarms: ALARMS });
  const entries = alarms.entries(optionsOf(alarms, ALARMS), config);

  test('the groups read the alarms and metrics, admins silence them', () => {
    expect(entries.map((e) => [e.id, e.roles])).toEqual([
      ['alarms.read', ['admin', 'developer', 'ci']],
      ['alarms.silence', ['admin']],
      ['alarms.metrics-read', ['admin', 'developer', 'ci']],
    ]);
  });

  test.each(entries.map((e) => [e.id, e] as const))('%s holds to the catalog rules', async (_id, e) => {
    expect(await entryProblems(e, config)).toEqual([]);
  });

  test("scoped to the service's alarms, no escalation", () => {
    for (const e of entries.filter((x) => !x.resources.includes('*')))
      for (const r of e.resources) expect(namesServiceAndStage(fillTokens(r, config), config)).toBe(true);
    expect(escalationProblems(entries)).toEqual([]);
  });

  test('with the Dashboard on, the metric reads come from it (one statement, one Sid)', () => {
    const both = configFor({ Alarms: ALARMS, Dashboard: true });
    const ids = [
      ...alarms.entries(optionsOf(alarms, ALARMS, both), both),
      ...dashboard.entries(optionsOf(dashboard, true, both), both),
    ].map((e) => e.id);
    expect(ids.filter((id) => id.endsWith('metrics-read'))).toEqual(['dashboard.metrics-read']);
  });
});

describe('Alarms: resources', () => {
  test('three alarms per function, two for the API, a topic with a subscription, all tagged', async () => {
    const t = fragmentOf(await expandProperties({ Alarms: ALARMS, Tags: { team: 'platform' } }));
    const r = t.Resources;
    const alarmIds = Object.keys(r).filter((id) => r[id].Type === 'AWS::CloudWatch::Alarm');
    expect(alarmIds).toEqual([
      'TapirAccessAlarmHelloErrors',
      'TapirAccessAlarmHelloThrottles',
      'TapirAccessAlarmHelloDuration',
      'TapirAccessAlarmWorkerErrors',
      'TapirAccessAlarmWorkerThrottles',
      'TapirAccessAlarmWorkerDuration',
      'TapirAccessAlarmApi5xx',
      'TapirAccessAlarmApiLatency',
    ]);
    expect(r.TapirAccessAlarmWorkerDuration.Properties).toMatchObject({
      AlarmName: 'sls-tapir-dev-worker-duration',
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Statistic: 'Maximum',
      Threshold: 24000,
      Dimensions: [{ Name: 'FunctionName', Value: 'sls-tapir-dev-worker' }],
      AlarmActions: [{ Ref: 'TapirAccessAlarmTopic' }],
    });
    expect(r.TapirAccessAlarmApi5xx.Properties).toMatchObject({
      MetricName: '5XXError',
      Dimensions: [{ Name: 'ApiName', Value: 'dev-sls-tapir' }],
    });
    expect(r.TapirAccessAlarmApiLatency.Properties).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 3000 });
    expect(r.TapirAccessAlarmTopic.Properties).toMatchObject({ TopicName: 'sls-tapir-dev-alarms' });
    expect(r.TapirAccessAlarmTopicSubscription1.Properties).toEqual({
      TopicArn: { Ref: 'TapirAccessAlarmTopic' },
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    for (const id of [...alarmIds, 'TapirAccessAlarmTopic']) {
      expect(r[id].Properties.Tags).toEqual([
        { Key: 'team', Value: 'platform' },
        { Key: 'service', Value: 'tapir' },
        { Key: 'stage', Value: 'dev' },
      ]);
    }
    expect(t.Outputs?.TapirAccessAlarmNames.Value).toBe(
      'sls-tapir-dev-hello-errors,sls-tapir-dev-hello-throttles,sls-tapir-dev-hello-duration,sls-tapir-dev-worker-errors,sls-tapir-dev-worker-throttles,sls-tapir-dev-worker-duration,sls-tapir-dev-api-5xx,sls-tapir-dev-api-latency',
    );
  });

  test('turned-off alarms, an HTTP API and an existing topic', async () => {
    const r = fragmentOf(
      await expandProperties({
        Alarms: {
          Functions: ['a'],
          Throttles: false,
          DurationPercent: false,
          ApiLatencyMs: false,
          Api: { HttpApiId: 'abcdef1234' },
          TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts',
        },
      }),
    ).Resources;
    expect(
      Object.keys(r).filter((id) => r[id].Type.startsWith('AWS::CloudWatch') || r[id].Type.startsWith('AWS::SNS')),
    ).toEqual(['TapirAccessAlarmAErrors', 'TapirAccessAlarmApi5xx']);
    expect(r.TapirAccessAlarmApi5xx.Properties).toMatchObject({
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: 'abcdef1234' }],
      OKActions: ['arn:aws:sns:us-east-1:123456789012:alerts'],
    });
  });
});

describe('Dashboard', () => {
  test('true takes the functions and API of Alarms, and shows the alarms', () => {
    const config = configFor({ Alarms: ALARMS, Dashboard: true });
    const o = optionsOf(dashboard, true, config);
    expect(o.functions.map((f) => f.name)).toEqual(['sls-tapir-dev-hello', 'sls-tapir-dev-worker']);
    expect(o.api).toEqual({ type: 'rest', name: 'dev-sls-tapir' });
    expect(o.alarmNames).toHaveLength(8);
  });

  test.each([
    [
      'true without Alarms',
      true,
      [
        'Dashboard.Functions is required unless Alarms.Functions lists the functions: the function keys of serverless.yml, e.g. [hello, worker].',
      ],
    ],
    [
      'a bad function',
      { Functions: [3] },
      [
        'Dashboard.Functions[0] should be a function key of serverless.yml (letters, digits, - and _) or {Name: <key>, Timeout: <seconds>}, not 3.',
      ],
    ],
    [
      'an unknown option',
      { Widgets: [] },
      ['Dashboard.Widgets is not an option of Dashboard; its options are Functions, Api.'],
    ],
  ])('%s fails naming the path', (_name, value, errors) => {
    const r = parse(dashboard, value);
    expect(r.options).toBeUndefined();
    expect(r.errors).toEqual(errors);
  });

  const config = configFor({ Dashboard: { Functions: ['hello'] } });
  const entries = dashboard.entries(optionsOf(dashboard, { Functions: ['hello'] }, config), config);
  test.each(entries.map((e) => [e.id, e] as const))('%s holds to the catalog rules', async (_id, e) => {
    expect(await entryProblems(e, config)).toEqual([]);
  });

  test("the groups open the service's dashboard only", () => {
    expect(fillTokens(entries[0].resources[0], config)).toBe(
      'arn:aws:cloudwatch::123456789012:dashboard/sls-tapir-dev',
    );
  });

  test('a valid dashboard body: metrics of each function, the API and the alarms', () => {
    const both = configFor({ Alarms: ALARMS, Dashboard: true });
    const body = JSON.parse(dashboardBody(optionsOf(dashboard, true, both), both)) as {
      widgets: Array<{ type: string; width: number; properties: Record<string, unknown> }>;
    };
    expect(body.widgets.map((w) => w.type)).toEqual([
      'text',
      'metric',
      'metric',
      'metric',
      'metric',
      'metric',
      'metric',
      'alarm',
    ]);
    expect(body.widgets.every((w) => w.width <= 24)).toBe(true);
    expect(JSON.stringify(body.widgets[1].properties.metrics)).toBe(
      JSON.stringify([
        ['AWS/Lambda', 'Invocations', 'FunctionName', 'sls-tapir-dev-hello', { stat: 'Sum', label: 'hello' }],
        ['AWS/Lambda', 'Invocations', 'FunctionName', 'sls-tapir-dev-worker', { stat: 'Sum', label: 'worker' }],
      ]),
    );
    expect(body.widgets[7].properties.alarms).toContain(
      'arn:${AWS::Partition}:cloudwatch:us-east-1:${AWS::AccountId}:alarm:sls-tapir-dev-hello-errors',
    );
  });

  test('the dashboard resource and its URL', async () => {
    const t = fragmentOf(await expandProperties({ Dashboard: { Functions: ['hello'] } }));
    expect(t.Resources.TapirAccessDashboard.Properties.DashboardName).toBe('sls-tapir-dev');
    expect(Object.keys(t.Resources.TapirAccessDashboard.Properties.DashboardBody as object)).toEqual(['Fn::Sub']);
    expect(t.Outputs?.TapirAccessDashboardUrl.Value).toEqual({
      'Fn::Sub':
        'https://${AWS::Region}.console.${AWS::URLSuffix}/cloudwatch/home?region=${AWS::Region}#dashboards:name=sls-tapir-dev',
    });
  });
});
