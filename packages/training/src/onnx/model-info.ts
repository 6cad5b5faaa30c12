import { TrainingError } from '../errors.js';
import { fieldString, packedInts, readFields, type WireField } from './protobuf-reader.js';

export type ElementType = 'float' | 'double' | 'int64' | 'int32' | 'string' | 'bool' | 'other';

export interface ValueInfo {
  name: string;
  /** Null when the value is not a tensor (for example a ZipMap sequence of maps). */
  elemType: ElementType | null;
  kind: 'tensor' | 'sequence' | 'map' | 'other';
  /** Static size, or null for a symbolic or unknown dimension. */
  dims: (number | null)[];
}

/** What the loader needs to know about an ONNX file without running it. */
export interface ModelInfo {
  metadata: Record<string, string>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializerNames: Set<string>;
  /** Class labels declared by a classifier node (ai.onnx.ml), if any. */
  classLabels: (string | number)[] | null;
}

const ELEM: Record<number, ElementType> = { 1: 'float', 11: 'double', 7: 'int64', 6: 'int32', 8: 'string', 9: 'bool' };

export function readModelInfo(bytes: Uint8Array): ModelInfo {
  const top = readFields(bytes);
  const metadata: Record<string, string> = {};
  let graph: WireField | undefined;
  for (const f of top) {
    if (f.field === 14 && f.wireType === 2) {
      const kv = readFields(f.bytes);
      const key = kv.find((x) => x.field === 1);
      const value = kv.find((x) => x.field === 2);
      if (key !== undefined) metadata[fieldString(key)] = value === undefined ? '' : fieldString(value);
    } else if (f.field === 7 && f.wireType === 2) graph = f;
  }
  if (graph === undefined) throw new TrainingError('HOKUSAI_MODEL_INVALID', 'The ONNX file has no graph. Check that the file is a complete ONNX model.');
  const inputs: ValueInfo[] = [];
  const outputs: ValueInfo[] = [];
  const initializerNames = new Set<string>();
  let classLabels: (string | number)[] | null = null;
  for (const f of readFields(graph.bytes)) {
    if (f.field === 11) inputs.push(readValueInfo(f.bytes));
    else if (f.field === 12) outputs.push(readValueInfo(f.bytes));
    else if (f.field === 5) {
      const name = readFields(f.bytes).find((x) => x.field === 8);
      if (name !== undefined) initializerNames.add(fieldString(name));
    } else if (f.field === 1 && classLabels === null) {
      classLabels = readClassLabels(f.bytes);
    }
  }
  return { metadata, inputs: inputs.filter((i) => !initializerNames.has(i.name)), outputs, initializerNames, classLabels };
}

function readValueInfo(bytes: Uint8Array): ValueInfo {
  const fields = readFields(bytes);
  const nameField = fields.find((x) => x.field === 1);
  const typeField = fields.find((x) => x.field === 2);
  const info: ValueInfo = { name: nameField === undefined ? '' : fieldString(nameField), elemType: null, kind: 'other', dims: [] };
  if (typeField === undefined) return info;
  for (const t of readFields(typeField.bytes)) {
    if (t.field === 1) {
      info.kind = 'tensor';
      for (const tt of readFields(t.bytes)) {
        if (tt.field === 1) info.elemType = ELEM[Number(tt.int)] ?? 'other';
        if (tt.field === 2) {
          for (const dim of readFields(tt.bytes)) {
            if (dim.field !== 1) continue;
            const value = readFields(dim.bytes).find((x) => x.field === 1);
            info.dims.push(value === undefined ? null : Number(value.int));
          }
        }
      }
    } else if (t.field === 4) info.kind = 'sequence';
    else if (t.field === 5) info.kind = 'map';
  }
  return info;
}

function readClassLabels(nodeBytes: Uint8Array): (string | number)[] | null {
  for (const f of readFields(nodeBytes)) {
    if (f.field !== 5) continue;
    const attr = readFields(f.bytes);
    const nameField = attr.find((x) => x.field === 1);
    const name = nameField === undefined ? '' : fieldString(nameField);
    if (name === 'classlabels_int64s' || name === 'classlabels_ints') return packedInts(attr, 8).map((v) => Number(v));
    if (name === 'classlabels_strings') return attr.filter((x) => x.field === 9).map(fieldString);
  }
  return null;
}
