import { acsV1 } from '@acs/contracts';
import { ValidationError } from '@acs/platform';
import { DEFAULT_RETRY } from '@acs/rollout';

import { imageRuleFromProto, policyFromProto, policyToProto } from './campaign.mappers';

describe('campaign mappers', () => {
  it('reads a policy with the documented defaults for unset numbers, and writes it back', () => {
    const policy = policyFromProto(acsV1.RolloutPolicy.fromPartial({ canary: 5, stepPercent: 25, concurrency: 10, mode: 'passive', attemptTimeoutMs: 60_000, failurePercent: 10, overWindowMs: 600_000 }));
    expect(policy).toEqual({
      waves: { canary: 5, step: { percent: 25 }, minSuccessPercent: 0, soakMs: 0 },
      windows: [],
      timeZone: 'UTC',
      concurrency: 10,
      mode: 'passive',
      retry: DEFAULT_RETRY,
      attemptTimeoutMs: 60_000,
      failureThreshold: { limit: { percent: 10 }, over: { windowMs: 600_000 }, minFinished: 1 },
    });
    expect(policyFromProto(policyToProto(policy))).toEqual(policy);
  });

  it('refuses a policy that names a step or a threshold two ways, and a missing one', () => {
    expect(() => policyFromProto(acsV1.RolloutPolicy.fromPartial({ stepSize: 5, stepPercent: 5 }))).toThrow(ValidationError);
    expect(() => policyFromProto(acsV1.RolloutPolicy.fromPartial({ failureCount: 5, failurePercent: 5 }))).toThrow(ValidationError);
    expect(() => policyFromProto(undefined)).toThrow(ValidationError);
  });

  it('reads an image rule\'s empty fields as "any"', () => {
    expect(imageRuleFromProto(acsV1.ImageRule.fromPartial({ productClass: 'GW', fileId: 'f' }))).toEqual({ productClass: 'GW', fileId: 'f' });
  });
});
