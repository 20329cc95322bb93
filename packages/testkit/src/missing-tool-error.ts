/** Thrown when a binary a test needs is not installed; names the Debian package that provides it. */
export class MissingToolError extends Error {
  readonly tool: string;
  readonly debianPackage: string;
  constructor(tool: string, debianPackage: string) {
    super(
      `${tool} is not installed (not found on PATH). It comes from the Debian package '${debianPackage}': ` +
        `run 'apt-get update && apt-get install -y ${debianPackage}' as root, or 'npm test', which installs it when run as root.`,
    );
    this.name = 'MissingToolError';
    this.tool = tool;
    this.debianPackage = debianPackage;
  }
}
