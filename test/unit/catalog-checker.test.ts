/**
 * The catalog checker (test/support/catalog-checker.ts) finds what it claims to: each rule against an entry
 * made to break it, and a sound entry that passes them all.
 */
import { SAR, type CatalogEntry } from '../../functions/catalog/types';
import { parseAccess } from '../../functions/core/config';
import { catalogProblems, entryProblems, escalationProblems } from '../support/catalog-checker';

const config = parseAccess(
  'TapirAccess',
  {
    Type: 'Formidable::Serverless::Access',
    Properties: { ServiceName: 'tapir', Stage: 'dev', IamPartition: 'aws', IamRegion: 'us-east-1' },
  },
  { region: 'us-east-1', accountId: '123456789012', templateParameterValues: {} },
  [],
);

const sound: CatalogEntry = {
  id: 'sqs.queues-read',
  roles: ['admin', 'developer', 'ci'],
  source: `${SAR}list_amazonsqs.html`,
  actions: ['sqs:GetQueueAttributes', 'sqs:ListQueueTags'],
  resources: ['arn:{Partition}:sqs:{Region}:{Account}:{Service}-{Stage}-*'],
  reason: "CloudFormation reads the service's queues while it updates them; read-only.",
};

test('a sound entry passes every rule', async () => {
  expect(await entryProblems(sound, config)).toEqual([]);
});

test.each<[string, Partial<CatalogEntry>, string]>([
  ['an id not <service>.<what>', { id: 'SqsRead' }, 'is not <service>.<what>'],
  ['a reason citing an internal code', { reason: 'Anchor parity (A1): the queues are read.' }, 'internal codes'],
  ['a reason on two lines', { reason: 'Reads queues.\nAnd more.' }, 'one line'],
  ['a source that is no SAR page', { source: 'https://example.com/sqs' }, 'Service Authorization Reference'],
  ['an unknown role', { roles: ['admin', 'root' as never] }, 'unknown role root'],
  ['unsorted actions', { actions: ['sqs:ListQueueTags', 'sqs:GetQueueAttributes'] }, 'not sorted'],
  ['actions of two services', { actions: ['sns:GetTopicAttributes', 'sqs:GetQueueAttributes'] }, 'more than one'],
  ['an action iam-data lacks', { actions: ['sqs:ReadEverything'] }, 'is not in iam-data'],
  [
    "'*' for an action that takes an ARN",
    { resources: ['*'], reason: 'Reads queues; the action accepts no resource ARN.' },
    "takes a resource ARN, but the entry grants '*'",
  ],
  ["'*' without saying why", { actions: ['sqs:ListQueues'], resources: ['*'] }, 'accept no resource ARN'],
  [
    'an ARN of another service',
    { resources: ['arn:{Partition}:sns:{Region}:{Account}:{Service}-{Stage}-*'] },
    'none of',
  ],
  ['an ARN a wildcard makes span two parts', { resources: ['arn:{Partition}:sqs:*'] }, 'is a resource of its types'],
  ['an operator IAM lacks', { condition: { StringIs: { 'aws:SourceAccount': '1' } } }, 'not an IAM condition operator'],
  ['a global key that does not exist', { condition: { StringEquals: { 'aws:Nonsense': 'x' } } }, 'not a global'],
  [
    'a key the actions never send',
    { condition: { StringEquals: { 'lambda:FunctionArn': 'x' } } },
    'not a condition key of sqs:GetQueueAttributes',
  ],
])('flags %s', async (_name, change, problem) => {
  const problems = await entryProblems({ ...sound, ...change }, config);
  expect(problems.join('\n')).toContain(problem);
});

test('developer and ci never get an IAM write; PassRole only to named services', () => {
  const iam = (e: Partial<CatalogEntry>): CatalogEntry => ({
    ...sound,
    id: 'iam.roles',
    source: `${SAR}list_awsidentityandaccessmanagementiam.html`,
    resources: ['arn:{Partition}:iam::{Account}:role/{Service}-{Stage}-*'],
    ...e,
  });
  expect(escalationProblems([iam({ actions: ['iam:CreateRole'] })])).toEqual([
    'iam.roles: iam:CreateRole reaches developer or ci',
  ]);
  expect(
    escalationProblems([
      iam({
        roles: ['admin'],
        alsoFor: { roles: ['ci'], when: { property: 'ManyLambdas', equals: true } },
        actions: ['iam:DeleteRole'],
      }),
    ]),
  ).toEqual(['iam.roles: iam:DeleteRole reaches developer or ci']);
  expect(escalationProblems([iam({ actions: ['iam:PassRole'] })])).toHaveLength(1);
  expect(
    escalationProblems([
      iam({ actions: ['iam:PassRole'], condition: { StringEquals: { 'iam:PassedToService': '*.amazonaws.com' } } }),
    ]),
  ).toHaveLength(1);
  expect(
    escalationProblems([
      iam({
        actions: ['iam:PassRole'],
        condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'scheduler.amazonaws.com'] } },
      }),
    ]),
  ).toEqual([]);
  expect(escalationProblems([iam({ roles: ['admin'], actions: ['iam:CreateRole'] })])).toEqual([]);
});

test('ids and their Sids are unique in a set, and one service cites one page', () => {
  expect(catalogProblems([sound, { ...sound, id: 'sqs.other', source: `${SAR}list_amazonsns.html` }])).toEqual([
    `the entries of sqs cite different pages: ${SAR}list_amazonsqs.html, ${SAR}list_amazonsns.html`,
  ]);
  expect(catalogProblems([sound, sound])).toEqual(['id sqs.queues-read is used twice']);
  expect(catalogProblems([sound, { ...sound, id: 'sqs.queues--read' }])).toContain(
    'Sid SqsQueuesRead comes from two ids',
  );
});
