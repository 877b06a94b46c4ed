/**
 * The demo people (demo-faces/, drawn at install from hardware/camera/demo-faces.json) through
 * the real engine, as a clone without ../shared uses them: photos 1 and 2 enrolled through the
 * enrolment gate, photos 3-5 shown on the simulated camera and decided under the shipped policy.
 * Each probe's nearest person must be its own, and every probe nearer its own person than any
 * other person; the figures are printed. (In face/, not hardware/camera/: it needs the engine.)
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../core/config.ts';
import { DEMO_PEOPLE } from '../hardware/camera/demo-faces.ts';
import { SimulatedCamera } from '../hardware/camera/simulated-camera.ts';
import { DEFAULT_DECISION_POLICY } from './calibration.ts';
import { decide, searchLimit } from './decision-policy.ts';
import { enrollFiles } from './enrollment.ts';
import { FaceEngine, projectRoot } from './face-engine.ts';
import { FaceGallery } from './gallery.ts';
import { assessQuality } from './quality.ts';

const demoDir = join(projectRoot, 'demo-faces');
const drawn = existsSync(join(demoDir, 'sheldon', '5.png'));
const PROBES = ['3.png', '4.png', '5.png'];
// The kiosk's defaults: the SSD input size and policy a simulator kiosk runs with.
const { ssdInputSize } = parseConfig({}).face;
const policy = DEFAULT_DECISION_POLICY;

// Skipped, with the reason in its name, where the install did not draw them.
const title = drawn
  ? 'the demo people on the real engine'
  : 'the demo people on the real engine (skipped: demo-faces/ not drawn; run npm install or node --import tsx scripts/make-demo-faces.ts)';

describe.skipIf(!drawn)(title, () => {
  let engine: FaceEngine;
  let camera: SimulatedCamera;
  const gallery = new FaceGallery();

  beforeAll(async () => {
    engine = await FaceEngine.load();
    // Through the enrolment gate (quality, agreement of the two photos), as the kiosk enrols.
    for (const person of DEMO_PEOPLE)
      await enrollFiles(
        engine,
        gallery,
        person,
        ['1.png', '2.png'].map((p) => join(demoDir, person, p)),
      );
    camera = new SimulatedCamera({ fixturesDir: demoDir });
    await camera.start();
  }, 180_000);

  it('every probe is nearest its own person, own distances all below other-person ones', async () => {
    const rows: string[] = [];
    let worstOwn = 0;
    let nearestOther = Infinity;
    const kinds = { accept: 0, 'second-factor': 0, reject: 0 };
    for (const person of DEMO_PEOPLE) {
      for (const photo of PROBES) {
        camera.setScene({ kind: 'person', person, photo });
        const frame = await camera.grab();
        const faces = await engine.detectAll(frame, { ssdInputSize });
        expect(assessQuality(frame, faces).reason, `${person}/${photo} quality`).toBe('ok');
        const nearest = gallery.search(faces[0]!.descriptor, DEMO_PEOPLE.length);
        const own = nearest.find((n) => n.personId === person)!.distance;
        const other = nearest.find((n) => n.personId !== person)!;
        worstOwn = Math.max(worstOwn, own);
        nearestOther = Math.min(nearestOther, other.distance);
        const decision = decide(nearest.slice(0, searchLimit(policy)), gallery.persons, policy);
        kinds[decision.kind]++;
        rows.push(
          `${person}/${photo}: own ${own.toFixed(3)}, nearest other ${other.personId} ` +
            `${other.distance.toFixed(3)}, ${decision.kind}`,
        );
        expect(nearest[0]!.personId, `${person}/${photo}`).toBe(person);
        // Never someone else by face alone; the second factor, when asked, offers the right one.
        if (decision.kind === 'accept') expect(decision.personId).toBe(person);
        if (decision.kind === 'second-factor')
          expect(decision.candidates.map((c) => c.personId)).toContain(person);
        expect(decision.kind, `${person}/${photo}`).not.toBe('reject');
      }
    }
    // The figures, for docs and the recipe's "measured" (a reporter shows a test's stdout).
    process.stdout.write(
      [
        ...rows,
        `worst own distance ${worstOwn.toFixed(3)} < nearest other person ${nearestOther.toFixed(3)}`,
        `shipped policy (accept < ${policy.acceptThreshold}, second factor < ` +
          `${policy.secondFactorThreshold}): ${JSON.stringify(kinds)}`,
      ].join('\n') + '\n',
    );
    expect(worstOwn).toBeLessThan(nearestOther);
  }, 180_000);

  it('the group photo shows three demo people, each found as themselves', async () => {
    camera.setScene({ kind: 'group', photo: '1.png' });
    const faces = await engine.detectAll(await camera.grab(), { ssdInputSize });
    expect(faces).toHaveLength(3);
    const who = [...faces]
      .sort((a, b) => a.box.x - b.box.x)
      .map((f) => gallery.search(f.descriptor, 1)[0]!.personId);
    expect(who).toEqual(DEMO_PEOPLE.slice(0, 3));
  }, 60_000);
});
