import { describe, expect, it } from 'vitest';
import {
  type Decision,
  type DecisionPolicy,
  decide,
  FrameAgreement,
  type Nearest,
  searchLimit,
} from './decision-policy.ts';

const policy: DecisionPolicy = {
  acceptThreshold: 0.4,
  margin: 0.1,
  secondFactorThreshold: 0.55,
  maxCandidates: 3,
  maxGalleryForFaceAlone: 1000,
  framesToAgree: 2,
};

const near = (...pairs: [string, number][]): Nearest[] =>
  pairs.map(([personId, distance]) => ({ personId, distance }));

describe('decide', () => {
  const cases: {
    name: string;
    nearest: Nearest[];
    gallery?: number;
    override?: Partial<DecisionPolicy>;
    want: Decision;
  }[] = [
    {
      name: 'decisive: strict, clear, small gallery',
      nearest: near(['a', 0.3], ['b', 0.5]),
      want: { kind: 'accept', personId: 'a', distance: 0.3, margin: 0.2 },
    },
    {
      name: 'the only person enrolled: the margin is infinite',
      nearest: near(['a', 0.3]),
      gallery: 1,
      want: { kind: 'accept', personId: 'a', distance: 0.3, margin: Infinity },
    },
    {
      name: 'strict but a second person close: close call, both candidates',
      nearest: near(['a', 0.3], ['b', 0.35], ['c', 0.7]),
      want: {
        kind: 'second-factor',
        reason: 'close-call',
        candidates: near(['a', 0.3], ['b', 0.35]),
      },
    },
    {
      name: 'between the thresholds: not decisive, one candidate is enough',
      nearest: near(['a', 0.45], ['b', 0.8]),
      want: { kind: 'second-factor', reason: 'not-decisive', candidates: near(['a', 0.45]) },
    },
    {
      name: 'decisive face in a gallery too large for the face alone',
      nearest: near(['a', 0.3], ['b', 0.6]),
      gallery: 1001,
      want: { kind: 'second-factor', reason: 'gallery-too-large', candidates: near(['a', 0.3]) },
    },
    {
      name: 'candidates capped at maxCandidates, nearest first',
      nearest: near(['a', 0.42], ['b', 0.43], ['c', 0.44], ['d', 0.45]),
      want: {
        kind: 'second-factor',
        reason: 'not-decisive',
        candidates: near(['a', 0.42], ['b', 0.43], ['c', 0.44]),
      },
    },
    {
      name: 'nobody under the second-factor threshold: reject',
      nearest: near(['a', 0.55], ['b', 0.9]),
      want: { kind: 'reject', distance: 0.55 },
    },
    {
      name: 'an empty gallery: reject',
      nearest: [],
      gallery: 0,
      want: { kind: 'reject', distance: Infinity },
    },
    {
      name: 'exactly at the accept threshold is not under it',
      nearest: near(['a', 0.4], ['b', 0.9]),
      want: { kind: 'second-factor', reason: 'not-decisive', candidates: near(['a', 0.4]) },
    },
    {
      name: 'a margin exactly at the policy is clear',
      nearest: near(['a', 0.25], ['b', 0.5]),
      override: { margin: 0.25, secondFactorThreshold: 0.6 },
      want: { kind: 'accept', personId: 'a', distance: 0.25, margin: 0.25 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(decide(c.nearest, c.gallery ?? 100, { ...policy, ...c.override })).toEqual(c.want);
    });
  }

  it('a NaN distance never accepts', () => {
    expect(decide(near(['a', NaN]), 10, policy).kind).toBe('reject');
  });

  it('asks the search for the candidates and one more person', () => {
    expect(searchLimit(policy)).toBe(4);
    expect(searchLimit({ ...policy, maxCandidates: 0 })).toBe(2);
  });
});

describe('FrameAgreement (frames of one live attempt)', () => {
  const accept = (personId: string, distance = 0.3): Decision => ({
    kind: 'accept',
    personId,
    distance,
    margin: 0.2,
  });
  const ask = (...c: [string, number][]): Decision => ({
    kind: 'second-factor',
    reason: 'not-decisive',
    candidates: near(...c),
  });
  const reject: Decision = { kind: 'reject', distance: 0.9 };

  it('accepts after framesToAgree accepting frames on the same person', () => {
    const a = new FrameAgreement(policy);
    expect(a.push(accept('a'))).toBeUndefined();
    expect(a.push(accept('a', 0.25))).toEqual(accept('a', 0.25));
  });

  it('one frame is enough when framesToAgree is 1', () => {
    expect(new FrameAgreement({ ...policy, framesToAgree: 1 }).push(accept('a'))).toEqual(
      accept('a'),
    );
  });

  it('two frames accepting different people are a close call with both', () => {
    const a = new FrameAgreement(policy);
    a.push(accept('a', 0.3));
    expect(a.push(accept('b', 0.35))).toEqual({
      kind: 'second-factor',
      reason: 'close-call',
      candidates: near(['a', 0.3], ['b', 0.35]),
    });
  });

  it('agreement means in a row: a frame in between starts the count again', () => {
    const a = new FrameAgreement({ ...policy, framesToAgree: 2 }, 3, 3);
    a.push(accept('a'));
    expect(a.push(reject)).toBeUndefined();
    expect(a.push(accept('a'))).toBeUndefined();
    expect(a.push(accept('a'))?.kind).toBe('accept');
  });

  it('two second-factor frames end the attempt with the candidates of both, nearest first', () => {
    const a = new FrameAgreement(policy);
    expect(a.push(ask(['b', 0.5]))).toBeUndefined();
    expect(a.push(ask(['a', 0.45], ['b', 0.48]))).toEqual({
      kind: 'second-factor',
      reason: 'not-decisive',
      candidates: near(['a', 0.45], ['b', 0.48]),
    });
  });

  it('a person accepted once and then only a candidate stays a candidate', () => {
    const a = new FrameAgreement(policy);
    a.push(accept('a', 0.38));
    a.push(ask(['c', 0.5]));
    expect(a.push(ask(['c', 0.5]))).toMatchObject({
      candidates: near(['a', 0.38], ['c', 0.5]),
    });
  });

  it('rejecting frames end the attempt as a reject', () => {
    const a = new FrameAgreement(policy);
    expect(a.push(reject)).toBeUndefined();
    expect(a.push(reject)).toBeUndefined();
    expect(a.push(reject)).toEqual(reject);
  });
});
