/**
 * CloudWatch alarms and a dashboard for one service and stage.
 *
 * `Alarms: {Functions, TopicArn | Topic, Api, Errors, Throttles, DurationPercent, Api5xx, ApiLatencyMs, Period,
 * EvaluationPeriods}`: per function an errors, a throttles and a duration alarm (duration near the function's
 * timeout), and with Api a 5xx and a latency alarm for the service's API; notifications go to an existing topic
 * (TopicArn) or one the macro creates (Topic). Function names live in serverless.yml, so the macro takes them as
 * a property: the short names (`hello` for `functions.hello`), which it prefixes with `<service>-<stage>-` as the
 * framework does.
 *
 * `Dashboard: true | {Functions, Api}`: invocations, errors, throttles and duration of the functions, the API's
 * requests, errors and latency, and the alarms' states. Functions default to Alarms.Functions.
 *
 * The alarms and the dashboard belong to the macro's stack; the groups only read them (admins may silence
 * alarm actions during an incident).
 */
import { SAR, type CatalogEntry } from '../catalog/types';
import type { AccessConfig } from '../core/config';
import { fitName } from '../core/naming';
import {
  ALL_GROUPS,
  asBoolean,
  baseName,
  integer,
  isOn,
  isRecord,
  namedStage,
  optionsOf,
  pascalName,
  stringList,
  tagList,
  thresholdOrOff,
  type Fail,
} from './common';
import type { CfnResource, ExpansionContext, Submodule, SubmoduleOutput } from './types';

export interface AlarmFunction {
  /** The function's key in serverless.yml (`functions.<key>`). */
  readonly key: string;
  /** The deployed function name. */
  readonly name: string;
  /** Seconds (serverless.yml `timeout`, default 6). */
  readonly timeout: number;
}

export type ApiOption =
  { readonly type: 'rest'; readonly name: string } | { readonly type: 'http'; readonly id: string };

export interface AlarmsOptions {
  readonly functions: readonly AlarmFunction[];
  readonly topic: { readonly arn: string } | { readonly create: true; readonly emails: readonly string[] } | undefined;
  readonly api?: ApiOption;
  readonly errors: number | false;
  readonly throttles: number | false;
  readonly durationPercent: number | false;
  readonly api5xx: number | false;
  readonly apiLatencyMs: number | false;
  readonly period: number;
  readonly evaluationPeriods: number;
  /** The Dashboard submodule is on (it grants the metric reads then). */
  readonly dashboard: boolean;
}

export interface DashboardOptions {
  readonly functions: readonly AlarmFunction[];
  readonly api?: ApiOption;
  /** Alarm names to show, when the Alarms submodule is on. */
  readonly alarmNames: readonly string[];
}

const source = `${SAR}list_amazoncloudwatch.html`;
const FUNCTION_KEY = /^[a-zA-Z0-9-_]+$/;
const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const ALARM_KEYS = [
  'Functions',
  'TopicArn',
  'Topic',
  'Api',
  'Errors',
  'Throttles',
  'DurationPercent',
  'Api5xx',
  'ApiLatencyMs',
  'Period',
  'EvaluationPeriods',
];

/** The framework's stage, which function and API names hold: IamStage, unless it is a wildcard. */
function frameworkStage(config: AccessConfig): string | undefined {
  return /[*?]/.test(config.iamStage) ? undefined : config.iamStage;
}

