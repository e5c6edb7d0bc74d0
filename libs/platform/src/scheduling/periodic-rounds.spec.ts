import { PeriodicRounds } from './periodic-rounds';

describe('PeriodicRounds', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs one round at a time, the next an interval after the previous ended, and goes on after a failure', async () => {
    const warnings: string[] = [];
    let rounds = 0;
    let finishRound: () => void = () => undefined;
    const loop = new PeriodicRounds({
      intervalMs: 100,
      name: 'spec round',
      logger: { warn: (_fields: unknown, message: string) => void warnings.push(message) } as never,
      round: () => {
        rounds += 1;
        if (rounds === 1) return Promise.reject(new Error('store down'));
        return new Promise<void>((resolve) => (finishRound = resolve));
      },
    });
    loop.start();
    await jest.advanceTimersByTimeAsync(100);
    expect(rounds).toBe(1);
    expect(warnings).toEqual(['spec round failed; the next round tries again']);
    await jest.advanceTimersByTimeAsync(100);
    expect(rounds).toBe(2);
    // The second round is still going: no third one starts meanwhile.
    await jest.advanceTimersByTimeAsync(1000);
    expect(rounds).toBe(2);
    const stopped = loop.stop();
    let stoppedYet = false;
    void stopped.then(() => (stoppedYet = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stoppedYet).toBe(false);
    finishRound();
    await stopped;
    await jest.advanceTimersByTimeAsync(1000);
    expect(rounds).toBe(2);
  });
});
