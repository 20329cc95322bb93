/**
 * Largest spec or settings document the toolkit reads (1 MiB). A real lab's settings or a
 * service's SLO specs are a few kilobytes; past this, YAML parsing takes seconds and hundreds
 * of megabytes, so the input is refused with a clear error instead.
 */
export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * The error text for an input of `bytes` bytes over {@link MAX_INPUT_BYTES}, or `undefined`
 * when it fits. Lets a reader refuse a file from its size alone, before reading it.
 */
export function inputSizeTooLarge(bytes: number): string | undefined {
  if (bytes <= MAX_INPUT_BYTES) return undefined;
  return `is ${bytes} bytes, over the ${MAX_INPUT_BYTES}-byte limit of a spec or settings file`;
}

/** The error text for an input over {@link MAX_INPUT_BYTES}, or `undefined` when it fits. */
export function inputTooLarge(text: string): string | undefined {
  return inputSizeTooLarge(Buffer.byteLength(text, 'utf8'));
}
