// output_schema is enforced, not only passed to Codex: the final message must be JSON and valid
// against the job's schema (Ajv, the common JSON Schema validator; draft-07 by default, 2020-12 when
// the schema says so). A violation names the first failing path, e.g. `/count: must be integer`.
import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export type SchemaCheck = { ok: true; value: unknown } | { ok: false; message: string };

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const draft2020 = typeof schema.$schema === 'string' && schema.$schema.includes('2020-12');
  // strict false: keywords Ajv does not know (model-provider extensions) are ignored, not fatal.
  const ajv = draft2020 ? new Ajv2020({ strict: false, allErrors: false }) : new Ajv({ strict: false, allErrors: false });
  addFormats.default(ajv);
  return ajv.compile(schema as AnySchema);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const extra = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})` : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}

/** Parses the final message and validates it against the job's output_schema. */
export function checkOutputSchema(schema: Record<string, unknown>, finalMessage: string): SchemaCheck {
  let value: unknown;
  try {
    value = JSON.parse(finalMessage);
  } catch (err) {
    return { ok: false, message: `the final message is not valid JSON for output_schema: ${(err as Error).message}` };
  }
  let validate: ValidateFunction;
  try {
    validate = validatorFor(schema);
  } catch (err) {
    return { ok: false, message: `output_schema cannot be used to check the final message: ${(err as Error).message}` };
  }
  if (validate(value)) return { ok: true, value };
  const first = validate.errors?.[0];
  return { ok: false, message: `the final message does not match output_schema: ${first ? describe(first) : 'invalid'}` };
}
