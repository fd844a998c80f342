import { ARN } from './arns';
import { SAR, VIA_CLOUDFORMATION, type CatalogEntry } from './types';

const source = `${SAR}list_awslambda.html`;
const ALL = ['admin', 'developer', 'ci'] as const;

/** `provisionedConcurrency` on a function: the framework's `provisioned` alias (AWS::Lambda::Alias) holds it. */
export const lambdaProvisioned: readonly CatalogEntry[] = [
  {
    id: 'lambda.provisioned-concurrency',
    roles: ALL,
    source,
    actions: [
      'lambda:DeleteProvisionedConcurrencyConfig',
      'lambda:GetProvisionedConcurrencyConfig',
      'lambda:PutProvisionedConcurrencyConfig',
    ],
    resources: [...ARN.functionVersions],
    condition: VIA_CLOUDFORMATION,
    reason:
      "Each deploy moves the provisioned alias to the new version with its concurrency; the service's aliases only, via the stack.",
  },
];
