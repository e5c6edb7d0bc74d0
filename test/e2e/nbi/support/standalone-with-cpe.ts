import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { DataModel, SimulatedCpe } from '@acs/cpe-sim';

import { freePort, startApp, type RunningApp } from '../../support/processes';

export interface StandaloneWithCpe {
  acs: RunningApp;
  /** The bootstrap admin client's token file, as the standalone writes it on its first start. */
  tokenFile: string;
  /** A registered TR-181 CPE with a connection-request listener: tasks for it complete. */
  cpe: SimulatedCpe;
}

/**
 * The standalone on its first start, as an operator meets it (no clients file: it creates one with an admin client
 * and writes the token beside it), and one simulated CPE that has informed and gone idle. Callers stop both.
 */
export async function startStandaloneWithCpe(device: { oui: string; productClass: string; serialPrefix: string }): Promise<StandaloneWithCpe> {
  const acs = await startApp('standalone');
  const tokenFile = join(acs.dataDir, 'nbi', 'admin.token');
  // The bootstrap admin token is written at start; give a slow disk a moment.
  for (let i = 0; i < 100 && !existsSync(tokenFile); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(tokenFile)) throw new Error(`the standalone wrote no ${tokenFile}:\n${acs.output().slice(-4000)}`);
  const cpe = new SimulatedCpe({
    acsUrl: acs.cwmpUrl,
    model: DataModel.builtin('tr181'),
    oui: device.oui,
    productClass: device.productClass,
    serialNumber: `${device.serialPrefix}${Date.now().toString(36).toUpperCase()}`,
    periodicInformInterval: 3600,
    connectionRequest: { host: '127.0.0.1', port: await freePort(), username: 'cpe', password: 'cpe' },
  });
  await cpe.start();
  await cpe.idle();
  return { acs, tokenFile, cpe };
}
