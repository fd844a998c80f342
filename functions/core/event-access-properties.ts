/**
 * The Access properties that list what a service's events touch outside its own names, read off its
 * serverless.yml (resolved): TopicNames (the topics the service creates outside `<service>-<stage>-`: sns events
 * by name, AWS::SNS::Topic resources with TopicName), SubscribedTopicArns (the topics of sns events with an arn that
 * the service does not create: another owner's, which get only the subscriber's calls), QueueNames (AWS::SQS::Queue resources named outside `<service>-<stage>-`), StreamNames (the Kinesis streams of stream events with consumer: true, by ARN), EventBucketNames (s3 events' buckets, created or `existing: true`), EventBusNames
 * (eventBridge.eventBus outside `<service>-<stage>-`, never `default`), SubscribedLogGroupNames (cloudwatchLog
 * log groups that are not the service's own) and ExternalLayerArns (layer version ARNs the functions use that
 * are not the service's own layers). Values that are CloudFormation expressions are left out (they cannot be
 * known before the deploy; README "Properties"). Part of service-config.ts's accessPropertiesOf.
 */
type Yaml = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const lastSegment = (arn: string, sep: string) => arn.slice(arn.lastIndexOf(sep) + sep.length);

export function eventAccessProperties(
  functions: readonly { events?: readonly Yaml[]; layers?: readonly unknown[] }[],
  resources: Yaml,
  service: string,
  stage: string,
  providerLayers: readonly unknown[] = [],
): Record<string, string[]> {
  const own = `${service}-${stage}-`;
  const topics: string[] = [];
  const topicArns: string[] = [];
  const queues: string[] = [];
  const streams: string[] = [];
  const buckets: string[] = [];
  const buses: string[] = [];
  const logGroups: string[] = [];
  const layers: string[] = [];
  const str = (v: unknown): v is string => typeof v === 'string' && !v.includes('${');
  for (const f of functions) {
    for (const e of f.events ?? []) {
      if (!e || typeof e !== 'object') continue;
      // The framework (compile/events/sns.js) creates the topic of an event by name, and only subscribes to the
      // topic of an event with an arn (sns.topicName then names only the logical ids); an arn given as an
      // expression cannot be known before the deploy.
      const sns = e.sns;
      if (str(sns)) (sns.startsWith('arn:') ? topicArns : topics).push(sns);
      else if (sns && typeof sns === 'object') {
        if (sns.arn !== undefined) {
          if (str(sns.arn)) topicArns.push(sns.arn);
        } else if (str(sns.topicName)) topics.push(sns.topicName);
      }
      const st = e.stream;
      if (st && typeof st === 'object' && st.consumer === true && str(st.arn) && st.arn.includes(':kinesis:'))
        streams.push(lastSegment(st.arn, ':stream/'));
      const s3 = e.s3;
      if (str(s3)) buckets.push(s3);
      else if (s3 && typeof s3 === 'object' && str(s3.bucket)) buckets.push(s3.bucket);
      const bus = e.eventBridge?.eventBus;
      if (str(bus)) buses.push(bus.startsWith('arn:') ? lastSegment(bus, 'event-bus/') : bus);
      const cwl = e.cloudwatchLog;
      const group = str(cwl) ? cwl : cwl && typeof cwl === 'object' ? cwl.logGroup : undefined;
      if (str(group)) logGroups.push(group);
    }
    for (const l of f.layers ?? []) if (str(l) && l.startsWith('arn:')) layers.push(l);
  }
  for (const l of providerLayers) if (str(l) && l.startsWith('arn:')) layers.push(l);
  for (const r of Object.values<Yaml>(resources ?? {})) {
    if (r?.Type === 'AWS::SNS::Topic' && str(r.Properties?.TopicName)) topics.push(r.Properties.TopicName);
    if (r?.Type === 'AWS::SQS::Queue' && str(r.Properties?.QueueName)) queues.push(r.Properties.QueueName);
  }
  const sorted = (list: string[]) => [...new Set(list)].sort();
  // A subscribed ARN naming a topic the service creates itself (own prefix, or created above) is its own topic.
  const created = (arn: string) => {
    const name = lastSegment(arn, ':');
    return name.startsWith(own) || topics.includes(name);
  };
  const out: Record<string, string[]> = {
    TopicNames: sorted(topics.filter((t) => !t.startsWith(own))),
    SubscribedTopicArns: sorted(topicArns.filter((a) => !created(a))),
    QueueNames: sorted(queues.filter((q) => !q.startsWith(own))),
    StreamNames: sorted(streams.filter((s) => !s.startsWith(own))),
    EventBucketNames: sorted(buckets),
    EventBusNames: sorted(buses.filter((b) => b !== 'default' && !b.startsWith(own))),
    SubscribedLogGroupNames: sorted(logGroups.filter((g) => !g.startsWith(`/aws/lambda/${own}`))),
    ExternalLayerArns: sorted(layers.filter((a) => !lastSegment(a, ':layer:').startsWith(own))),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v.length > 0));
}
