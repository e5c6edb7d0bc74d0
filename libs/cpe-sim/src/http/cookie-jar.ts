/**
 * The cookies of one CWMP session. ACS session cookies are opaque tokens; path and domain matching do not matter
 * for a CPE that talks to one ACS URL, so only name, value and expiry are kept.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(setCookie: string[] | undefined): void {
    if (!setCookie) return;
    for (const line of setCookie) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attributes.some((a) => isExpired(a.trim()))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The Cookie header, or undefined when the jar is empty. */
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    let header = '';
    for (const [name, value] of this.cookies) header += `${header ? '; ' : ''}${name}=${value}`;
    return header;
  }

  clear(): void {
    this.cookies.clear();
  }
}

function isExpired(attribute: string): boolean {
  const eq = attribute.indexOf('=');
  if (eq === -1) return false;
  const name = attribute.slice(0, eq).trim().toLowerCase();
  const value = attribute.slice(eq + 1).trim();
  if (name === 'max-age') return Number(value) <= 0;
  if (name === 'expires') return Date.parse(value) <= Date.now();
  return false;
}
