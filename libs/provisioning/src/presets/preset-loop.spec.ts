import { detectPresetLoop } from './preset-loop';

const h = (...digests: string[]) => digests.map((specsDigest, i) => ({ at: 1000 * (i + 1), specsDigest }));

describe('detectPresetLoop', () => {
  it('reports the same non-empty plan produced by the newest N evaluations', () => {
    expect(detectPresetLoop(h('a', 'a', 'a'))).toEqual({ specsDigest: 'a', repeats: 3, since: 1000 });
    expect(detectPresetLoop(h('b', 'a', 'a', 'a', 'a'))).toEqual({ specsDigest: 'a', repeats: 4, since: 2000 });
  });

  it('does not report converging plans, empty plans or too short runs', () => {
    expect(detectPresetLoop(h('a', 'a', ''))).toBeNull();
    expect(detectPresetLoop(h('a', '', 'a', '', 'a'))).toBeNull();
    expect(detectPresetLoop(h('', '', ''))).toBeNull();
    expect(detectPresetLoop(h('a', 'b', 'b'))).toBeNull();
    expect(detectPresetLoop([])).toBeNull();
  });

  it('reads the history by time, whatever its order, and takes a threshold', () => {
    expect(detectPresetLoop(h('a', 'a', 'a').reverse())).toMatchObject({ repeats: 3 });
    expect(detectPresetLoop(h('x', 'a', 'a'), { repeats: 2 })).toMatchObject({ repeats: 2, since: 2000 });
    expect(detectPresetLoop(h('a', 'a', 'a'), { repeats: 4 })).toBeNull();
  });
});
