/**
 * The 1:N search's inner loop as a WebAssembly SIMD kernel: squared euclidean distances from
 * one probe to a run of templates, four floats per instruction. Plain JavaScript does one float
 * at a time and tops out near 1.2 ns per float (about 150 ms for a million templates on the
 * reference 2-core machine); this runs about three times faster, near the memory bandwidth
 * that streaming 512 MB of templates needs anyway. Measured by `npm run -s face -- bench`.
 *
 * The module is assembled here, byte by byte, from the listing below rather than shipped as a
 * binary: it is 1 kB, it needs no toolchain, and what it does can be read. Templates live in
 * the kernel's own linear memory (the gallery's Float32Array is a view of it), so a search
 * copies nothing but the probe. Where WebAssembly SIMD is missing, create() returns undefined
 * and the gallery keeps its JavaScript loop.
 *
 * Memory layout: [probe: 128 f32][out: CHUNK f32][templates: capacity x 128 f32]. Templates
 * come last so growing the memory extends them in place.
 */

/** gallery.ts's DESCRIPTOR_LENGTH (not imported: gallery.ts imports this module). */
const DESCRIPTOR_LENGTH = 128;
/** Distances computed per kernel call: a 16 kB output that stays in the L1/L2 cache. */
export const CHUNK = 4096;
const TEMPLATE_BYTES = DESCRIPTOR_LENGTH * 4;
const PROBE_OFFSET = 0;
const OUT_OFFSET = TEMPLATE_BYTES;
const DATA_OFFSET = OUT_OFFSET + CHUNK * 4;
const PAGE = 65536;
/** wasm32 addresses 4 GiB; V8 allows 65536 pages. */
const MAX_PAGES = 65536;

const leb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
const sized = (bytes: number[]) => [...leb(bytes.length), ...bytes];
const name = (s: string) => sized([...Buffer.from(s, 'utf8')]);
const section = (id: number, body: number[]) => [id, ...sized(body)];

// Opcodes used (WebAssembly core + SIMD proposals).
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_ADD = 0x6a;
const I32_SHL = 0x74;
const I32_GE_U = 0x4f;
const I32_LT_U = 0x49;
const F32_ADD = 0x92;
const F32_STORE = 0x38;
const BR_IF = 0x0d;
const BLOCK = 0x02;
const LOOP = 0x03;
const END = 0x0b;
const VOID = 0x40;
const SIMD = 0xfd;
const V128_LOAD = [SIMD, ...leb(0)];
const V128_CONST_ZERO = [SIMD, ...leb(12), ...new Array<number>(16).fill(0)];
const F32X4_EXTRACT_LANE = [SIMD, ...leb(31)];
const F32X4_ADD = [SIMD, ...leb(228)];
const F32X4_SUB = [SIMD, ...leb(229)];
const F32X4_MUL = [SIMD, ...leb(230)];
const I32 = 0x7f;
const V128 = 0x7b;

/**
 * l2(probe, data, count, out): for each of `count` templates at `data` (512 bytes apart),
 * out[t] = sum over k of (data[t][k] - probe[k])^2. Locals: 0 probe, 1 data, 2 count, 3 out,
 * 4 end, 5 and 6 two accumulators (two dependency chains keep the adder busy), 7 scratch.
 */
