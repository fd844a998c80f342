// In-process recorder of every AWS SDK call the Serverless Framework CLI makes (used by `npm run prove`).
//
//   NODE_OPTIONS="--require scripts/lib/prove/recorder.cjs" PROVE_TRACE_FILE=calls.jsonl \
//   MOTO_ENDPOINT=http://127.0.0.1:PORT node node_modules/osls/bin/serverless.js deploy
//
// One JSON line per call: {seq, sdk, service, op, input} when the call starts, then
// {seq, done, ok, error?} when it settles. `service` is the SDK v3 serviceId ("CloudFormation",
// "CloudWatch Logs", ...); SDK v2 calls are written with the same names ("describeStacks" on
// "cloudformation" becomes CloudFormation.DescribeStacks), so both lines compare. Binary values
// become "<binary>"; nothing else is trimmed below 64 KiB per string.
//
// SDK v3 (osls 4): Client.prototype.send of @smithy/core/client (and @smithy/smithy-client); the SDK
// honours AWS_ENDPOINT_URL itself. SDK v2 (osls 3): AWS.Service.prototype.makeRequest; SDK v2 ignores
// AWS_ENDPOINT_URL, so the endpoint comes from MOTO_ENDPOINT (path-style S3, plain HTTP).
//
// One emulation (see docs/prove.md): `rollback function` downloads the old code from the presigned
// Code.Location URL Lambda returns (no IAM is involved in that download). moto's URL points at AWS, so
// fetch() of an awslambda-<region>-tasks.s3.* URL is answered here with a small zip, and written to the
// trace as {sdk: "http", service: "presigned-url", ...}.
'use strict';
const Module = require('module');
const fs = require('fs');

const out = process.env.PROVE_TRACE_FILE;
const endpoint = process.env.MOTO_ENDPOINT;
const MAX_STRING = 65536;
let seq = 0;

const V2_SERVICE_IDS = {
  apigateway: 'API Gateway',
  apigatewayv2: 'ApiGatewayV2',
  cloudformation: 'CloudFormation',
  cloudwatch: 'CloudWatch',
  cloudwatchlogs: 'CloudWatch Logs',
  ecr: 'ECR',
  iam: 'IAM',
  lambda: 'Lambda',
  s3: 'S3',
  sts: 'STS',
  ssm: 'SSM',
  sns: 'SNS',
  sqs: 'SQS',
  kinesis: 'Kinesis',
  cloudwatchevents: 'CloudWatch Events',
  eventbridge: 'EventBridge',
  dynamodb: 'DynamoDB',
  cognitoidentityserviceprovider: 'Cognito Identity Provider',
  iot: 'IoT',
  kms: 'KMS',
};

function isBinary(v) {
  if (!v || typeof v !== 'object') return false;
  if (Buffer.isBuffer(v) || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return true;
  const name = v.constructor && v.constructor.name;
  return name === 'ReadStream' || name === 'Readable' || name === 'PassThrough' || typeof v.pipe === 'function';
}

function sanitize(value, depth = 0) {
  if (depth > 12) return '<deep>';
  if (isBinary(value)) return '<binary>';
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}...<trunc>` : value;
  if (Array.isArray(value)) return value.map((v) => sanitize(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const o = {};
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'function') o[k] = sanitize(v, depth + 1);
    return o;
  }
  return value;
}

function write(rec) {
  if (!out) return;
  try {
    fs.appendFileSync(out, `${JSON.stringify(rec)}\n`);
  } catch {
    /* never break the CLI */
  }
}

function errorName(e) {
  if (!e) return undefined;
  return e.name || e.code || e.Code || (e.$metadata && String(e.$metadata.httpStatusCode)) || 'Error';
}

function start(sdk, service, op, input) {
  const id = ++seq;
  write({ seq: id, sdk, service, op, input: sanitize(input || {}), t: Date.now() });
  return id;
}

function settle(id, error) {
  write({
    seq: id,
    done: true,
    ok: !error,
    ...(error ? { error: errorName(error), message: String(error.message || '').slice(0, 300) } : {}),
  });
}

const patched = new WeakSet();
const origLoad = Module._load;
Module._load = function load(request) {
  const exp = origLoad.apply(this, arguments);
  if (
    (request === '@smithy/core/client' || request === '@smithy/smithy-client') &&
    exp &&
    exp.Client &&
    !patched.has(exp.Client)
  ) {
    patched.add(exp.Client);
    const send = exp.Client.prototype.send;
    exp.Client.prototype.send = function recordedSend(command, ...rest) {
      const service = (this.config && this.config.serviceId) || 'unknown';
      const op = command && command.constructor ? command.constructor.name.replace(/Command$/, '') : 'unknown';
      const id = start(3, service, op, command && command.input);
      const result = send.call(this, command, ...rest);
      if (result && typeof result.then === 'function') {
        return result.then(
          (r) => (settle(id), r),
          (e) => {
            settle(id, e);
            throw e;
          },
        );
      }
      return result;
    };
  }
  if (request === 'aws-sdk' && exp && exp.Service && !patched.has(exp.Service)) {
    patched.add(exp.Service);
    if (endpoint) exp.config.update({ endpoint, s3ForcePathStyle: true, sslEnabled: false });
    const makeRequest = exp.Service.prototype.makeRequest;
    exp.Service.prototype.makeRequest = function recordedMakeRequest(operation, params) {
      const service = V2_SERVICE_IDS[this.serviceIdentifier] || this.serviceIdentifier;
      const op = String(operation).charAt(0).toUpperCase() + String(operation).slice(1);
      // Parameters bound to the service object (new AWS.S3({params: {Bucket}}), as S3 managed uploads do) are part of the request.
      const bound = this.config && this.config.params;
      const id = start(2, service, op, bound && typeof bound === 'object' ? { ...bound, ...(params || {}) } : params);
      const req = makeRequest.apply(this, arguments);
      if (req && typeof req.on === 'function') req.on('complete', (resp) => settle(id, resp && resp.error));
      return req;
    };
  }
  return exp;
};

// The presigned Code.Location download of `rollback function` (see the header).
const PRESIGNED_CODE = /^https:\/\/awslambda-[a-z0-9-]+-tasks\.s3\.[a-z0-9-]+\.amazonaws\.com\//;
// An empty but valid zip archive (end-of-central-directory record only).
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
if (typeof globalThis.fetch === 'function') {
  const realFetch = globalThis.fetch;
  globalThis.fetch = function recordedFetch(input, _init) {
    const url = typeof input === 'string' ? input : input && (input.url || String(input));
    if (PRESIGNED_CODE.test(url)) {
      const id = start('http', 'presigned-url', 'GET', { url });
      settle(id);
      return Promise.resolve(new Response(EMPTY_ZIP, { status: 200, headers: { 'content-type': 'application/zip' } }));
    }
    return realFetch.apply(this, arguments);
  };
}
