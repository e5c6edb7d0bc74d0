import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DataModel, SimulatedCpe, type ConnectionRequestListener } from '@acs/cpe-sim';

import { freePort, startApp, type RunningApp } from '../../support/processes';

export interface StandaloneWithCpe {
  acs: RunningApp;
  /** The bootstrap admin client's token file, as the standalone writes it on its first start. */
  tokenFile: string;
  /** A registered TR-181 CPE with a connection-request listener: tasks for it complete. */
  cpe: SimulatedCpe;
}

/**
 * The bootstrap admin client's token file of a standalone started without a clients file (it creates one with an
 * admin client and writes the token beside it), once the file is there.
 */
export async function bootstrapTokenFile(acs: RunningApp): Promise<string> {
  const tokenFile = join(acs.dataDir, 'nbi', 'admin.token');
  // The bootstrap admin token is written at start; give a slow disk a moment.
  for (let i = 0; i < 100 && !existsSync(tokenFile); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(tokenFile)) throw new Error(`the standalone wrote no ${tokenFile}:\n${acs.output().slice(-4000)}`);
  return tokenFile;
}

/** The bootstrap admin client's token itself, for calls through NbiChannel.clients(). */
export async function bootstrapToken(acs: RunningApp): Promise<string> {
  return readFileSync(await bootstrapTokenFile(acs), 'utf8').trim();
}

/**
 * The standalone on its first start, as an operator meets it (no clients file), and one simulated CPE that has
 * informed and gone idle. `connectionRequestListener`: a listener of the caller's for the CPE's connection requests
 * (the caller listens and closes it). Callers stop both.
 */
export async function startStandaloneWithCpe(device: {
  oui: string;
  productClass: string;
  serialPrefix: string;
  connectionRequestListener?: ConnectionRequestListener;
}): Promise<StandaloneWithCpe> {
  const acs = await startApp('standalone');
  const tokenFile = await bootstrapTokenFile(acs);
  const cpe = new SimulatedCpe({
    acsUrl: acs.cwmpUrl,
    model: DataModel.builtin('tr181'),
    oui: device.oui,
    productClass: device.productClass,
    serialNumber: `${device.serialPrefix}${Date.now().toString(36).toUpperCase()}`,
    periodicInformInterval: 3600,
    connectionRequest: { host: '127.0.0.1', port: device.connectionRequestListener?.port ?? (await freePort()), username: 'cpe', password: 'cpe' },
    ...(device.connectionRequestListener ? { connectionRequestListener: device.connectionRequestListener } : {}),
  });
  await cpe.start();
  await cpe.idle();
  return { acs, tokenFile, cpe };
}
