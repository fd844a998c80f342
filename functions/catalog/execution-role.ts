import { SAR, type CatalogEntry } from './types';

/** What every function of the service needs at run time, on the execution role the macro creates. */
export const executionRole: readonly CatalogEntry[] = [
  {
    id: 'lambda-role.logs',
    roles: ['lambda'],
    source: `${SAR}list_amazoncloudwatchlogs.html`,
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [
      'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{Service}-{Stage}-*:*',
      'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{ExtraFunctions}:*',
    ],
    reason: 'Functions write their logs; the trailing dash keeps stage dev from matching stage development.',
  },
];
