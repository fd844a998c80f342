import { ARN, withStreams } from './arns';
import { GROUP_ROLES as ALL, MANY_LAMBDAS, SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';

const source = `${SAR}list_amazoncloudwatchlogs.html`;
/** Log groups the service may subscribe functions to: its functions' own and those listed in SubscribedLogGroupNames. */
const OWN_FUNCTION_LOG_GROUPS = 'arn:{Partition}:logs:{Region}:{Account}:log-group:/aws/lambda/{Service}-{Stage}-*';
const SUBSCRIBED = [
  OWN_FUNCTION_LOG_GROUPS,
  'arn:{Partition}:logs:{Region}:{Account}:log-group:{SubscribedLogGroupNames}',
];
/** The log groups of the service's own functions, where the framework's direct cleanup may delete a filter. */
const OWN_SUBSCRIBED = [OWN_FUNCTION_LOG_GROUPS];
/** The functions' log groups (ARN.logGroups without the API access logs): the only ones `sls logs` reads. */
const FUNCTION_LOG_GROUPS = ARN.logGroups.filter((g) => g.includes(':log-group:/aws/lambda/'));

export const logs: readonly CatalogEntry[] = [
  {
    id: 'logs.describe-log-groups',
    roles: ALL,
    source,
    actions: ['logs:DescribeLogGroups'],
    resources: ['*'],
    reason: 'CloudFormation and the console list log groups; the action accepts no resource ARN (names only).',
  },
  {
    id: 'logs.read',
    roles: ALL,
    source,
    actions: ['logs:DescribeLogStreams', 'logs:FilterLogEvents', 'logs:GetLogEvents'],
    resources: withStreams(FUNCTION_LOG_GROUPS),
    reason: "sls logs (and --tail) read the log group of one of the service's functions (/aws/lambda/<function>).",
  },
  {
    id: 'logs.log-groups-update',
    roles: ALL,
    source,
    actions: [
      'logs:DeleteRetentionPolicy',
      'logs:ListTagsForResource',
      'logs:PutRetentionPolicy',
      'logs:TagResource',
      'logs:UntagResource',
    ],
    resources: withStreams(ARN.logGroups),
    // Recorded only as cloudformation-on-behalf (osls 3 and 4 never call these). CloudFormation changes only the log
    // groups its stack created (AWS::Logs::LogGroup; creating one under an existing name fails).
    condition: VIA_CLOUDFORMATION,
    reason: 'Changing logRetentionInDays or tags updates the existing log groups, through the stack.',
  },
  {
    id: 'logs.log-groups-lifecycle',
    roles: ['admin'],
    alsoFor: MANY_LAMBDAS,
    source,
    actions: ['logs:CreateLogGroup', 'logs:DeleteLogGroup'],
    resources: withStreams(ARN.logGroups),
    reason: "Log groups come and go with functions and APIs (first deploy, sls remove): admin's, or ManyLambdas.",
  },
  {
    id: 'logs.subscription-filters-read',
    roles: ALL,
    source,
    actions: ['logs:DescribeSubscriptionFilters'],
    resources: SUBSCRIBED,
    reason:
      'deploy with cloudwatchLog events reads the filters of the subscribed log groups (own, or SubscribedLogGroupNames).',
  },
  {
    id: 'logs.subscription-filters-lifecycle',
    roles: ['admin'],
    source,
    actions: ['logs:DeleteSubscriptionFilter', 'logs:PutSubscriptionFilter'],
    resources: SUBSCRIBED,
    condition: VIA_CLOUDFORMATION,
    reason:
      'cloudwatchLog events subscribe a function to its own or a listed log group (SubscribedLogGroupNames); via the stack.',
  },
  {
    id: 'logs.subscription-filters-cleanup',
    roles: ['admin'],
    source,
    actions: ['logs:DeleteSubscriptionFilter'],
    // Not on SubscribedLogGroupNames: the action has no key for the filter name, so a direct delete there would
    // remove any filter of another owner's log group (its log shipping). On those groups the filters go through the
    // stack only (CloudFormation deletes only the filters it created).
    resources: OWN_SUBSCRIBED,
    reason:
      "deploy removes a stale filter of the service's own subscribed log group itself before CloudFormation adds the new one.",
  },
];
