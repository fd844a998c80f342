import { V4_SHARED_BUCKET_PARAMETER } from '../core/deployment-bucket';
import { GROUP_ROLES as ALL, SAR, type CatalogEntry } from './types';

const source = `${SAR}list_awssystemsmanager.html`;
const shared = { property: 'DeploymentBucket', mode: 'shared' } as const;
const PARAMETER = `arn:{Partition}:ssm:{Region}:{Account}:parameter${V4_SHARED_BUCKET_PARAMETER}`;

/** Serverless Framework v4 keeps the shared deployment bucket's name (and optionally its licence key) in SSM. */
export const ssm: readonly CatalogEntry[] = [
  {
    id: 'ssm.v4-bucket-parameter-read',
    roles: ALL,
    source,
    when: shared,
    actions: ['ssm:GetParameter'],
    resources: [PARAMETER, 'arn:{Partition}:ssm:{Region}:{Account}:parameter/serverless-framework/license-key'],
    reason: "v4 reads the shared bucket's name (and the licence key, when not in the environment) at each command.",
  },
  {
    id: 'ssm.v4-bucket-parameter-write',
    roles: ['admin'],
    source,
    when: shared,
    actions: ['ssm:PutParameter'],
    resources: [PARAMETER],
    condition: { StringNotEquals: { 'ssm:Overwrite': 'true' } },
    reason: "The first v4 deploy in a region records the shared bucket it creates: admin's, never overwriting it.",
  },
];
