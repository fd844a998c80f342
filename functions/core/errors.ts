/**
 * Errors of the Access macro. Every error names the logical id and the property path at fault,
 * in the style of the SAM translator: "Resource with id [AppAccess] is invalid. Property 'Stage' ...".
 */
export class InvalidResourceError extends Error {
  override name = 'InvalidResourceError';
  constructor(
    readonly logicalId: string,
    readonly keyPath: string | undefined,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(
      `Resource with id [${logicalId}] is invalid. ${keyPath ? `Property '${keyPath}' ${detail}` : `It ${detail}`}`,
      options,
    );
  }
}

/** All the errors of one template, reported together so a user fixes them in one pass. */
export class InvalidDocumentError extends Error {
  override name = 'InvalidDocumentError';
  constructor(readonly causes: readonly Error[]) {
    const unique = [...new Set(causes.map((c) => c.message))];
    super(
      `Invalid Formidable::Serverless::Access document. Number of errors found: ${unique.length}. ${unique.join(' ')}`,
    );
  }
}
