import { readFileSync } from 'node:fs';

export interface CpeCredentials {
  username: string;
  password: string;
}

/**
 * Where the gateway finds the credentials a CPE must present. Per-device entries win over the shared default; a
 * device with neither is "unknown" (accepted or refused by configuration).
 */
export interface CpeCredentialStore {
  /** The device's own credentials, or null when the store has none for it. */
  forDevice(deviceId: string): Promise<CpeCredentials | null>;
}

/**
 * Per-device credentials from a JSON file (`{ "<deviceId>": { "username": "…", "password": "…" } }`), read once at
 * start. Provisioning will own per-device credentials once it sets them on devices; this is the file-based source an
 * operator can use before that, and the one the standalone product ships with.
 */
export class FileCpeCredentialStore implements CpeCredentialStore {
  private readonly entries: Map<string, CpeCredentials>;

  constructor(entries: Record<string, CpeCredentials> = {}) {
    this.entries = new Map(Object.entries(entries));
  }

  static fromFile(path: string | undefined): FileCpeCredentialStore {
    if (!path) return new FileCpeCredentialStore();
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) throw new Error(`${path}: expected an object of deviceId → {username, password}`);
    const entries: Record<string, CpeCredentials> = {};
    for (const [deviceId, value] of Object.entries(parsed)) {
      const v = value as Partial<CpeCredentials>;
      if (typeof v?.username !== 'string' || typeof v?.password !== 'string') {
        throw new Error(`${path}: entry "${deviceId}" needs string username and password`);
      }
      entries[deviceId] = { username: v.username, password: v.password };
    }
    return new FileCpeCredentialStore(entries);
  }

  async forDevice(deviceId: string): Promise<CpeCredentials | null> {
    return this.entries.get(deviceId) ?? null;
  }

  set(deviceId: string, credentials: CpeCredentials): void {
    this.entries.set(deviceId, credentials);
  }
}
