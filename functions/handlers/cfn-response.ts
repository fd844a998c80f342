/**
 * The custom-resource contract, for every Lambda-backed custom resource of this project.
 *
 * `runCustomResource` answers the presigned ResponseURL exactly once per invocation: with SUCCESS and the
 * work's result, with FAILED and the error's message as Reason, or with FAILED from a timer armed shortly
 * before the Lambda's own timeout, whichever comes first (later outcomes are logged and dropped). As in
 * crhelper, the event's PhysicalResourceId is kept unless the work returns one, and Reason is trimmed
 * keeping its end. `callWithBackoff` retries throttled/transient SDK calls within the work's deadline.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

/** CloudFormation rejects responses over 4,096 bytes. */
export const MAX_RESPONSE_BYTES = 4096;
export const MAX_REASON_CHARS = 1024;
/** The FAILED timer fires this long before the Lambda timeout, leaving time for the PUT. */
export const DEFAULT_TIMEOUT_MARGIN_MS = 1000;
/** The work's deadline is this much earlier than the timer, so its own (more precise) failure wins. */
const WORK_DEADLINE_HEADROOM_MS = 250;

export type ResponseData = Record<string, string>;

export interface ResponseBody {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly NoEcho: boolean;
  readonly Data: ResponseData;
}

export interface CustomResourceResult {
  readonly PhysicalResourceId?: string;
  readonly Data?: ResponseData;
  readonly Reason?: string;
}

export interface WorkContext {
  /** Epoch ms by which the work should have finished (its retries must stop before it). */
  readonly deadline: number;
  /** Aborted when the timer answers FAILED: pass it to SDK calls (`send(cmd, { abortSignal })`). */
  readonly signal: AbortSignal;
}

export interface RunOptions {
  readonly timeoutMarginMs?: number;
  /** The PhysicalResourceId to answer a Create with (also when it fails), unless the work returns one. */
  readonly physicalResourceIdOnCreate?: (event: CloudFormationCustomResourceEvent) => string;
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
}

const defaultLog = (message: string, details?: Record<string, unknown>) =>
  console.log(JSON.stringify({ message, ...details }));

/** Keeps the end of a long message (the cause is usually there), within `maxChars` and `maxBytes` (UTF-8). */
export function trimReason(reason: string, maxChars = MAX_REASON_CHARS, maxBytes = Number.POSITIVE_INFINITY): string {
  const chars = Array.from(reason);
  if (chars.length <= maxChars && Buffer.byteLength(reason) <= maxBytes) return reason;
  const ellipsis = '...';
  let keep = Math.max(0, Math.min(chars.length, maxChars - ellipsis.length));
  let out = ellipsis + chars.slice(chars.length - keep).join('');
  while (keep > 0 && Buffer.byteLength(out) > maxBytes) {
    keep = Math.max(0, keep - Math.max(1, Buffer.byteLength(out) - maxBytes));
    out = ellipsis + chars.slice(chars.length - keep).join('');
  }
  return out;
}

/** A readable one-line message for anything thrown: `<name>: <message>`, the name left out when generic. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const message = error.message || String(error);
    return error.name && error.name !== 'Error' && !message.startsWith(error.name)
      ? `${error.name}: ${message}`
      : message;
  }
  if (typeof error === 'string') return error;
  try {
    return `Unexpected error: ${JSON.stringify(error)}`;
  } catch {
    return `Unexpected error: ${String(error)}`;
  }
}

function physicalIdOf(event: CloudFormationCustomResourceEvent): string | undefined {
  const id = (event as { PhysicalResourceId?: unknown }).PhysicalResourceId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The response body, Reason trimmed so the whole stays under CloudFormation's 4,096 bytes. */
export function buildResponseBody(
  event: CloudFormationCustomResourceEvent,
  status: 'SUCCESS' | 'FAILED',
  reason: string,
  physicalResourceId: string,
  data: ResponseData = {},
): ResponseBody {
  const base: ResponseBody = {
    Status: status,
    Reason: '',
    PhysicalResourceId: physicalResourceId.slice(0, 1024),
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
    Data: data,
  };
  const room = MAX_RESPONSE_BYTES - Buffer.byteLength(JSON.stringify(base)) - 64; // JSON escapes, margin
  if (room < 0) {
    if (status === 'SUCCESS') {
      return buildResponseBody(
        event,
        'FAILED',
        `Response Data too large for CloudFormation (${-room} bytes over).`,
        physicalResourceId,
      );
    }
    return { ...base, Data: {}, Reason: trimReason(reason, 256) };
  }
  return { ...base, Reason: trimReason(reason, MAX_REASON_CHARS, room) };
}

