import { ARN } from './arns';
import { GROUP_ROLES as ALL, SAR, VIA_CLOUDFORMATION, VIA_OWN_STACK_IF_TAGGED, type CatalogEntry } from './types';

/**
 * The service's topics: <service>-<stage>-*, and those it creates under a name of its own (TopicNames). A topic of
 * another owner that an sns event only subscribes to (by ARN) is in SUBSCRIBED_TOPICS instead and never here: an
 * AWS::SNS::TopicPolicy needs no ownership of the topics it names, so the owner's calls on it would let any group
 * open another team's topic to any account.
 */
const TOPICS = [
  'arn:{Partition}:sns:{Region}:{Account}:{Service}-{Stage}-*',
  'arn:{Partition}:sns:{Region}:{Account}:{TopicNames}',
];
/** Topics of other owners the service's sns events subscribe to by ARN (SubscribedTopicArns, any region or account). */
const SUBSCRIBED_TOPICS = ['{SubscribedTopicArns}'];
const OWN_QUEUES = ['arn:{Partition}:sqs:{Region}:{Account}:{Service}-{Stage}-*'];
/** Subscribe always carries sns:Protocol and sns:Endpoint: only the service's own functions or queues. */
const OWN_ENDPOINTS = {
  StringEqualsIfExists: { 'sns:Protocol': ['lambda', 'sqs'] },
  ArnLikeIfExists: { 'sns:Endpoint': [...ARN.ownFunctions, ...OWN_QUEUES] },
};
/**
 * The service's queues: <service>-<stage>-*, the names CloudFormation generates for unnamed queues
 * (<stack>-<LogicalId>-<suffix>; the same prefix unless StackName is custom), and the QueueNames it declares
 * outside that prefix (read off serverless.yml). Never another service's or stage's queue: the writes also require
 * the own stack's tag where the queue carries one (SQS evaluates aws:ResourceTag on queues), which closes the names a
 * sibling stack shares at long or stage-less stack names (<stack>-<LogicalId>-<suffix>).
 */
const QUEUES = [
  'arn:{Partition}:sqs:{Region}:{Account}:{OwnNamePrefixes}-*',
  'arn:{Partition}:sqs:{Region}:{Account}:{QueueNames}',
];
/** Streams a stream event registers a consumer on: the service's own (named or generated) and StreamNames. */
const STREAMS = [
  'arn:{Partition}:kinesis:{Region}:{Account}:stream/{OwnNamePrefixes}-*',
  'arn:{Partition}:kinesis:{Region}:{Account}:stream/{StreamNames}',
];
const CONSUMERS = STREAMS.map((s) => `${s}/consumer/*`);

/**
 * Topics and queues are the service's (<service>-<stage>-*) or listed (TopicNames, QueueNames); subscribed topics
 * (SubscribedTopicArns) and streams are another owner's.
 */
export const messaging: readonly CatalogEntry[] = [
  {
    id: 'sns.topics-lifecycle',
    roles: ['admin'],
    source: `${SAR}list_amazonsns.html`,
    actions: [
      'sns:CreateTopic',
      'sns:DeleteTopic',
      'sns:GetSubscriptionAttributes',
      'sns:GetTopicAttributes',
      'sns:ListSubscriptionsByTopic',
      'sns:ListTagsForResource',
      'sns:SetSubscriptionAttributes',
      'sns:SetTopicAttributes',
      'sns:Subscribe',
      'sns:TagResource',
      'sns:Unsubscribe',
      'sns:UntagResource',
    ],
    resources: TOPICS,
    condition: { ...VIA_CLOUDFORMATION, ...OWN_ENDPOINTS },
    reason:
      "sns events create the service's topics and subscribe its own functions or queues; only through the admin's stack.",
  },
  {
    id: 'sns.subscribed-topics-subscribe',
    roles: ['admin'],
    when: { property: 'SubscribedTopicArns', nonEmpty: true },
    source: `${SAR}list_amazonsns.html`,
    // The AWS::SNS::Subscription create and delete handlers (Subscribe; Unsubscribe), with its update and read calls
    // (sns.subscribed-topics-update): the subscriber's calls, never the topic owner's (attributes, policy, tags).
    actions: ['sns:Subscribe', 'sns:Unsubscribe'],
    resources: SUBSCRIBED_TOPICS,
    condition: { ...VIA_CLOUDFORMATION, ...OWN_ENDPOINTS },
    reason:
      "sns events with an arn subscribe own functions to another owner's topic (SubscribedTopicArns); admin's stack only.",
  },
  {
    id: 'sns.subscribed-topics-update',
    roles: ALL,
    when: { property: 'SubscribedTopicArns', nonEmpty: true },
    source: `${SAR}list_amazonsns.html`,
    actions: ['sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes'],
    resources: SUBSCRIBED_TOPICS,
    condition: VIA_CLOUDFORMATION,
    reason:
      'Changing the filter or redrive policy of the own subscription to a SubscribedTopicArns topic, via the stack.',
  },
  {
    id: 'sns.subscriptions-update',
    roles: ALL,
    source: `${SAR}list_amazonsns.html`,
    actions: [
      'sns:GetSubscriptionAttributes',
      'sns:GetTopicAttributes',
      'sns:ListSubscriptionsByTopic',
      'sns:ListTagsForResource',
      'sns:SetSubscriptionAttributes',
      'sns:SetTopicAttributes',
    ],
    resources: TOPICS,
    condition: VIA_CLOUDFORMATION,
    reason:
      "Changing an sns event's filter, redrive policy or topic settings (and its topic policy): the service's topics only.",
  },
  {
    id: 'sqs.queues-lifecycle',
    roles: ['admin'],
    source: `${SAR}list_amazonsqs.html`,
    actions: [
      'sqs:CreateQueue',
      'sqs:DeleteQueue',
      'sqs:GetQueueAttributes',
      'sqs:ListQueueTags',
      'sqs:TagQueue',
      'sqs:UntagQueue',
    ],
    resources: QUEUES,
    condition: VIA_OWN_STACK_IF_TAGGED,
    reason:
      "The service's queues (<service>-<stage>-*, QueueNames): only the admin's stack creates, tags and deletes them.",
  },
  {
    id: 'sqs.queues-update',
    roles: ALL,
    source: `${SAR}list_amazonsqs.html`,
    actions: ['sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'],
    resources: QUEUES,
    condition: VIA_OWN_STACK_IF_TAGGED,
    reason:
      "Settings and policies (dead-letter targets too) only of the service's queues (<service>-<stage>-*, QueueNames), via the stack.",
  },
  {
    id: 'kinesis.stream-consumer-register',
    roles: ['admin'],
    source: `${SAR}list_amazonkinesis.html`,
    actions: ['kinesis:RegisterStreamConsumer'],
    resources: STREAMS,
    condition: VIA_CLOUDFORMATION,
    reason:
      'stream events with consumer: true register a consumer on the own or a listed stream (StreamNames); via the stack.',
  },
  {
    id: 'kinesis.stream-consumers',
    roles: ['admin'],
    source: `${SAR}list_amazonkinesis.html`,
    actions: ['kinesis:DeregisterStreamConsumer', 'kinesis:DescribeStreamConsumer'],
    resources: CONSUMERS,
    condition: VIA_CLOUDFORMATION,
    reason:
      'CloudFormation reads and, when the event goes, deregisters that consumer (own or StreamNames streams); via the stack.',
  },
];
