/**
 * Credentials written into a tracking URI (`https://user:pass@host`) authenticate like
 * MLFLOW_TRACKING_USERNAME/PASSWORD but must never be shown: every URI this package prints,
 * journals or tags goes through `maskUriCredentials`, and requests use `splitUriCredentials`.
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@]*)@/gi;

/** The text with the user-info part of every URL in it replaced by `***`. */
export function maskUriCredentials(text: string): string {
  return text.replace(USERINFO, (_match, scheme: string) => `${scheme}***@`);
}

/** The URI without user-info, and the username/password it held (percent-decoded). */
export function splitUriCredentials(uri: string): { uri: string; username?: string; password?: string } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { uri: maskUriCredentials(uri) };
  }
  if (url.username === '' && url.password === '') return { uri };
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  return { uri: url.toString().replace(/\/+$/, ''), username, password };
}