function kernelBytes(): Uint8Array<ArrayBuffer> {
  const code: number[] = [];
  // end = data + count * 512
  code.push(LOCAL_GET, 1, LOCAL_GET, 2, I32_CONST, ...leb(9), I32_SHL, I32_ADD, LOCAL_SET, 4);
  code.push(BLOCK, VOID, LOCAL_GET, 1, LOCAL_GET, 4, I32_GE_U, BR_IF, 0); // nothing to do
  code.push(LOOP, VOID);
  code.push(...V128_CONST_ZERO, LOCAL_SET, 5, ...V128_CONST_ZERO, LOCAL_SET, 6);
  for (let k = 0; k < DESCRIPTOR_LENGTH / 4; k++) {
    const acc = 5 + (k % 2);
    // v = data[k] - probe[k]; acc += v * v   (memarg: align 2^4, offset k * 16)
    code.push(LOCAL_GET, 1, ...V128_LOAD, 4, ...leb(k * 16));
    code.push(LOCAL_GET, 0, ...V128_LOAD, 4, ...leb(k * 16));
    code.push(...F32X4_SUB, LOCAL_TEE, 7, LOCAL_GET, 7, ...F32X4_MUL);
    code.push(LOCAL_GET, acc, ...F32X4_ADD, LOCAL_SET, acc);
  }
  // *out = horizontal sum of (acc0 + acc1)
  code.push(LOCAL_GET, 3, LOCAL_GET, 5, LOCAL_GET, 6, ...F32X4_ADD, LOCAL_TEE, 7);
  code.push(...F32X4_EXTRACT_LANE, 0, LOCAL_GET, 7, ...F32X4_EXTRACT_LANE, 1, F32_ADD);
  code.push(LOCAL_GET, 7, ...F32X4_EXTRACT_LANE, 2, F32_ADD);
  code.push(LOCAL_GET, 7, ...F32X4_EXTRACT_LANE, 3, F32_ADD);
  code.push(F32_STORE, 2, 0);
  // out += 4; data += 512; loop while data < end
  code.push(LOCAL_GET, 3, I32_CONST, 4, I32_ADD, LOCAL_SET, 3);
  code.push(LOCAL_GET, 1, I32_CONST, ...leb(TEMPLATE_BYTES), I32_ADD, LOCAL_TEE, 1);
  code.push(LOCAL_GET, 4, I32_LT_U, BR_IF, 0);
  code.push(END, END, END); // loop, block, function
  const locals = [...leb(2), ...leb(1), I32, ...leb(3), V128];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, [...leb(1), 0x60, ...leb(4), I32, I32, I32, I32, ...leb(0)]), // type
    ...section(2, [...leb(1), ...name('env'), ...name('memory'), 0x02, 0x00, ...leb(1)]), // import
    ...section(3, [...leb(1), ...leb(0)]), // function
    ...section(7, [...leb(1), ...name('l2'), 0x00, ...leb(0)]), // export
    ...section(10, [...leb(1), ...sized([...locals, ...code])]), // code
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

function compile(): WebAssembly.Module | undefined {
  if (compiled === undefined) {
    const bytes = kernelBytes();
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled ?? undefined;
}

export class SimdKernel {
  private data!: Float32Array;
  private probe!: Float32Array;
  private out!: Float32Array;

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly l2: (probe: number, data: number, count: number, out: number) => void,
    private capacityValue: number,
  ) {
    this.refresh();
  }

  /** A kernel with room for `capacity` templates; undefined where WebAssembly SIMD is missing. */
  static create(capacity: number): SimdKernel | undefined {
    const module = compile();
    if (!module) return undefined;
    const pages = Math.ceil((DATA_OFFSET + capacity * TEMPLATE_BYTES) / PAGE);
    if (pages > MAX_PAGES) return undefined;
    const memory = new WebAssembly.Memory({ initial: pages });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const l2 = instance.exports.l2 as (p: number, d: number, c: number, o: number) => void;
    return new SimdKernel(memory, l2, capacity);
  }

  get capacity(): number {
    return this.capacityValue;
  }

  /** The templates (capacity x 128). Growing replaces this view: read it again after grow(). */
  get templates(): Float32Array {
    return this.data;
  }

  /** Makes room for `capacity` templates in place; false when the 4 GiB address space is full. */
  grow(capacity: number): boolean {
    if (capacity <= this.capacityValue) return true;
    const pages = Math.ceil((DATA_OFFSET + capacity * TEMPLATE_BYTES) / PAGE);
    if (pages > MAX_PAGES) return false;
    try {
      this.memory.grow(pages - this.memory.buffer.byteLength / PAGE);
    } catch {
      return false; // the process could not get the memory: the caller falls back to JS arrays
    }
    this.capacityValue = Math.floor((this.memory.buffer.byteLength - DATA_OFFSET) / TEMPLATE_BYTES);
    this.refresh();
    return true;
  }

  /**
   * Squared distances from `probe` to templates start .. start+count-1 (count <= CHUNK). The
   * result is a view that the next call overwrites.
   */
  squaredDistances(probe: Float32Array, start: number, count: number): Float32Array {
    if (count > CHUNK || start + count > this.capacityValue)
      throw new RangeError('bad template range');
    this.probe.set(probe);
    this.l2(PROBE_OFFSET, DATA_OFFSET + start * TEMPLATE_BYTES, count, OUT_OFFSET);
    return this.out.subarray(0, count);
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.probe = new Float32Array(buffer, PROBE_OFFSET, DESCRIPTOR_LENGTH);
    this.out = new Float32Array(buffer, OUT_OFFSET, CHUNK);
    this.data = new Float32Array(buffer, DATA_OFFSET, this.capacityValue * DESCRIPTOR_LENGTH);
  }
}
