import { describe, expect, it } from 'vitest';
import { SimulatedPrinter } from './simulated-printer.ts';

const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
const CUT = [0x1d, 0x56, 0x00];

async function printer() {
  const sim = new SimulatedPrinter();
  await sim.open();
  return sim;
}
const receipts = (sim: SimulatedPrinter) =>
  sim.receipts.map((r) => Buffer.from(r).toString('latin1'));

describe('SimulatedPrinter receipts', () => {
  it('ends a receipt at each cut, the cut included', async () => {
    const sim = await printer();
    await sim.write(Uint8Array.from([...ascii('one'), ...CUT, ...ascii('two'), 0x1b, 0x69]));
    await sim.write(Uint8Array.from(ascii('three')));
    expect(receipts(sim)).toEqual(['one\x1dV\x00', 'two\x1bi']);
  });

  it('ends a receipt when a cut that arrived in pieces is whole', async () => {
    const sim = await printer();
    await sim.write(Uint8Array.from([...ascii('one'), 0x1d, 0x56, 0x41]));
    expect(sim.receipts).toHaveLength(0); // function B: the feed byte is still to come
    await sim.write(Uint8Array.of(0x03, ...ascii('two')));
    expect(receipts(sim)).toEqual(['one\x1dVA\x03']);
  });

  it('does not take bytes inside an image for a cut', async () => {
    const sim = await printer();
    // A 3x1 logo whose dots happen to be the bytes of GS V 0.
    const logo = [0x1d, 0x76, 0x30, 0x00, 0x03, 0x00, 0x01, 0x00, ...CUT];
    await sim.write(Uint8Array.from([...logo, ...ascii('text'), ...CUT]));
    expect(sim.receipts).toHaveLength(1);
    expect(sim.receipts[0]).toEqual(Uint8Array.from([...logo, ...ascii('text'), ...CUT]));
  });

  it('keeps what printed before the paper ran out as a receipt of its own', async () => {
    const sim = await printer();
    sim.configure({ paperLeftBytes: 10 });
    await sim.write(Uint8Array.from([...ascii('ab'), ...CUT, ...ascii('cdefghijk')]));
    expect(receipts(sim)).toEqual(['ab\x1dV\x00', 'cdefg']);
    expect(sim.state.paperOut).toBe(true);
  });
});