/** `Functions: [hello, {Name: worker, Timeout: 30, FunctionName: custom-name}]`. */
export function parseFunctions(
  value: unknown,
  path: string,
  fail: Fail,
  config: AccessConfig,
): AlarmFunction[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    return (
      fail(
        path,
        'should list the functions of serverless.yml by key, e.g. [hello, {Name: worker, Timeout: 30}]; the macro cannot read serverless.yml.',
      ),
      undefined
    );
  }
  const stage = frameworkStage(config);
  const out: AlarmFunction[] = [];
  let ok = true;
  value.forEach((item, i) => {
    const at = `${path}[${i}]`;
    const o: Record<string, unknown> = typeof item === 'string' ? { Name: item } : isRecord(item) ? item : {};
    const unknown = Object.keys(o).filter((k) => !['Name', 'Timeout', 'FunctionName'].includes(k));
    if (unknown.length)
      return (
        (ok = false),
        fail(`${at}.${unknown[0]}`, 'is not known; a function is a key, or {Name, Timeout, FunctionName}.')
      );
    if (typeof o.Name !== 'string' || !FUNCTION_KEY.test(o.Name)) {
      return (
        (ok = false),
        fail(
          at,
          `should be a function key of serverless.yml (letters, digits, - and _) or {Name: <key>, Timeout: <seconds>}, not ${JSON.stringify(item)}.`,
        )
      );
    }
    const timeout = o.Timeout === undefined ? 6 : integer(o.Timeout, `${at}.Timeout`, fail, 1, 900);
    if (timeout === undefined) return (ok = false);
    let name: string;
    if (o.FunctionName !== undefined) {
      if (typeof o.FunctionName !== 'string' || !FUNCTION_NAME.test(o.FunctionName))
        return (
          (ok = false),
          fail(
            `${at}.FunctionName`,
            'should be a Lambda function name (1-64 letters, digits, - and _), as functions.<key>.name.',
          )
        );
      name = o.FunctionName;
    } else {
      if (!stage)
        return (
          (ok = false),
          fail(
            `${at}.FunctionName`,
            `is required while IamStage ('${config.iamStage}') holds a wildcard: the deployed name cannot be derived.`,
          )
        );
      name = `${config.slsServiceName}-${stage}-${o.Name}`;
      if (name.length > 64)
        return (
          (ok = false),
          fail(
            at,
            `makes the function name '${name}' ${name.length} characters long (Lambda allows 64); give FunctionName, as functions.${o.Name}.name.`,
          )
        );
    }
    out.push({ key: o.Name, name, timeout });
  });
  const ids = out.map((f) => pascalName(f.key));
  const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (dup >= 0)
    return (
      fail(
        `${path}[${dup}]`,
        `repeats '${out[dup].key}' (or a name that differs only in punctuation); list each function once.`,
      ),
      undefined
    );
  return ok ? out : undefined;
}

/** `Api: true` (the REST API, named `<stage>-<service>` as the framework does), `{Name}` or `{HttpApiId}`. */
export function parseApi(value: unknown, path: string, fail: Fail, config: AccessConfig): ApiOption | undefined {
  if (asBoolean(value) === true) {
    const stage = frameworkStage(config);
    if (!stage)
      return (
        fail(
          path,
          `cannot derive the REST API name while IamStage ('${config.iamStage}') holds a wildcard; give {Name: <provider.apiName>}.`,
        ),
        undefined
      );
    return { type: 'rest', name: `${stage}-${config.slsServiceName}` };
  }
  if (
    isRecord(value) &&
    Object.keys(value).length === 1 &&
    typeof value.Name === 'string' &&
    /^[^\s].{0,1023}$/.test(value.Name)
  )
    return { type: 'rest', name: value.Name };
  if (
    isRecord(value) &&
    Object.keys(value).length === 1 &&
    typeof value.HttpApiId === 'string' &&
    /^[a-z0-9]{10}$/.test(value.HttpApiId)
  )
    return { type: 'http', id: value.HttpApiId };
  return (
    fail(
      path,
      'should be true (the REST API <stage>-<service>), {Name: <provider.apiName>} or {HttpApiId: <10-character id of the HTTP API>}.',
    ),
    undefined
  );
}

/** `<service>-<stage>-<what>`; `<what>` ends with the metric (`-errors`), kept when the name is shortened. */
export function alarmName(config: AccessConfig, what: string, metric = ''): string {
  return fitName('cloudwatch-alarm', `${baseName(config)}-${what}`, metric);
}

/** The topic the alarms notify. */
export function alarmTopicName(config: AccessConfig): string {
  return fitName('sns-topic', baseName(config), '-alarms');
}

export function dashboardName(config: AccessConfig): string {
  return fitName('cloudwatch-dashboard', baseName(config));
}

