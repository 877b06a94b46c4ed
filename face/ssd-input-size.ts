/**
 * SSD MobileNet v1 at an input size other than the 512 px face-api hard-codes, for the decisive
 * camera frame. The backbone is fully convolutional, so a smaller input costs about
 * (size/512)^2 of the time (288 px: under 40% of an identify); only the detection head's prior
 * boxes (anchors) are tied to 512, as a constant in the weights. They are made again here for the
 * new grid:
 *
 * - the generator is TensorFlow's SSD anchor generator as configured for this model (6 layers,
 *   scales 0.2..0.95, aspect ratios 1, 2, 1/2, 3, 1/3 plus an interpolated square, 3 boxes in the
 *   lowest layer). At 512 it reproduces the weights' 5118 anchors to 4e-5 (a test checks this);
 * - the nets' features are learned in pixels, so at a smaller input a face looks smaller to
 *   them: anchors keep the sizes they had in pixels at 512 (scaled by 512/size), or every box
 *   would come out shrunk by size/512.
 *
 * A smaller input has blind spots at some face sizes, so FaceEngine looks again at 512 when it
 * finds nobody. Measurements (boxes, descriptors, blind spots per size): docs/face.md.
 */
import type * as FaceApi from '@vladmandic/face-api';

export const SSD_TRAINED_SIZE = 512;

/** Feature-map sizes of the six prediction layers for a square input ('same' padding). */
export function ssdGrids(size: number): number[] {
  const grids = [Math.ceil(size / 16), Math.ceil(size / 32)];
  while (grids.length < 6) grids.push(Math.ceil(grids.at(-1)! / 2));
  return grids;
}

/** The prior boxes for an input of `size`, as [ymin, xmin, ymax, xmax] in 0..1, in head order. */
export function ssdAnchors(size: number): Float32Array {
  const layers = 6;
  const scales = Array.from({ length: layers }, (_, i) => 0.2 + ((0.95 - 0.2) * i) / (layers - 1));
  scales.push(1);
  const pixelScale = SSD_TRAINED_SIZE / size;
  const out: number[] = [];
  ssdGrids(size).forEach((grid, layer) => {
    const s = scales[layer]!;
    const boxes: [number, number][] =
      layer === 0
        ? [
            [0.1, 1],
            [s, 2],
            [s, 0.5],
          ]
        : [
            [s, 1],
            [Math.sqrt(s * scales[layer + 1]!), 1],
            [s, 2],
            [s, 0.5],
            [s, 3],
            [s, 1 / 3],
          ];
    for (let y = 0; y < grid; y++) {
      for (let x = 0; x < grid; x++) {
        const cy = (y + 0.5) / grid;
        const cx = (x + 0.5) / grid;
        for (const [scale, ratio] of boxes) {
          const h = (pixelScale * scale) / Math.sqrt(ratio);
          const w = pixelScale * scale * Math.sqrt(ratio);
          out.push(cy - h / 2, cx - w / 2, cy + h / 2, cx + w / 2);
        }
      }
    }
  });
  return Float32Array.from(out);
}

interface Tensor {
  data(): Promise<Float32Array | Int32Array | Uint8Array>;
  array(): Promise<unknown>;
  dispose(): void;
}
interface SsdRuntime {
  tensor3d(data: Float32Array, shape: [number, number, number]): Tensor;
  image: {
    nonMaxSuppressionAsync(
      boxes: Tensor,
      scores: Tensor,
      maxOutputSize: number,
      iouThreshold: number,
      scoreThreshold: number,
    ): Promise<Tensor>;
  };
}
interface NetInputLike {
  toBatchTensor(size: number, centered: boolean): unknown;
  getReshapedInputDimensions(index: number): { width: number; height: number };
  getInputWidth(index: number): number;
  getInputHeight(index: number): number;
}
interface SsdNet {
  params: { output_layer: { extra_dim: unknown } };
  forwardInput(input: NetInputLike): { boxes: Tensor[]; scores: Tensor[] };
  locateFaces(input: unknown, options: unknown): Promise<FaceApi.FaceDetection[]>;
}

/** SsdMobilenetv1Options with the input size the patched net should run at. */
export type SizedSsdOptions = FaceApi.SsdMobilenetv1Options & { inputSize?: number };

/**
 * Lets api.nets.ssdMobilenetv1 run at `options.inputSize` (a multiple of 32): options without it,
 * or with 512, take the library's own path unchanged.
 */
export function installSsdInputSize(api: typeof FaceApi): void {
  const tf = api.tf as unknown as SsdRuntime;
  const net = api.nets.ssdMobilenetv1 as unknown as SsdNet;
  const original = net.locateFaces.bind(net);
  const anchors = new Map<number, Tensor>();
  net.locateFaces = async (input: unknown, options: SizedSsdOptions) => {
    const size = options.inputSize ?? SSD_TRAINED_SIZE;
    if (size === SSD_TRAINED_SIZE) return original(input, options);
    let priors = anchors.get(size);
    if (!priors) {
      const a = ssdAnchors(size);
      priors = tf.tensor3d(a, [1, a.length / 4, 4]); // kept for the engine's life
      anchors.set(size, priors);
    }
    const netInput = (await api.toNetInput(input as FaceApi.TNetInput)) as unknown as NetInputLike;
    // The library asks its input for a 512 px batch; this view of it answers at `size`.
    const sized: NetInputLike = Object.create(netInput) as NetInputLike;
    sized.toBatchTensor = (_ignored, centered) => netInput.toBatchTensor(size, centered);
    const head = net.params.output_layer;
    const trained = head.extra_dim;
    head.extra_dim = priors;
    let output: { boxes: Tensor[]; scores: Tensor[] };
    try {
      output = net.forwardInput(sized); // synchronous: nothing else runs while swapped
    } finally {
      head.extra_dim = trained;
    }
    const boxes = output.boxes[0]!;
    const scores = output.scores[0]!;
    try {
      const kept = await tf.image.nonMaxSuppressionAsync(
        boxes,
        scores,
        options.maxResults,
        0.5,
        options.minConfidence,
      );
      const indices = Array.from(await kept.data());
      kept.dispose();
      const corners = (await boxes.array()) as number[][];
      const confidence = await scores.data();
      // The batch is the frame padded to a square (right and bottom); boxes are relative to it.
      const reshaped = netInput.getReshapedInputDimensions(0);
      const padX = size / reshaped.width;
      const padY = size / reshaped.height;
      const dims = { width: netInput.getInputWidth(0), height: netInput.getInputHeight(0) };
      return indices.map((i) => {
        const [y0, x0, y1, x1] = corners[i]!;
        const top = Math.max(0, y0!) * padY;
        const left = Math.max(0, x0!) * padX;
        const bottom = Math.min(1, y1!) * padY;
        const right = Math.min(1, x1!) * padX;
        return new api.FaceDetection(
          confidence[i]!,
          new api.Rect(left, top, right - left, bottom - top),
          dims,
        );
      });
    } finally {
      boxes.dispose();
      scores.dispose();
    }
  };
}
