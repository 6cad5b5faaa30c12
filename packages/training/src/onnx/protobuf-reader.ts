import { TrainingError } from '../errors.js';

/** One field as it sits on the wire; nested messages stay bytes until the caller asks for them. */
export interface WireField {
  field: number;
  wireType: number;
  /** Varint value (wire type 0). */
  int: bigint;
  /** Payload of a length-delimited (2) or fixed (1, 5) field. */
  bytes: Uint8Array;
}

const textDecoder = new TextDecoder();

/** Splits one protobuf message into its fields, failing with a typed error on truncated input. */
export function readFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw invalid('a varint runs past the end of the data');
      const b = buf[pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw invalid('a varint is longer than 10 bytes');
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wireType = key & 7;
    if (wireType === 0) {
      out.push({ field, wireType, int: varint(), bytes: new Uint8Array(0) });
    } else if (wireType === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw invalid(`field ${field} claims ${len} bytes but the data ends first`);
      out.push({ field, wireType, int: 0n, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else if (wireType === 1 || wireType === 5) {
      const len = wireType === 1 ? 8 : 4;
      if (pos + len > buf.length) throw invalid(`field ${field} runs past the end of the data`);
      out.push({ field, wireType, int: 0n, bytes: buf.subarray(pos, pos + len) });
      pos += len;
    } else {
      throw invalid(`unsupported protobuf wire type ${wireType} at byte ${pos}`);
    }
  }
  return out;
}

export function fieldString(f: WireField): string {
  return textDecoder.decode(f.bytes);
}

/** Repeated int64 fields may be packed (one length-delimited run) or one varint per element. */
export function packedInts(fields: WireField[], field: number): bigint[] {
  const out: bigint[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wireType === 0) out.push(f.int);
    else if (f.wireType === 2) {
      for (const inner of readFields(prefixVarints(f.bytes))) out.push(inner.int);
    }
  }
  return out;
}

// A packed run has no tags; giving each element the tag of field 1 lets readFields walk it.
function prefixVarints(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  out.push(8);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    out.push(b);
    if ((b & 0x80) === 0 && i + 1 < bytes.length) out.push(8);
  }
  return Uint8Array.from(out);
}

function invalid(why: string): TrainingError {
  return new TrainingError('HOKUSAI_MODEL_INVALID', `The bytes are not a valid ONNX model: ${why}. Check that the file is a complete .onnx export.`);
}