/** Every alarm the options define: [logical-id suffix, name, properties]. */
function alarmDefinitions(o: AlarmsOptions, config: AccessConfig): Array<[string, string, Record<string, unknown>]> {
  const out: Array<[string, string, Record<string, unknown>]> = [];
  const common = {
    Period: o.period,
    EvaluationPeriods: o.evaluationPeriods,
    TreatMissingData: 'notBreaching',
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  };
  /** One alarm: `statistic` is a percentile (`p99`, an ExtendedStatistic) or a plain Statistic. */
  const alarm = (
    suffix: string,
    name: string,
    metric: { namespace: string; name: string; dimensions: { Name: string; Value: string }[]; statistic: string },
    threshold: number,
    description: string,
  ) =>
    out.push([
      suffix,
      name,
      {
        ...common,
        Namespace: metric.namespace,
        MetricName: metric.name,
        Dimensions: metric.dimensions,
        [/^p\d/.test(metric.statistic) ? 'ExtendedStatistic' : 'Statistic']: metric.statistic,
        Threshold: threshold,
        AlarmDescription: description,
      },
    ]);
  for (const f of o.functions) {
    const lambda = (name: string, statistic: string) => ({
      namespace: 'AWS/Lambda',
      name,
      dimensions: [{ Name: 'FunctionName', Value: f.name }],
      statistic,
    });
    const id = pascalName(f.key);
    if (o.errors !== false)
      alarm(
        `Alarm${id}Errors`,
        alarmName(config, f.key, '-errors'),
        lambda('Errors', 'Sum'),
        o.errors,
        `${f.name}: ${o.errors} or more errors in ${o.period} s`,
      );
    if (o.throttles !== false)
      alarm(
        `Alarm${id}Throttles`,
        alarmName(config, f.key, '-throttles'),
        lambda('Throttles', 'Sum'),
        o.throttles,
        `${f.name}: ${o.throttles} or more throttled invocations in ${o.period} s`,
      );
    if (o.durationPercent !== false)
      alarm(
        `Alarm${id}Duration`,
        alarmName(config, f.key, '-duration'),
        lambda('Duration', 'Maximum'),
        Math.floor((f.timeout * 1000 * o.durationPercent) / 100),
        `${f.name}: an invocation took ${o.durationPercent}% of its ${f.timeout} s timeout`,
      );
  }
  if (o.api) {
    const rest = o.api.type === 'rest';
    const dimensions =
      o.api.type === 'rest' ? [{ Name: 'ApiName', Value: o.api.name }] : [{ Name: 'ApiId', Value: o.api.id }];
    const api = (name: string, statistic: string) => ({ namespace: 'AWS/ApiGateway', name, dimensions, statistic });
    if (o.api5xx !== false)
      alarm(
        'AlarmApi5xx',
        alarmName(config, 'api', '-5xx'),
        api(rest ? '5XXError' : '5xx', 'Sum'),
        o.api5xx,
        `API: ${o.api5xx} or more 5xx responses in ${o.period} s`,
      );
    if (o.apiLatencyMs !== false)
      alarm(
        'AlarmApiLatency',
        alarmName(config, 'api', '-latency'),
        api('Latency', 'p99'),
        o.apiLatencyMs,
        `API: p99 latency of ${o.apiLatencyMs} ms or more`,
      );
  }
  return out;
}

/** Alarms.Functions and Dashboard.Functions: function keys of serverless.yml, or {Name, Timeout, FunctionName}. */
const FUNCTIONS_SCHEMA = {
  type: 'array',
  minItems: 1,
  items: {
    oneOf: [
      { type: 'string', pattern: '^[a-zA-Z0-9-_]+$' },
      {
        type: 'object',
        additionalProperties: false,
        required: ['Name'],
        properties: { Name: { type: 'string' }, Timeout: { type: 'integer' }, FunctionName: { type: 'string' } },
      },
    ],
  },
};

