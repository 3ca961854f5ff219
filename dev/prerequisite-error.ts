// A tool the local stack or a check needs is missing: the message says what to install.
export class PrerequisiteError extends Error {
  override name = 'PrerequisiteError';
}
