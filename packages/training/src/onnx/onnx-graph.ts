import { ProtobufWriter } from './protobuf-writer.js';

/** ONNX TensorProto.DataType values for the element types this package writes. */
export const ONNX_TYPE = { float: 1, int32: 6, int64: 7, string: 8, bool: 9, double: 11 } as const;
export type OnnxElementType = keyof typeof ONNX_TYPE;

export type OnnxTensorData =
  | { type: 'float'; values: ArrayLike<number> }
  | { type: 'double'; values: ArrayLike<number> }
  | { type: 'int64'; values: ArrayLike<number> }
  | { type: 'int32'; values: ArrayLike<number> }
  | { type: 'string'; values: readonly string[] };

export type OnnxAttribute =
  | { name: string; f: number }
  | { name: string; i: number }
  | { name: string; s: string }
  | { name: string; floats: ArrayLike<number> }
  | { name: string; ints: ArrayLike<number> }
  | { name: string; strings: readonly string[] }
  | { name: string; t: { dims: number[]; data: OnnxTensorData } };

interface NodeSpec {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
  name: string;
}

interface ValueSpec {
  name: string;
  type: OnnxElementType;
  dims: (number | string)[];
}

/** Opset versions every exported model declares; ai.onnx.ml carries the classic ML operators. */
export const OPSETS: Readonly<Record<string, number>> = { '': 17, 'ai.onnx.ml': 3, 'com.microsoft': 1 };

// IR 8 is read by every onnxruntime since 1.10, so exported files stay portable.
const IR_VERSION = 8;
const textEncoder = new TextEncoder();

/**
 * Collects nodes, initializers and graph inputs/outputs in the order they are added and writes
 * them as one ONNX ModelProto. Names come from a counter so the bytes depend only on the model.
 */
export class OnnxGraph {
  private readonly nodes: NodeSpec[] = [];
  private readonly inits: { name: string; dims: number[]; data: OnnxTensorData }[] = [];
  private readonly inputs: ValueSpec[] = [];
  private readonly outputs: ValueSpec[] = [];
  private counter = 0;

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, type: OnnxElementType, dims: (number | string)[]): string {
    this.inputs.push({ name, type, dims });
    return name;
  }

  output(name: string, type: OnnxElementType, dims: (number | string)[]): void {
    this.outputs.push({ name, type, dims });
  }

  constant(prefix: string, dims: number[], data: OnnxTensorData): string {
    const name = this.fresh(prefix);
    this.inits.push({ name, dims, data });
    return name;
  }

  /** Adds a node and returns its single output name (or the given one). */
  node(opType: string, inputs: string[], attributes: OnnxAttribute[] = [], options: { domain?: string; output?: string; outputs?: string[] } = {}): string {
    const outputs = options.outputs ?? [options.output ?? this.fresh(opType.toLowerCase())];
    this.nodes.push({ opType, domain: options.domain ?? '', inputs, outputs, attributes, name: this.fresh(`n_${opType}`) });
    return outputs[0] as string;
  }

  toModel(metadata: Readonly<Record<string, string>>, graphName = 'hokusai'): Uint8Array {
    const w = new ProtobufWriter();
    w.int(1, IR_VERSION);
    w.string(2, 'hokusai');
    w.string(3, '0.1.0');
    w.message(7, (g) => {
      for (const n of this.nodes) g.message(1, (m) => writeNode(m, n));
      g.string(2, graphName);
      for (const t of this.inits) g.message(5, (m) => writeTensor(m, t.name, t.dims, t.data));
      for (const v of this.inputs) g.message(11, (m) => writeValueInfo(m, v));
      for (const v of this.outputs) g.message(12, (m) => writeValueInfo(m, v));
    });
    // Only domains the graph uses are declared, so plain graphs stay loadable by any ONNX runtime.
    const domains = new Set(['', ...this.nodes.map((n) => n.domain)]);
    for (const domain of Object.keys(OPSETS).filter((d) => domains.has(d))) {
      w.message(8, (m) => {
        if (domain !== '') m.string(1, domain);
        m.int(2, OPSETS[domain] as number);
      });
    }
    for (const key of Object.keys(metadata).sort()) {
      w.message(14, (m) => m.string(1, key).string(2, metadata[key] as string));
    }
    return w.finish();
  }
}

function writeNode(m: ProtobufWriter, n: NodeSpec): void {
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, n.name);
  m.string(4, n.opType);
  for (const a of n.attributes) m.message(5, (am) => writeAttribute(am, a));
  if (n.domain !== '') m.string(7, n.domain);
}

// AttributeProto.AttributeType: FLOAT=1 INT=2 STRING=3 TENSOR=4 FLOATS=6 INTS=7 STRINGS=8.
function writeAttribute(m: ProtobufWriter, a: OnnxAttribute): void {
  m.string(1, a.name);
  if ('f' in a) m.float(2, a.f).int(20, 1);
  else if ('i' in a) m.int(3, a.i).int(20, 2);
  else if ('s' in a) m.string(4, a.s).int(20, 3);
  else if ('t' in a) m.message(5, (t) => writeTensor(t, '', a.t.dims, a.t.data)).int(20, 4);
  else if ('floats' in a) m.packedFloats(7, a.floats).int(20, 6);
  else if ('ints' in a) m.packedInts(8, Array.from(a.ints)).int(20, 7);
  else {
    for (const s of a.strings) m.string(9, s);
    m.int(20, 8);
  }
}

function writeTensor(m: ProtobufWriter, name: string, dims: number[], data: OnnxTensorData): void {
  if (dims.length > 0) m.packedInts(1, dims);
  m.int(2, ONNX_TYPE[data.type]);
  if (name !== '') m.string(8, name);
  switch (data.type) {
    case 'float': {
      const b = new Uint8Array(data.values.length * 4);
      const view = new DataView(b.buffer);
      for (let i = 0; i < data.values.length; i++) view.setFloat32(i * 4, data.values[i] as number, true);
      m.bytes(9, b);
      break;
    }
    case 'double': {
      const b = new Uint8Array(data.values.length * 8);
      const view = new DataView(b.buffer);
      for (let i = 0; i < data.values.length; i++) view.setFloat64(i * 8, data.values[i] as number, true);
      m.bytes(9, b);
      break;
    }
    case 'int64': {
      const b = new Uint8Array(data.values.length * 8);
      const view = new DataView(b.buffer);
      for (let i = 0; i < data.values.length; i++) view.setBigInt64(i * 8, BigInt(data.values[i] as number), true);
      m.bytes(9, b);
      break;
    }
    case 'int32': {
      const b = new Uint8Array(data.values.length * 4);
      const view = new DataView(b.buffer);
      for (let i = 0; i < data.values.length; i++) view.setInt32(i * 4, data.values[i] as number, true);
      m.bytes(9, b);
      break;
    }
    case 'string':
      for (const s of data.values) m.bytes(6, textEncoder.encode(s));
      break;
  }
}

function writeValueInfo(m: ProtobufWriter, v: ValueSpec): void {
  m.string(1, v.name);
  m.message(2, (t) =>
    t.message(1, (tt) => {
      tt.int(1, ONNX_TYPE[v.type]);
      tt.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}
