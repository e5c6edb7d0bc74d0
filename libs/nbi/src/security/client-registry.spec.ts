import { API_TOKEN_PREFIX, generateApiToken, hashApiToken } from './api-token';
import { ClientRegistryError, parseClientRegistry, parseCertificateSubject } from './client-registry';
import { allows, RESOURCE_TYPES, ACTIONS } from './permissions';

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function problemsOf(text: string): readonly string[] {
  try {
    parseClientRegistry(text, 'clients.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ClientRegistryError);
    return (error as ClientRegistryError).problems;
  }
  throw new Error('expected the file to be refused');
}

describe('API tokens', () => {
  it('are acs_ and 32 random bytes in base64url, stored as their SHA-256', () => {
    const { token, sha256 } = generateApiToken();
    expect(token).toMatch(/^acs_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(API_TOKEN_PREFIX)).toBe(true);
    expect(sha256).toBe(hashApiToken(token));
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(generateApiToken().token).not.toBe(token);
    // Known answer: SHA-256 of "abc".
    expect(hashApiToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('parseClientRegistry', () => {
  const file = `
roles:
  support: { devices: [view], tasks: [view, add], faults: [view] }
  everything-read: { '*': [view] }
  task-admin: { tasks: ['*'] }
clients:
  - name: oss
    roles: [operator]
    tokens:
      - sha256: ${HASH_A}
        label: rotated 2024-05
    certificateSubjects: ['CN=oss.example.net']
    rateLimit: { perSecond: 5, burst: 10 }
  - name: helpdesk
    roles: [support, viewer]
    tokens: [{ sha256: ${HASH_B.toUpperCase()} }]
  - name: root
    roles: [admin]
  - name: reader
    roles: [everything-read, task-admin]
`;

  it('reads clients with their roles, token digests, certificate subjects and rate limits', () => {
    const registry = parseClientRegistry(file, 'clients.yaml');
    expect(registry.clients.map((client) => client.name)).toEqual(['oss', 'helpdesk', 'root', 'reader']);
    expect(registry.byTokenDigest(HASH_A)?.name).toBe('oss');
    expect(registry.byTokenDigest(HASH_B)?.name).toBe('helpdesk'); // digests are compared lower-case
    expect(registry.byTokenDigest('c'.repeat(64))).toBeUndefined();
    expect(registry.client('oss')?.rateLimit).toEqual({ perSecond: 5, burst: 10 });
    expect(registry.client('root')?.rateLimit).toBeUndefined();
  });

  it('reads token labels and expiry dates (a date is midnight UTC), and refuses an expiry it cannot read', () => {
    const registry = parseClientRegistry(
      `
clients:
  - name: oss
    roles: [operator]
    tokens:
      - { sha256: ${HASH_A}, label: q1, expires: 2027-03-01 }
      - { sha256: ${HASH_B}, expires: '2027-03-01T12:30:00+02:00' }
      - { sha256: ${'c'.repeat(64)} }
`,
      'clients.yaml',
    );
    expect(registry.token(HASH_A)).toMatchObject({ label: 'q1', expiresAt: Date.UTC(2027, 2, 1), sha256: HASH_A });
    expect(registry.token(HASH_B)?.expiresAt).toBe(Date.UTC(2027, 2, 1, 10, 30));
    expect(registry.token('c'.repeat(64))?.expiresAt).toBeUndefined();
    expect([...registry.tokens()].map((token) => token.client.name)).toEqual(['oss', 'oss', 'oss']);
    expect(problemsOf(`clients:\n  - name: x\n    roles: [viewer]\n    tokens: [{ sha256: ${HASH_A}, expires: next year }]\n`)).toEqual([
      'clients[0] (x).tokens[0].expires: must be a date such as 2027-03-01 or a time such as 2027-03-01T12:00:00Z, got "next year"',
    ]);
  });

  it('grants the built-in roles as documented', () => {
    const registry = parseClientRegistry(file, 'clients.yaml');
    const grants = (name: string) =>
      Object.fromEntries(RESOURCE_TYPES.map((resource) => [resource, ACTIONS.filter((action) => allows(registry.client(name)!.permissions, resource, action))]));
    expect(grants('oss')).toEqual({
      devices: ['view', 'change'],
      tasks: ['view', 'add', 'change', 'delete'],
      presets: ['view'],
      faults: ['view', 'delete'],
      events: ['view'],
      audit: [],
      files: ['view', 'add'],
      campaigns: ['view', 'change'],
      groups: ['view'],
      jobs: ['view', 'add', 'change', 'delete'],
      diagnostics: ['view', 'add', 'change', 'delete'],
      alarms: ['view', 'add', 'change'],
      samples: ['view'],
    });
    expect(grants('root')).toEqual(Object.fromEntries(RESOURCE_TYPES.map((resource) => [resource, [...ACTIONS]])));
    // viewer ∪ support: everything but audit read, plus adding tasks.
    expect(grants('helpdesk')).toEqual({ devices: ['view'], tasks: ['view', 'add'], presets: ['view'], faults: ['view'], events: ['view'], audit: [], files: ['view'], campaigns: ['view'], groups: ['view'], jobs: ['view'], diagnostics: ['view'], alarms: ['view'], samples: ['view'] });
    // '*' as resource type and as action.
    expect(grants('reader')).toEqual({ devices: ['view'], tasks: [...ACTIONS], presets: ['view'], faults: ['view'], events: ['view'], audit: ['view'], files: ['view'], campaigns: ['view'], groups: ['view'], jobs: ['view'], diagnostics: ['view'], alarms: ['view'], samples: ['view'] });
  });

  describe('roles scoped to device groups', () => {
    const scoped = `
roles:
  site-a: { scope: { groups: [site-a, g-7] }, devices: [view, change], tasks: [view, add] }
  site-b: { scope: { groups: [site-b] }, devices: [view], faults: [view] }
  reader: { devices: [view], presets: [view] }
clients:
  - name: contractor
    roles: [site-a, site-b]
    tokens: [{ sha256: ${HASH_A} }]
  - name: mixed
    roles: [site-a, reader]
    tokens: [{ sha256: ${HASH_B} }]
`;

    it('holds a client to the union of its scoped roles\' groups, per resource; an unscoped role granting a resource lifts it', () => {
      const registry = parseClientRegistry(scoped, 'clients.yaml');
      expect(Object.fromEntries(registry.client('contractor')!.deviceScopes)).toEqual({ devices: ['site-a', 'g-7', 'site-b'], tasks: ['site-a', 'g-7'], faults: ['site-b'] });
      // reader grants devices unscoped: devices are not held; tasks come from site-a alone and still are.
      expect(Object.fromEntries(registry.client('mixed')!.deviceScopes)).toEqual({ tasks: ['site-a', 'g-7'] });
      expect(registry.client('mixed')!.permissions.get('presets')).toEqual(new Set(['view']));
    });

    it('refuses a scoped role granting what acts on the whole fleet, and a malformed scope', () => {
      expect(problemsOf(`roles:\n  x: { scope: { groups: [a] }, devices: [view], presets: [view], groups: [view] }\n`)).toEqual([
        'roles.x: a role scoped to device groups grants only devices, tasks, faults, events; presets, groups act on the whole fleet (grant them in an unscoped role of the client)',
      ]);
      expect(problemsOf(`roles:\n  x: { scope: { groups: [a] }, '*': [view] }\n`)[0]).toMatch(/^roles\.x: a role scoped to device groups grants only/);
      expect(problemsOf(`roles:\n  x: { scope: { groups: [] }, devices: [view] }\n  y: { scope: [a], devices: [view] }\n  z: { scope: { groups: [a, 7], sites: [b] }, devices: [view] }\n`)).toEqual([
        'roles.x.scope.groups: a list of 1 to 100 group ids or names',
        'roles.y.scope: must be a map { groups: [<group id or name>, …] }',
        'roles.z.scope.sites: unknown key (expected groups)',
        'roles.z.scope.groups[1]: a group id or name, got 7',
      ]);
    });
  });

  it('accepts an empty file as no clients', () => {
    expect(parseClientRegistry('', 'clients.yaml').clients).toEqual([]);
    expect(parseClientRegistry('clients: []', 'clients.yaml').clients).toEqual([]);
  });

  it('names every problem of a file, with its place', () => {
    const problems = problemsOf(`
roles:
  viewer: { devices: [view] }
  Bad Name: { devices: [view] }
  broken: { gadgets: [view], devices: [view, explode] }
clients:
  - name: oss
    roles: [operator, superuser]
    tokens: [{ sha256: nothex }, { sha256: ${HASH_A} }]
  - name: oss
    roles: []
    tokens: [{ sha256: ${HASH_A} }]
    token: oops
  - roles: [viewer]
    rateLimit: { perSecond: 0, burst: 1.5 }
    certificateSubjects: ['no-equals-sign']
`);
    expect(problems).toEqual([
      'roles.viewer: "viewer" is a built-in role and cannot be redefined; choose another name',
      'roles.Bad Name: role names are lower-case letters, digits, _ and - and start with a letter',
      'roles.broken.gadgets: unknown resource type (known: devices, tasks, presets, faults, events, audit, files, campaigns, groups, jobs, diagnostics, alarms, samples, or \'*\' for all; \'scope\' for device groups)',
      'roles.broken.devices: unknown action "explode" (known: view, add, change, delete, or \'*\')',
      'clients[0] (oss).roles[1]: unknown role "superuser" (known: viewer, operator, admin, broken)',
      'clients[0] (oss).tokens[0].sha256: must be the SHA-256 of the token, 64 hex digits (`printf %s "$TOKEN" | sha256sum` prints it)',
      'clients[1].token: unknown key (expected name, roles, tokens, certificateSubjects, rateLimit)',
      'clients[1].name: "oss" is used by another client',
      'clients[1] (oss).roles: a list of at least one role (viewer, operator, admin, broken)',
      'clients[1] (oss).tokens[0].sha256: the same token is already listed for client "oss"',
      'clients[2].name: required; letters, digits and . _ @ - (up to 128), got null',
      'clients[2].certificateSubjects[0]: must be a subject such as "CN=oss.example.net" or "CN=oss.example.net,O=Example", got "no-equals-sign"',
      'clients[2].rateLimit.perSecond: a number of calls per second, > 0 and <= 1000000',
      'clients[2].rateLimit.burst: an integer number of calls, >= 1 and <= 1000000',
    ]);
  });

  it('refuses YAML it cannot read, and duplicate keys', () => {
    expect(problemsOf('clients: [')[0]).toMatch(/^not valid YAML: /);
    expect(problemsOf('clients: []\nclients: []')[0]).toMatch(/^not valid YAML: Map keys must be unique/);
    expect(problemsOf('- just a list')).toEqual(['the file must be a map with `clients:` (and optionally `roles:`)']);
  });

  it('refuses one certificate subject listed for two clients', () => {
    expect(
      problemsOf(`
clients:
  - { name: a, roles: [viewer], certificateSubjects: ['CN=x,O=y'] }
  - { name: b, roles: [viewer], certificateSubjects: ['o=y, cn=x'] }
`),
    ).toEqual(['clients[1] (b).certificateSubjects[0]: the subject CN=x,O=y is already listed for client "a"']);
  });

  it('says the file name in the error message', () => {
    expect(() => parseClientRegistry('clients: 3', '/etc/acs/clients.yaml')).toThrow('/etc/acs/clients.yaml: clients: must be a list');
  });
});

describe('certificate subjects', () => {
  const registry = parseClientRegistry(
    `
clients:
  - { name: oss, roles: [viewer], certificateSubjects: ['CN=oss.example.net'] }
  - { name: billing, roles: [viewer], certificateSubjects: ['CN=billing.example.net,O=Example,OU=Finance'] }
  - { name: twin-a, roles: [viewer], certificateSubjects: ['O=Twins'] }
  - { name: twin-b, roles: [viewer], certificateSubjects: ['OU=Twins'] }
`,
    'clients.yaml',
  );
  const match = (subject: Record<string, string | string[]>) => registry.byCertificate({ subject: subject as never });

  it('parses CN=…,O=… with escaped commas, attribute names in any case', () => {
    expect(parseCertificateSubject('cn=a\\, b , O=Example')).toEqual(new Map([['CN', 'a, b'], ['O', 'Example']]));
    expect(parseCertificateSubject('CN=')).toBeUndefined();
    expect(parseCertificateSubject('CN=a,CN=b')).toBeUndefined();
  });

  it('matches a certificate carrying every listed attribute, whatever else it carries', () => {
    expect(match({ CN: 'oss.example.net', O: 'Anything' })).toEqual({ kind: 'client', client: registry.client('oss') });
    expect(match({ CN: 'billing.example.net', O: 'Example', OU: ['Ops', 'Finance'] })).toMatchObject({ kind: 'client', client: { name: 'billing' } });
    expect(match({ CN: 'billing.example.net', O: 'Example', OU: 'Ops' })).toEqual({ kind: 'none' });
    expect(match({ CN: 'OSS.example.net' })).toEqual({ kind: 'none' });
  });

  it('reports a certificate that matches two clients instead of picking one', () => {
    expect(match({ CN: 'x', O: 'Twins', OU: 'Twins' })).toEqual({ kind: 'ambiguous', clients: ['twin-a', 'twin-b'] });
  });
});
