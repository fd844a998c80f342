import { GROUP_ROLES as ALL, SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';

const source = `${SAR}list_amazondynamodb.html`;
/** Tables a service declares under `resources:`, named <service>-<stage>-* (the name is the user's choice). */
const TABLES = ['arn:{Partition}:dynamodb:{Region}:{Account}:table/{Service}-{Stage}-*'];

export const dynamodb: readonly CatalogEntry[] = [
  {
    id: 'dynamodb.tables-update',
    roles: ALL,
    source,
    actions: [
      'dynamodb:DescribeContinuousBackups',
      'dynamodb:DescribeTable',
      'dynamodb:DescribeTimeToLive',
      'dynamodb:ListTagsOfResource',
      'dynamodb:TagResource',
      'dynamodb:UntagResource',
      'dynamodb:UpdateContinuousBackups',
      'dynamodb:UpdateTable',
      'dynamodb:UpdateTimeToLive',
    ],
    resources: TABLES,
    condition: VIA_CLOUDFORMATION,
    reason: "Changing the settings of the service's own tables (<service>-<stage>-*), only through the stack.",
  },
  {
    id: 'dynamodb.tables-lifecycle',
    roles: ['admin'],
    source,
    actions: ['dynamodb:CreateTable', 'dynamodb:DeleteTable'],
    resources: TABLES,
    condition: VIA_CLOUDFORMATION,
    reason: "Tables declared in the service come and go with the stack: admin's, only through it.",
  },
];