/** Alarms.Api and Dashboard.Api: true (the REST API <stage>-<service>), {Name} or {HttpApiId}. */
const API_SCHEMA = {
  oneOf: [
    { type: 'boolean' },
    { type: 'object', additionalProperties: false, properties: { Name: { type: 'string' } }, required: ['Name'] },
    {
      type: 'object',
      additionalProperties: false,
      properties: { HttpApiId: { type: 'string', pattern: '^[a-z0-9]{10}$' } },
      required: ['HttpApiId'],
    },
  ],
};

function alarmArnPattern(config: AccessConfig): string {
  return `arn:{Partition}:cloudwatch:{Region}:{Account}:alarm:{Service}-${namedStage(config)}-*`;
}

const metricsRead = (id: string): CatalogEntry => ({
  id,
  roles: [...ALL_GROUPS],
  source,
  actions: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics'],
  resources: ['*'],
  reason: "The alarm and dashboard graphs read the functions' and API's metrics; metrics accept no resource ARN.",
});

export const alarms: Submodule<AlarmsOptions> = {
  property: 'Alarms',
  schema: {
    description:
      "CloudWatch alarms on the service's functions (and API): {Functions, TopicArn or Topic, Api, thresholds}.",
    type: 'object',
    additionalProperties: false,
    required: ['Functions'],
    properties: {
      Functions: {
        ...FUNCTIONS_SCHEMA,
        description: 'Function keys of serverless.yml, or {Name, Timeout, FunctionName}.',
      },
      TopicArn: {
        type: 'string',
        pattern: '^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}$',
        description: 'An existing SNS topic to notify.',
      },
      Topic: {
        oneOf: [
          { type: 'boolean' },
          {
            type: 'object',
            additionalProperties: false,
            properties: { Emails: { type: 'array', items: { type: 'string' } } },
          },
        ],
        description: 'Create <service>-<stage>-alarms (true, or {Emails}).',
      },
      Api: { ...API_SCHEMA, description: 'true (the REST API <stage>-<service>), {Name} or {HttpApiId}.' },
      Errors: {
        oneOf: [{ type: 'integer', minimum: 1, maximum: 1000000 }, { const: false }],
        default: 1,
        description: 'Errors per period, or false.',
      },
      Throttles: {
        oneOf: [{ type: 'integer', minimum: 1, maximum: 1000000 }, { const: false }],
        default: 1,
        description: 'Throttles per period, or false.',
      },
      DurationPercent: {
        oneOf: [{ type: 'integer', minimum: 1, maximum: 100 }, { const: false }],
        default: 80,
        description: 'Duration as a percentage of the timeout, or false.',
      },
      Api5xx: {
        oneOf: [{ type: 'integer', minimum: 1, maximum: 1000000 }, { const: false }],
        default: 1,
        description: 'API 5xx responses per period, or false.',
      },
      ApiLatencyMs: {
        oneOf: [{ type: 'integer', minimum: 1, maximum: 30000 }, { const: false }],
        default: 3000,
        description: 'API latency in ms, or false.',
      },
      Period: {
        type: 'integer',
        minimum: 10,
        maximum: 86400,
        default: 60,
        description: '10, 30 or a multiple of 60 seconds.',
      },
      EvaluationPeriods: {
        type: 'integer',
        minimum: 1,
        maximum: 100,
        default: 1,
        description: 'Periods over the threshold before the alarm fires.',
      },
    },
  },

  parse(value: unknown, fail: Fail, config: AccessConfig): AlarmsOptions | undefined {
    if (!isRecord(value))
      return (
        fail(
          'Alarms',
          `should be a map with Functions (the function keys of serverless.yml) and optionally TopicArn or Topic, Api and thresholds (${ALARM_KEYS.slice(4).join(', ')}).`,
        ),
        undefined
      );
    const o = optionsOf(value, 'Alarms', ALARM_KEYS, fail, 'a map');
    if (!o) return undefined;
    let ok = true;
    const functions =
      o.Functions === undefined
        ? (fail(
            'Alarms.Functions',
            'is required: the function keys of serverless.yml, e.g. [hello, {Name: worker, Timeout: 30}].',
          ),
          undefined)
        : parseFunctions(o.Functions, 'Alarms.Functions', fail, config);
    let topic: AlarmsOptions['topic'];
    if (o.TopicArn !== undefined && o.Topic !== undefined) {
      fail(
        'Alarms.Topic',
        'and Alarms.TopicArn exclude each other: notify an existing topic (TopicArn) or one the macro creates (Topic: true).',
      );
      ok = false;
    } else if (o.TopicArn !== undefined) {
      if (
        typeof o.TopicArn === 'string' &&
        /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(o.TopicArn)
      )
        topic = { arn: o.TopicArn };
      else
        ok =
          (fail(
            'Alarms.TopicArn',
            `should be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:alerts, not ${JSON.stringify(o.TopicArn)}.`,
          ),
          false);
    } else if (o.Topic !== undefined && asBoolean(o.Topic) !== false) {
      const t = optionsOf(
        o.Topic,
        'Alarms.Topic',
        ['Emails'],
        fail,
        'true (create <service>-<stage>-alarms) or {Emails: [...]}',
      );
      const emails =
        t?.Emails === undefined
          ? []
          : stringList(t.Emails, 'Alarms.Topic.Emails', fail, {
              pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
              what: 'an e-mail address',
              plural: 'e-mail addresses',
            });
      if (t && emails) topic = { create: true, emails };
      else ok = false;
    }
    const api =
      o.Api === undefined || asBoolean(o.Api) === false ? undefined : parseApi(o.Api, 'Alarms.Api', fail, config);
    if (o.Api !== undefined && asBoolean(o.Api) !== false && !api) ok = false;
    const threshold = (key: string, dflt: number, min: number, max: number) => {
      if (o[key] === undefined) return dflt;
      const v = thresholdOrOff(o[key], `Alarms.${key}`, fail, min, max);
      if (v === undefined) ok = false;
      return v ?? false;
    };
    const errors = threshold('Errors', 1, 1, 1_000_000);
    const throttles = threshold('Throttles', 1, 1, 1_000_000);
    const durationPercent = threshold('DurationPercent', 80, 1, 100);
    const api5xx = threshold('Api5xx', 1, 1, 1_000_000);
    const apiLatencyMs = threshold('ApiLatencyMs', 3000, 1, 30_000);
    const period = o.Period === undefined ? 60 : integer(o.Period, 'Alarms.Period', fail, 10, 86_400);
    if (period !== undefined && period !== 10 && period !== 30 && period % 60 !== 0) {
      fail('Alarms.Period', `should be 10, 30 or a multiple of 60 seconds (CloudWatch), not ${period}.`);
      ok = false;
    }
    const evaluationPeriods =
      o.EvaluationPeriods === undefined ? 1 : integer(o.EvaluationPeriods, 'Alarms.EvaluationPeriods', fail, 1, 100);
    if (!ok || !functions || period === undefined || evaluationPeriods === undefined) return undefined;
    return {
      functions,
      topic,
      api,
      errors,
      throttles,
      durationPercent,
      api5xx,
      apiLatencyMs,
      period,
      evaluationPeriods,
      dashboard: isOn(config, 'Dashboard'),
    };
  },

  entries(options: AlarmsOptions, config: AccessConfig): CatalogEntry[] {
    const out: CatalogEntry[] = [
      {
        id: 'alarms.read',
        roles: [...ALL_GROUPS],
        source,
        actions: ['cloudwatch:DescribeAlarmHistory', 'cloudwatch:DescribeAlarms'],
        resources: [alarmArnPattern(config)],
        reason: "The groups see the state and history of the service's alarms (<service>-<stage>-*).",
      },
      {
        id: 'alarms.silence',
        roles: ['admin'],
        source,
        actions: ['cloudwatch:DisableAlarmActions', 'cloudwatch:EnableAlarmActions', 'cloudwatch:SetAlarmState'],
        resources: [alarmArnPattern(config)],
        reason: "Admins silence notifications during an incident and test them; the alarms stay the macro stack's.",
      },
    ];
    if (!options.dashboard) out.push(metricsRead('alarms.metrics-read'));
    return out;
  },

  resources(options: AlarmsOptions, ctx: ExpansionContext): Record<string, CfnResource> {
    const out: Record<string, CfnResource> = {};
    let actions: unknown[] = [];
    if (options.topic && 'arn' in options.topic) actions = [options.topic.arn];
    if (options.topic && 'create' in options.topic) {
      out.AlarmTopic = {
        Type: 'AWS::SNS::Topic',
        Properties: {
          TopicName: alarmTopicName(ctx.config),
          DisplayName: `${baseName(ctx.config)} alarms`,
          Tags: tagList(ctx),
        },
      };
      actions = [{ Ref: `${ctx.logicalId}AlarmTopic` }];
      options.topic.emails.forEach((email, i) => {
        out[`AlarmTopicSubscription${i + 1}`] = {
          Type: 'AWS::SNS::Subscription',
          Properties: { TopicArn: { Ref: `${ctx.logicalId}AlarmTopic` }, Protocol: 'email', Endpoint: email },
        };
      });
    }
    for (const [suffix, name, props] of alarmDefinitions(options, ctx.config)) {
      out[suffix] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: name,
          ...props,
          ...(actions.length ? { AlarmActions: actions, OKActions: actions } : {}),
          Tags: tagList(ctx),
        },
      };
    }
    return out;
  },

  outputs(options: AlarmsOptions, ctx: ExpansionContext): Record<string, SubmoduleOutput> {
    const out: Record<string, SubmoduleOutput> = {
      AlarmNames: {
        value: alarmDefinitions(options, ctx.config)
          .map(([, name]) => name)
          .join(','),
        description: "The service's alarms (deploymentSettings.alarms of the canary plugin may watch them)",
      },
    };
    if (options.topic && 'create' in options.topic)
      out.AlarmTopicArn = { value: { Ref: `${ctx.logicalId}AlarmTopic` }, description: 'Topic the alarms notify' };
    return out;
  },
};