function putOnce(url: URL, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    const req = send(
      {
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'PUT',
        headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
        timeout: Math.max(1, timeoutMs),
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`PUT to the ResponseURL timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * PUTs the body to the presigned ResponseURL (node's http/https, `content-type: ''`). A network error or
 * a 5xx is retried while time remains before `deadline`: the object is only read once the PUT succeeds.
 */
export async function putResponse(responseUrl: string, body: string, deadline: number): Promise<void> {
  const url = new URL(responseUrl);
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const left = deadline - Date.now();
    if (attempt > 0 && left < 100) break;
    try {
      const status = await putOnce(url, body, Math.min(10_000, Math.max(left, 500)));
      if (status >= 200 && status < 300) return;
      lastError = new Error(`PUT to the ResponseURL answered HTTP ${status}`);
      if (status < 500) break; // A 4xx (expired URL, bad signature) will not get better.
    } catch (error) {
      lastError = error;
    }
    await sleep(Math.min(200 * 2 ** attempt, Math.max(0, deadline - Date.now() - 100)));
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `work` for a Create or Update (Delete too, if the caller wants) and answers CloudFormation exactly
 * once. Never throws for the work's errors; rethrows only when the answer could not be delivered, so
 * that Lambda's own retry gets another chance to answer. Returns the body that was sent.
 */
export async function runCustomResource(
  event: CloudFormationCustomResourceEvent,
  context: Pick<Context, 'getRemainingTimeInMillis' | 'logStreamName'>,
  work: (ctx: WorkContext) => Promise<CustomResourceResult>,
  options: RunOptions = {},
): Promise<ResponseBody> {
  const log = options.log ?? defaultLog;
  const started = Date.now();
  const remaining = Math.max(0, context.getRemainingTimeInMillis());
  const lambdaDeadline = started + remaining;
  const margin = options.timeoutMarginMs ?? DEFAULT_TIMEOUT_MARGIN_MS;
  const timerDelay = Math.max(0, remaining - margin);
  const controller = new AbortController();

  const fallbackPhysicalId = (): string => {
    const kept = physicalIdOf(event);
    if (kept) return kept;
    if (event.RequestType === 'Create' && options.physicalResourceIdOnCreate) {
      try {
        return options.physicalResourceIdOnCreate(event);
      } catch {
        /* fall through */
      }
    }
    return `${event.LogicalResourceId}-${event.RequestId}`;
  };

  let answered: Promise<ResponseBody> | undefined;
  let resolveFirst!: (sent: Promise<ResponseBody>) => void;
  const first = new Promise<ResponseBody>((resolve) => {
    resolveFirst = resolve;
  });
  const answer = (body: ResponseBody, why: string): void => {
    if (answered) {
      log('Ignored a second outcome: CloudFormation was already answered', { why, status: body.Status });
      return;
    }
    clearTimeout(timer);
    controller.abort();
    log('Answering CloudFormation', {
      why,
      status: body.Status,
      reason: body.Reason,
      physicalResourceId: body.PhysicalResourceId,
      data: body.Data,
    });
    answered = putResponse(event.ResponseURL, JSON.stringify(body), lambdaDeadline - 50).then(() => body);
    resolveFirst(answered);
  };

  const timer = setTimeout(() => {
    answer(
      buildResponseBody(
        event,
        'FAILED',
        `Timed out: no result ${Math.round((Date.now() - started) / 1000)} s into the invocation, ${margin} ms before the Lambda timeout` +
          ` (see CloudWatch log stream ${context.logStreamName}).`,
        fallbackPhysicalId(),
      ),
      'timer',
    );
  }, timerDelay);

  const deadline = started + Math.max(0, timerDelay - WORK_DEADLINE_HEADROOM_MS);
  Promise.resolve()
    .then(() => work({ deadline, signal: controller.signal }))
    .then(
      (result) =>
        answer(
          buildResponseBody(
            event,
            'SUCCESS',
            result.Reason ?? 'OK',
            result.PhysicalResourceId || fallbackPhysicalId(),
            result.Data ?? {},
          ),
          'work finished',
        ),
      (error: unknown) => {
        log('The work failed', {
          error: describeError(error),
          stack: error instanceof Error ? error.stack : undefined,
        });
        answer(buildResponseBody(event, 'FAILED', describeError(error), fallbackPhysicalId()), 'work failed');
      },
    )
    .catch((error: unknown) => log('Could not build the answer', { error: describeError(error) }));

  try {
    return await first;
  } catch (error) {
    log('Could not deliver the answer to the ResponseURL', { error: describeError(error) });
    throw error;
  }
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const TRANSIENT = new Set([
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

type SdkLikeError = {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
};

export function isThrottlingError(error: unknown): boolean {
  const e = (error ?? {}) as SdkLikeError;
  return THROTTLING.has(e.name ?? '') || e.$metadata?.httpStatusCode === 429 || e.$retryable?.throttling === true;
}

/** Throttling, a 5xx or a dropped connection: worth another try. */
export function isRetryableError(error: unknown): boolean {
  const e = (error ?? {}) as SdkLikeError;
  if (isThrottlingError(error)) return true;
  if (e.name === 'AbortError') return false;
  return TRANSIENT.has(e.name ?? '') || NETWORK.has(e.code ?? '') || (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

export interface BackoffOptions {
  readonly deadline: number;
  readonly signal?: AbortSignal;
  readonly what: string;
  readonly baseMs?: number;
  readonly capMs?: number;
  readonly maxAttempts?: number;
  /** Time an attempt may need: no new attempt starts later than `deadline - minAttemptMs`. */
  readonly minAttemptMs?: number;
}

/**
 * Calls `fn` until it succeeds, retrying retryable errors with jittered exponential backoff; gives up
 * (rethrowing with the attempt count in the message) before `deadline` or after `maxAttempts`.
 */
export async function callWithBackoff<T>(fn: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const { deadline, signal, what, baseMs = 100, capMs = 2000, maxAttempts = 10, minAttemptMs = 200 } = options;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (!isRetryableError(error) || signal?.aborted) throw error;
      const delay = Math.min(capMs, baseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      if (attempt >= maxAttempts || Date.now() + delay + minAttemptMs > deadline) {
        const kind = isThrottlingError(error) ? 'throttled' : 'failed';
        throw new Error(
          `${what}: still ${kind} after ${attempt} attempt${attempt > 1 ? 's' : ''}, gave up before the Lambda timeout: ${describeError(error)}`,
          { cause: error },
        );
      }
      await sleep(delay, signal);
    }
  }
}
