/**
 * `Xray: true | {Readers: [admin, developer, ci]}`: what `provider.tracing` needs. The execution role sends
 * segments (Lambda active tracing, the X-Ray SDK); the groups listed in Readers read traces. Nobody by default:
 * X-Ray trace reads accept no resource and no condition key, so a reader reads every service's traces of the
 * account and region (URLs, SQL, annotations), which only an explicit choice may grant.
 * API Gateway tracing needs no IAM of its own: the CLI switches it on with the stage update the core grants.
 */
import { SAR, type CatalogEntry, type GroupRole } from '../catalog/types';
import { optionsOf, roleList, type Fail } from './common';
import type { Submodule } from './types';

export interface XrayOptions {
  /** Groups that may read traces, account-wide (default none). */
  readonly readers: readonly GroupRole[];
}

const source = `${SAR}list_awsx-ray.html`;

export const xray: Submodule<XrayOptions> = {
  property: 'Xray',
  schema: {
    description:
      'provider.tracing: the execution role sends trace segments, the Readers groups read traces. true, or {Readers}.',
    oneOf: [
      { type: 'boolean' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          Readers: {
            ...{ type: 'array', items: { enum: ['admin', 'developer', 'ci'] }, uniqueItems: true },
            description:
              "Groups that may read traces (default none): X-Ray trace reads are account-wide, every service's traces of the account and region.",
          },
        },
      },
    ],
  },

  parse(value: unknown, fail: Fail): XrayOptions | undefined {
    const o = optionsOf(
      value,
      'Xray',
      ['Readers'],
      fail,
      'true, or a map with Readers (the groups that may read traces)',
    );
    if (!o) return undefined;
    const readers = o.Readers === undefined ? [] : roleList(o.Readers, 'Xray.Readers', fail);
    return readers ? { readers } : undefined;
  },

  entries(options: XrayOptions): CatalogEntry[] {
    const out: CatalogEntry[] = [
      {
        id: 'xray.lambda-put-traces',
        roles: ['lambda'],
        source,
        actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        resources: ['*'],
        reason:
          "tracing.lambda: functions send trace segments (as the framework's own role); the actions accept no resource ARN.",
      },
    ];
    if (options.readers.length) {
      out.push({
        id: 'xray.read-traces',
        roles: options.readers,
        source,
        actions: [
          'xray:BatchGetTraces',
          'xray:GetServiceGraph',
          'xray:GetTimeSeriesServiceStatistics',
          'xray:GetTraceGraph',
          'xray:GetTraceSummaries',
        ],
        resources: ['*'],
        reason:
          "Console trace map and search, for the groups in Readers only: the reads accept no resource ARN or key (every service's traces).",
      });
    }
    return out;
  },
};