export const dashboard: Submodule<DashboardOptions> = {
  property: 'Dashboard',
  schema: {
    description: 'A CloudWatch dashboard <service>-<stage>: true (with Alarms.Functions), or {Functions, Api}.',
    oneOf: [
      { type: 'boolean' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          Functions: {
            ...FUNCTIONS_SCHEMA,
            description: 'Function keys of serverless.yml (default Alarms.Functions).',
          },
          Api: { ...API_SCHEMA, description: 'The API to show (default Alarms.Api).' },
        },
      },
    ],
  },

  parse(value: unknown, fail: Fail, config: AccessConfig): DashboardOptions | undefined {
    const o = optionsOf(value, 'Dashboard', ['Functions', 'Api'], fail, 'true, or a map with Functions and Api');
    if (!o) return undefined;
    const alarmsValue = config.submoduleProperties.Alarms;
    const alarmsOn = isOn(config, 'Alarms') && isRecord(alarmsValue);
    const quiet: Fail = () => undefined; // Alarms reports its own errors
    let functions: AlarmFunction[] | undefined;
    if (o.Functions !== undefined) functions = parseFunctions(o.Functions, 'Dashboard.Functions', fail, config);
    else if (alarmsOn && alarmsValue.Functions !== undefined)
      functions = parseFunctions(alarmsValue.Functions, 'Alarms.Functions', quiet, config);
    else
      return (
        fail(
          'Dashboard.Functions',
          'is required unless Alarms.Functions lists the functions: the function keys of serverless.yml, e.g. [hello, worker].',
        ),
        undefined
      );
    let api: ApiOption | undefined;
    if (o.Api !== undefined) {
      if (asBoolean(o.Api) !== false) {
        api = parseApi(o.Api, 'Dashboard.Api', fail, config);
        if (!api) return undefined;
      }
    } else if (alarmsOn && alarmsValue.Api !== undefined && asBoolean(alarmsValue.Api) !== false)
      api = parseApi(alarmsValue.Api, 'Alarms.Api', quiet, config);
    if (!functions) return undefined;
    const alarmOptions = alarmsOn ? alarms.parse(alarmsValue, quiet, config) : undefined;
    const alarmNames = alarmOptions ? alarmDefinitions(alarmOptions, config).map(([, name]) => name) : [];
    return { functions, api, alarmNames };
  },

  entries(_options: DashboardOptions, config: AccessConfig): CatalogEntry[] {
    return [
      {
        id: 'dashboard.read',
        roles: [...ALL_GROUPS],
        source,
        actions: ['cloudwatch:GetDashboard'],
        resources: [`arn:{Partition}:cloudwatch::{Account}:dashboard/${dashboardName(config)}`],
        reason: "The groups open the service's dashboard (<service>-<stage>); it belongs to the macro's stack.",
      },
      metricsRead('dashboard.metrics-read'),
    ];
  },

  resources(options: DashboardOptions, ctx: ExpansionContext): Record<string, CfnResource> {
    return {
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: {
          DashboardName: dashboardName(ctx.config),
          DashboardBody: { 'Fn::Sub': dashboardBody(options, ctx.config) },
        },
      },
    };
  },

  outputs(_options: DashboardOptions, ctx: ExpansionContext): Record<string, SubmoduleOutput> {
    return {
      DashboardUrl: {
        value: {
          'Fn::Sub': `https://\${AWS::Region}.console.\${AWS::URLSuffix}/cloudwatch/home?region=\${AWS::Region}#dashboards:name=${dashboardName(ctx.config)}`,
        },
        description: "The service's CloudWatch dashboard",
      },
    };
  },
};

