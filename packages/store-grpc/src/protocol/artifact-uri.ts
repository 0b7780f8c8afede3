/** `mlflow-artifacts:` URIs: the path part is relative to the tracking server's artifact root. */

/** `mlflow-artifacts:/a/b`, `mlflow-artifacts://host:port/a/b` → `a/b`. */
export function mlflowArtifactsPath(uri: string): string {
  let rest = uri.slice('mlflow-artifacts:'.length);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  return rest.replace(/^\/+/, '').replace(/\/+$/, '');
}

export function joinArtifactPath(prefix: string, path: string | undefined): string {
  if (!path) return prefix;
  return prefix ? `${prefix}/${path}` : path;
}
