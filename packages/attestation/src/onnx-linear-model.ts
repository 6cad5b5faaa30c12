import { AttestationError } from './errors.js';

/**
 * A binary linear model over featurized columns, read from the initializers and nodes of an ONNX
 * file the way the training package writes the linear family: numeric columns imputed with the
 * mean and standardized ((x - mean) * scale), categorical columns one-hot (an unknown category is
 * all zeros), a MatMul by weights [d, 2] plus bias [2], and a Softmax whose column 1 is the
 * positive class. Anything else is refused, so a model the proof does not cover is never
 * silently misread.
 */
export interface LinearModel {
  numeric: { name: string; mean: number; scale: number; weight: number }[];
  categorical: { name: string; categories: { value: string; weight: number }[] }[];
  /** Logit bias: the positive column's bias minus the negative column's. */
  bias: number;
}

interface Field {
  field: number;
  wire: number;
  int: bigint;
  bytes: Uint8Array;
}

interface Node {
  inputs: string[];
  outputs: string[];
  op: string;
  attributes: Map<string, Field[]>;
}

const decoder = new TextDecoder();

function readFields(buf: Uint8Array, file: string): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const bad = (why: string): AttestationError => new AttestationError('HOKUSAI_INVALID_INPUT', `${file} is not a valid ONNX file: ${why}`);
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw bad('a varint runs past the end');
      const b = buf[pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw bad('a varint is longer than 10 bytes');
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const wire = key & 7;
    const field = key >>> 3;
    if (wire === 0) out.push({ field, wire, int: varint(), bytes: new Uint8Array(0) });
    else if (wire === 2 || wire === 1 || wire === 5) {
      const len = wire === 2 ? Number(varint()) : wire === 1 ? 8 : 4;
      if (pos + len > buf.length) throw bad(`field ${field} runs past the end`);
      out.push({ field, wire, int: 0n, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else throw bad(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = (f: Field | undefined): string => (f === undefined ? '' : decoder.decode(f.bytes));

function readTensorFloats(fields: Field[], file: string, name: string): Float32Array {
  const type = fields.find((f) => f.field === 2);
  const raw = fields.find((f) => f.field === 9);
  if (type === undefined || Number(type.int) !== 1 || raw === undefined || raw.bytes.length % 4 !== 0) {
    throw new AttestationError('HOKUSAI_INVALID_INPUT', `${file}: the initializer ${name} is not a float tensor in raw data; the inference proof covers models exported by the training package`);
  }
  const view = new DataView(raw.bytes.buffer, raw.bytes.byteOffset, raw.bytes.byteLength);
  const out = new Float32Array(raw.bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** The model family the training package recorded in the ONNX metadata, or null when absent. */
export function onnxModelFamily(bytes: Uint8Array, file = 'model.onnx'): string | null {
  for (const f of readFields(bytes, file)) {
    if (f.field !== 14 || f.wire !== 2) continue;
    const kv = readFields(f.bytes, file);
    if (text(kv.find((x) => x.field === 1)) !== 'hokusai.metadata') continue;
    try {
      const meta = JSON.parse(text(kv.find((x) => x.field === 2))) as { family?: unknown };
      return typeof meta.family === 'string' ? meta.family : null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Why a model is outside the inference proof, or null when readLinearModel accepts it. */
export function linearModelUnsupported(bytes: Uint8Array, file = 'model.onnx'): string | null {
  try {
    readLinearModel(bytes, file);
    return null;
  } catch (error) {
    if (error instanceof AttestationError) return error.message;
    throw error;
  }
}

/** Reads the binary linear model of an ONNX file (see LinearModel), or throws HOKUSAI_INFERENCE_UNSUPPORTED. */
export function readLinearModel(bytes: Uint8Array, file = 'model.onnx'): LinearModel {
  const unsupported = (why: string): AttestationError => new AttestationError('HOKUSAI_INFERENCE_UNSUPPORTED', `${file}: ${why}`);
  const family = onnxModelFamily(bytes, file);
  if (family !== 'logistic_regression') throw unsupported(`inference is proven for the linear family (logistic_regression) only, not for ${family ?? 'a model without Hokusai metadata'}`);
  const graph = readFields(bytes, file).find((f) => f.field === 7 && f.wire === 2);
  if (graph === undefined) throw new AttestationError('HOKUSAI_INVALID_INPUT', `${file} has no graph`);
  const nodes: Node[] = [];
  const init = new Map<string, Float32Array>();
  const initFields = new Map<string, Field[]>();
  const inputs: string[] = [];
  for (const f of readFields(graph.bytes, file)) {
    if (f.field === 1) {
      const nf = readFields(f.bytes, file);
      const attributes = new Map<string, Field[]>();
      for (const a of nf.filter((x) => x.field === 5)) {
        const af = readFields(a.bytes, file);
        attributes.set(text(af.find((x) => x.field === 1)), af);
      }
      nodes.push({ inputs: nf.filter((x) => x.field === 1).map(text), outputs: nf.filter((x) => x.field === 2).map(text), op: text(nf.find((x) => x.field === 4)), attributes });
    } else if (f.field === 5) {
      const tf = readFields(f.bytes, file);
      initFields.set(text(tf.find((x) => x.field === 8)), tf);
    } else if (f.field === 11) {
      inputs.push(text(readFields(f.bytes, file).find((x) => x.field === 1)));
    }
  }
  const floats = (name: string): Float32Array => {
    const cached = init.get(name);
    if (cached !== undefined) return cached;
    const tf = initFields.get(name);
    if (tf === undefined) throw unsupported(`${name} is not a constant`);
    const v = readTensorFloats(tf, file, name);
    init.set(name, v);
    return v;
  };
  const producer = new Map<string, Node>();
  for (const n of nodes) for (const o of n.outputs) producer.set(o, n);
  const made = (name: string, op: string): Node => {
    const n = producer.get(name);
    if (n === undefined || n.op !== op) throw unsupported(`the graph is not the linear family's (expected ${op} producing ${name}, found ${n?.op ?? 'none'})`);
    return n;
  };

  const softmax = nodes.filter((n) => n.op === 'Softmax');
  if (softmax.length !== 1) throw unsupported('the graph is not the linear family\'s (expected one Softmax)');
  const add = made((softmax[0] as Node).inputs[0] ?? '', 'Add');
  const matmul = made(add.inputs[0] ?? '', 'MatMul');
  const weights = floats(matmul.inputs[1] ?? '');
  const biasPair = floats(add.inputs[1] ?? '');
  if (biasPair.length !== 2 || weights.length % 2 !== 0) throw unsupported('inference is proven for binary classifiers only');
  const d = weights.length / 2;
  const w = (j: number): number => (weights[j * 2 + 1] as number) - (weights[j * 2] as number);

  const featureName = matmul.inputs[0] ?? '';
  const featureNode = producer.get(featureName);
  // One block is the MatMul's input itself; several are joined by a Concat on axis 1.
  const blocks = featureNode?.op === 'Concat' && !isNumericStack(featureNode) ? featureNode.inputs : [featureName];
  const model: LinearModel = { numeric: [], categorical: [], bias: (biasPair[1] as number) - (biasPair[0] as number) };
  let column = 0;
  for (const block of blocks) {
    const head = producer.get(block);
    if (head?.op === 'Mul') {
      const sub = made(head.inputs[0] ?? '', 'Sub');
      const where = made(sub.inputs[0] ?? '', 'Where');
      const mean = floats(sub.inputs[1] ?? '');
      const scale = floats(head.inputs[1] ?? '');
      const names = numericInputs(where.inputs[2] ?? '', producer, inputs, unsupported);
      if (mean.length !== names.length || scale.length !== names.length) throw unsupported('the numeric block\'s mean and scale do not match its inputs');
      names.forEach((name, k) => {
        model.numeric.push({ name, mean: mean[k] as number, scale: scale[k] as number, weight: w(column + k) });
      });
      column += names.length;
    } else if (head?.op === 'Flatten') {
      const onehot = made(head.inputs[0] ?? '', 'OneHotEncoder');
      const name = onehot.inputs[0] ?? '';
      const cats = (onehot.attributes.get('cats_strings') ?? []).filter((x) => x.field === 9).map(text);
      if (!inputs.includes(name) || cats.length === 0) throw unsupported(`the one-hot block of ${name} is not over a string input`);
      model.categorical.push({ name, categories: cats.map((value, k) => ({ value, weight: w(column + k) })) });
      column += cats.length;
    } else {
      throw unsupported(`a feature block made by ${head?.op ?? 'an input'} (for example hashed categories) is outside the inference proof`);
    }
  }
  if (column !== d) throw unsupported(`the feature blocks give ${column} columns but the weights have ${d} rows`);
  return model;
}

// A Concat on axis 0 of the numeric inputs is the numeric stack, not the concatenation of blocks.
function isNumericStack(n: Node): boolean {
  const axis = n.attributes.get('axis')?.find((x) => x.field === 3);
  return axis !== undefined && axis.int === 0n;
}

function numericInputs(x: string, producer: Map<string, Node>, inputs: string[], unsupported: (why: string) => AttestationError): string[] {
  if (inputs.includes(x)) return [x];
  const transpose = producer.get(x);
  const reshape = producer.get(transpose?.inputs[0] ?? '');
  const concat = producer.get(reshape?.inputs[0] ?? '');
  if (transpose?.op !== 'Transpose' || reshape?.op !== 'Reshape' || concat?.op !== 'Concat' || !concat.inputs.every((i) => inputs.includes(i))) {
    throw unsupported('the numeric block is not a stack of the model\'s inputs');
  }
  return concat.inputs;
}
