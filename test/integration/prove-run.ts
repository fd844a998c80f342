/**
 * How the integration proofs run `npm run prove` (prove.test.ts on the default fixtures, generated-services.test.ts
 * on the generated services): both framework lines at once against moto, osls 4 on every service (two workers) and
 * osls 3 on a few (one worker), the first stage of each with the whole lifecycle, the deployment bucket resolved by
 * its name pattern; one result and its report. Needs python3 with moto: a missing toolchain fails, never skips.
 */
import { checkMotoAvailable } from '../../scripts/lib/moto';
import { frameworkById } from '../../scripts/lib/prove/frameworks';
import { runProof, type ProofResult } from '../../scripts/lib/prove/proof';
import type { ServiceSpec } from '../../scripts/lib/prove/runner';
import { formatReport } from '../../scripts/lib/prove/report';

export interface BothLines {
  /** Every service, for osls 4. */
  readonly specs: readonly ServiceSpec[];
  /** The services osls 3 also runs. */
  readonly osls3Specs: readonly ServiceSpec[];
  /** Also evaluate the calls Serverless Framework v4 adds, with the osls 4 run's names. */
  readonly v4: boolean;
}

export async function proveBothLines(o: BothLines): Promise<{ result: ProofResult; report: string }> {
  checkMotoAvailable();
  const common = { fullStages: 1, bucketResolution: 'pattern' } as const;
  const [v4line, v3line] = await Promise.all([
    runProof({ ...common, specs: o.specs, frameworks: [frameworkById('osls4')], workers: 2, v4: o.v4 }),
    runProof({ ...common, specs: o.osls3Specs, frameworks: [frameworkById('osls3')], workers: 1, v4: false }),
  ]);
  const result: ProofResult = {
    units: [...v4line.units, ...v3line.units],
    v4: v4line.v4,
    durationMs: Math.max(v4line.durationMs, v3line.durationMs),
    motoVersion: v4line.motoVersion,
    workDirs: [],
  };
  return { result, report: formatReport(result) };
}