/** The dashboard's JSON, for Fn::Sub (the alarm widget names alarms by ARN: partition and account). */
export function dashboardBody(o: DashboardOptions, config: AccessConfig): string {
  const region = config.region;
  const widgets: unknown[] = [];
  let y = 0;
  const place = (w: Record<string, unknown>, i: number, height = 6) => {
    widgets.push({ ...w, x: (i % 2) * 12, y: y + Math.floor(i / 2) * height, width: 12, height });
  };
  widgets.push({
    type: 'text',
    x: 0,
    y: 0,
    width: 24,
    height: 1,
    properties: { markdown: `# ${config.slsServiceName} ${namedStage(config)}` },
  });
  y = 1;
  const lambda = (metric: string, stat: string) =>
    o.functions.map((f) => ['AWS/Lambda', metric, 'FunctionName', f.name, { stat, label: f.key }]);
  const graph = (title: string, metrics: unknown[]) => ({
    type: 'metric',
    properties: { title, region, view: 'timeSeries', stacked: false, period: 60, metrics },
  });
  [
    graph('Invocations', lambda('Invocations', 'Sum')),
    graph('Errors', lambda('Errors', 'Sum')),
    graph('Throttles', lambda('Throttles', 'Sum')),
    graph('Duration p99 (ms)', lambda('Duration', 'p99')),
  ].forEach((w, i) => place(w, i));
  y += 12;
  if (o.api) {
    const dims = o.api.type === 'rest' ? ['ApiName', o.api.name] : ['ApiId', o.api.id];
    const m = (name: string, stat: string) => ['AWS/ApiGateway', name, ...dims, { stat }];
    const rest = o.api.type === 'rest';
    [
      graph('API requests and errors', [
        m('Count', 'Sum'),
        m(rest ? '4XXError' : '4xx', 'Sum'),
        m(rest ? '5XXError' : '5xx', 'Sum'),
      ]),
      graph('API latency (ms)', [m('Latency', 'p50'), m('Latency', 'p99')]),
    ].forEach((w, i) => place(w, i));
    y += 6;
  }
  if (o.alarmNames.length) {
    widgets.push({
      type: 'alarm',
      x: 0,
      y,
      width: 24,
      height: 2 + Math.ceil(o.alarmNames.length / 4),
      properties: {
        title: 'Alarms',
        alarms: o.alarmNames.map((n) => `arn:\${AWS::Partition}:cloudwatch:${region}:\${AWS::AccountId}:alarm:${n}`),
      },
    });
  }
  return JSON.stringify({ widgets });
}
