/**
 * Passive liveness: two small nets that ship with @vladmandic/human (anti-spoofing on a 128 px
 * crop, livenessnet on a 32 px crop), copied into models/. Their mean scores a face from 0 (a
 * spoof) to 1 (a live face). One frame says little; the identifier takes the median over the
 * challenge frames (see docs/face.md for what it does and does not catch). The face engine
 * loads them on the first call only: a kiosk without the liveness challenge never holds them.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkFrame, type Frame } from '../hardware/camera/image.ts';

/** A tensor, as far as this file handles one. */
interface Tensor {
  data(): Promise<Float32Array | Int32Array | Uint8Array>;
  dispose(): void;
}
interface GraphModel {
  execute(input: Tensor): Tensor;
}

/** The part of the tfjs runtime these nets use (face-api's typings leave it off `api.tf`). */
export interface PassiveRuntime {
  tidy<T>(fn: () => T): T;
  tensor4d(data: Uint8Array, shape: [number, number, number, number], dtype: 'int32'): Tensor;
  image: {
    cropAndResize(
      image: Tensor,
      boxes: number[][],
      boxIndices: number[],
      size: [number, number],
    ): Tensor & { div(n: number): Tensor };
  };
  io: { fromMemory(artifacts: unknown): unknown };
  loadGraphModel(handler: unknown): Promise<GraphModel>;
}

/** The nets and their input size. */
const MODELS = [
  { name: 'antispoof', size: 128 },
  { name: 'liveness', size: 32 },
] as const;

/** A tfjs graph model from models/: the JSON topology and its one weights file, read from disk. */
async function loadGraphModel(tf: PassiveRuntime, jsonPath: string): Promise<GraphModel> {
  const json = JSON.parse(await readFile(jsonPath, 'utf8')) as {
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: unknown[] }[];
  };
  const weights = await Promise.all(
    json.weightsManifest.flatMap((group) =>
      group.paths.map((path) => readFile(join(dirname(jsonPath), path))),
    ),
  );
  const bytes = Buffer.concat(weights);
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    }),
  );
}

export class PassiveNets {
  /** Their file names in models/. */
  static readonly names: string[] = MODELS.map((m) => m.name);

  private constructor(
    private readonly tf: PassiveRuntime,
    private readonly nets: { model: GraphModel; size: number }[],
  ) {}

  static async load(tf: PassiveRuntime, modelDir: string): Promise<PassiveNets> {
    const nets = await Promise.all(
      MODELS.map(async ({ name, size }) => ({
        size,
        model: await loadGraphModel(tf, join(modelDir, `${name}.json`)),
      })),
    );
    return new PassiveNets(tf, nets);
  }

  /** The score of the face in box, 0 (a spoof) to 1 (live). */
  async score(
    frame: Frame,
    box: { x: number; y: number; width: number; height: number },
  ): Promise<number> {
    checkFrame(frame);
    const { tf } = this;
    // The nets were trained on a square crop 1.4 times the face box; outside the frame is black.
    const side = Math.max(box.width, box.height) * 1.4;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const crop = [
      (cy - side / 2) / frame.height,
      (cx - side / 2) / frame.width,
      (cy + side / 2) / frame.height,
      (cx + side / 2) / frame.width,
    ];
    const image = tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'int32');
    try {
      let sum = 0;
      for (const { model, size } of this.nets) {
        const output = tf.tidy(() =>
          model.execute(tf.image.cropAndResize(image, [crop], [0], [size, size]).div(255)),
        );
        sum += (await output.data())[0] ?? 0;
        output.dispose();
      }
      return Math.min(1, Math.max(0, sum / this.nets.length));
    } finally {
      image.dispose();
    }
  }
}
