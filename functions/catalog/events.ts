import { ARN } from './arns';
import { GROUP_ROLES as ALL, SAR, VIA_CLOUDFORMATION, type CatalogEntry, type ConditionBlock } from './types';

const source = `${SAR}list_amazoneventbridge.html`;
const schedulerSource = `${SAR}list_amazoneventbridgescheduler.html`;

/**
 * Rules the framework names: schedule rules CloudFormation names `<stack>-<LogicalId>-<suffix>` (stack part
 * cut at 24 or 25 characters, with a 13- or 12-character suffix), eventBridge rules
 * `<service>-<stage>-<function>-rule-<n>`, on the default bus, a bus the service creates (<service>-<stage>-*) or
 * one listed in EventBusNames. A rule named by the user (`schedule.name`) must start with `<service>-<stage>-`.
 */
const RULES = [
  'arn:{Partition}:events:{Region}:{Account}:rule/{GeneratedNameHeads}-*',
  'arn:{Partition}:events:{Region}:{Account}:rule/{Service}-{Stage}-*',
  'arn:{Partition}:events:{Region}:{Account}:rule/{EventBusNames}/{Service}-{Stage}-*',
];
/**
 * Buses the service creates: its own (<service>-<stage>-*) and those listed in EventBusNames. Never the default bus:
 * only the AWS::Events::EventBus handlers call DescribeEventBus, and the framework never declares the default bus.
 */
const BUSES = [
  'arn:{Partition}:events:{Region}:{Account}:event-bus/{Service}-{Stage}-*',
  'arn:{Partition}:events:{Region}:{Account}:event-bus/{EventBusNames}',
];
const RULE_UPDATE = [
  'events:DescribeRule',
  'events:ListTagsForResource',
  'events:ListTargetsByRule',
  'events:RemoveTargets',
  'events:TagResource',
  'events:UntagResource',
];
/**
 * PutRule carries the sources of the rule's event pattern (events:source, one value per source) and no key at all
 * for a pattern that names none, or for a schedule rule (ScheduleExpression, no pattern): AWS cannot tell those two
 * apart (Using IAM policy conditions in Amazon EventBridge: "Ensuring that the source is defined in the event
 * pattern", "Defining a list of allowed sources"). A pattern without a source (`{"account": [...]}`) matches every
 * event of its bus, so the groups write patterns only with sources, and only the listed ones (EventSources);
 * source-less rules only for a service with rule-based schedules (Events: schedule), the residual of
 * docs/security.md.
 */
const SOURCED: ConditionBlock = {
  ...VIA_CLOUDFORMATION,
  Null: { 'events:source': 'false' },
  'ForAllValues:StringLike': { 'events:source': ['{EventSources}'] },
};
const SOURCELESS: ConditionBlock = { ...VIA_CLOUDFORMATION, Null: { 'events:source': 'true' } };
const SCHEDULES = ['arn:{Partition}:scheduler:{Region}:{Account}:schedule/default/{StackNameHead}-*'];

export const events: readonly CatalogEntry[] = [
  {
    id: 'events.rules-update',
    roles: ALL,
    source,
    actions: [...RULE_UPDATE, 'events:PutTargets'].sort(),
    resources: RULES,
    // PutTargets always names its targets (events:TargetArn); the other actions carry none.
    condition: { ...VIA_CLOUDFORMATION, 'ForAllValues:ArnLikeIfExists': { 'events:TargetArn': [...ARN.ownFunctions] } },
    reason:
      "Changing a schedule or eventBridge event rewrites the service's rules; targets only its own functions, via the stack.",
  },
  {
    id: 'events.rules-put-sources',
    roles: ALL,
    source,
    when: { property: 'EventSources', nonEmpty: true },
    actions: ['events:PutRule'],
    resources: RULES,
    condition: SOURCED,
    reason:
      "eventBridge and cloudwatchEvent rules: the pattern must name sources, all of them the service's (EventSources).",
  },
  {
    id: 'events.rules-put-schedules',
    roles: ALL,
    source,
    when: { property: 'Events', includes: 'schedule' },
    actions: ['events:PutRule'],
    resources: RULES,
    condition: SOURCELESS,
    reason: 'schedule rules name no event source; AWS cannot tell them from a pattern naming none (docs/security.md).',
  },
  {
    id: 'events.rules-lifecycle',
    roles: ['admin'],
    source,
    actions: ['events:DeleteRule'],
    resources: RULES,
    condition: VIA_CLOUDFORMATION,
    reason: "Removing a schedule or eventBridge event deletes its rule: admin's, only through the stack.",
  },
  {
    id: 'events.buses-read',
    roles: ALL,
    source,
    actions: ['events:DescribeEventBus'],
    resources: BUSES,
    condition: VIA_CLOUDFORMATION,
    reason: "CloudFormation's AWS::Events::EventBus handlers read the service's bus while they update it; read-only.",
  },
  {
    id: 'events.buses-lifecycle',
    roles: ['admin'],
    source,
    actions: ['events:CreateEventBus', 'events:DeleteEventBus', 'events:TagResource'],
    resources: BUSES,
    condition: VIA_CLOUDFORMATION,
    reason:
      "eventBridge events may create the service's bus (<service>-<stage>-* or EventBusNames); only via the stack.",
  },
  {
    id: 'scheduler.schedules-update',
    roles: ALL,
    source: schedulerSource,
    actions: ['scheduler:GetSchedule', 'scheduler:UpdateSchedule'],
    resources: SCHEDULES,
    condition: VIA_CLOUDFORMATION,
    reason:
      'schedule events with method: scheduler: changing the rate updates the generated schedule, through the stack.',
  },
  {
    id: 'scheduler.schedules-lifecycle',
    roles: ['admin'],
    source: schedulerSource,
    actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
    resources: SCHEDULES,
    condition: VIA_CLOUDFORMATION,
    reason: "Adding or removing a method: scheduler event creates or deletes its schedule: admin's, through the stack.",
  },
];
