/**
 * The CloudFormation macro's Lambda handler: parses the macro event, runs the pure transform and shapes
 * the reply. It never throws past the macro contract: any error becomes `status: failure`.
 */
import { transformTemplate } from '../core/transform';

export interface MacroEvent {
  readonly region: string;
  readonly accountId: string;
  readonly fragment: unknown;
  readonly transformId?: string;
  readonly params?: Record<string, unknown>;
  readonly requestId: string;
  readonly templateParameterValues?: Record<string, unknown>;
}

export interface MacroResponse {
  readonly requestId: string;
  readonly status: 'success' | 'failure';
  readonly fragment?: unknown;
  readonly errorMessage?: string;
}

/** transformId is `<account>::<macro name>`; the macro's name prefixes the exports of its own stack. */
function macroNameOf(transformId: unknown): string | undefined {
  if (typeof transformId !== 'string') return undefined;
  const name = transformId.split('::').pop();
  return name && /^[A-Za-z0-9_-]+$/.test(name) ? name : undefined;
}

export async function handler(event: MacroEvent): Promise<MacroResponse> {
  const requestId = event?.requestId ?? '';
  try {
    if (!event || typeof event !== 'object') throw new Error('The macro event is not an object.');
    if (typeof event.region !== 'string' || typeof event.accountId !== 'string') {
      throw new Error('The macro event lacks region or accountId.');
    }
    const fragment = transformTemplate(event.fragment, {
      region: event.region,
      accountId: event.accountId,
      templateParameterValues: event.templateParameterValues ?? {},
      macroName: macroNameOf(event.transformId),
    });
    return { requestId, status: 'success', fragment };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(JSON.stringify({ requestId, error: message }));
    return { requestId, status: 'failure', errorMessage: message };
  }
}
