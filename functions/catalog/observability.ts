import { SAR, type CatalogEntry } from './types';

export const observability: readonly CatalogEntry[] = [
  {
    id: 'cloudwatch.metrics',
    roles: ['admin'],
    source: `${SAR}list_amazoncloudwatch.html`,
    actions: ['cloudwatch:GetMetricStatistics'],
    resources: ['*'],
    reason: 'sls metrics reads invocations, errors, throttles and durations; the action accepts no resource ARN.',
  },
];
