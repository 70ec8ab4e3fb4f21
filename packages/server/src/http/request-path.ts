/**
 * The path of a request target, or `undefined` when it is not an origin-form
 * target (`/path?query`) that parses. Request targets are untrusted: `new
 * URL("//", base)` throws, and it reads `//host/x` as another host, so the
 * target is appended to a fixed origin instead of resolved against it.
 */
export function requestPath(target: string | undefined): string | undefined {
  if (target === undefined || !target.startsWith("/")) return undefined;
  try {
    return new URL(`http://localhost${target}`).pathname;
  } catch {
    return undefined;
  }
}
