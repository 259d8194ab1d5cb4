/**
 * A Prometheus remote-write 1.0 request, encoded by hand so the end-to-end test can speak the
 * protocol Tempo's metrics-generator speaks without a protobuf or snappy dependency.
 *
 * Wire format (https://prometheus.io/docs/specs/remote_write_spec/): POST, body = snappy
 * *block* format (not the framed format) of a protobuf `prometheus.WriteRequest`, headers
 * `Content-Type: application/x-protobuf`, `Content-Encoding: snappy`,
 * `X-Prometheus-Remote-Write-Version: 0.1.0`.
 *
 * Field numbers, from prometheus/prometheus prompb/remote.proto and prompb/types.proto:
 *   WriteRequest { repeated TimeSeries timeseries = 1; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; repeated Exemplar exemplars = 3; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }   // timestamp in ms
 *   Exemplar     { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
 */

export const REMOTE_WRITE_HEADERS = {
  'Content-Type': 'application/x-protobuf',
  'Content-Encoding': 'snappy',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
} as const;

export interface RwLabelSet {
  readonly [name: string]: string;
}

export interface RwSample {
  readonly value: number;
  readonly timestampMs: number;
}

export interface RwExemplar {
  readonly labels: RwLabelSet;
  readonly value: number;
  readonly timestampMs: number;
}

export interface RwTimeSeries {
  /** Must include `__name__`; sorted by name on encoding, as the spec requires. */
  readonly labels: RwLabelSet;
  readonly samples: readonly RwSample[];
  readonly exemplars?: readonly RwExemplar[];
}

// protobuf wire types
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;

function varint(n: bigint): Buffer {
  // int64 fields use two's complement over 10 bytes for negatives
  let v = n < 0n ? n + (1n << 64n) : n;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

function key(field: number, wireType: number): Buffer {
  return varint(BigInt((field << 3) | wireType));
}

function bytesField(field: number, payload: Buffer): Buffer {
  return Buffer.concat([key(field, LENGTH_DELIMITED), varint(BigInt(payload.length)), payload]);
}

function doubleField(field: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return Buffer.concat([key(field, FIXED64), b]);
}

function int64Field(field: number, value: number): Buffer {
  return Buffer.concat([key(field, VARINT), varint(BigInt(Math.trunc(value)))]);
}

function labels(field: number, set: RwLabelSet): Buffer[] {
  return Object.keys(set)
    .sort()
    .map((name) => bytesField(field, Buffer.concat([bytesField(1, Buffer.from(name, 'utf8')), bytesField(2, Buffer.from(set[name], 'utf8'))])));
}

/** The protobuf bytes of a `prometheus.WriteRequest`. */
export function encodeWriteRequest(series: readonly RwTimeSeries[]): Buffer {
  return Buffer.concat(
    series.map((ts) =>
      bytesField(
        1,
        Buffer.concat([
          ...labels(1, ts.labels),
          ...ts.samples.map((s) => bytesField(2, Buffer.concat([doubleField(1, s.value), int64Field(2, s.timestampMs)]))),
          ...(ts.exemplars ?? []).map((e) => bytesField(3, Buffer.concat([...labels(1, e.labels), doubleField(2, e.value), int64Field(3, e.timestampMs)]))),
        ]),
      ),
    ),
  );
}

/**
 * Snappy block format with literals only: the uncompressed length as a varint, then literal
 * elements. A literal's tag byte has low bits 00; lengths up to 60 sit in the upper six bits
 * as `len-1`, longer ones use tag 60+k-1 followed by `len-1` in k little-endian bytes.
 * Any conforming decoder must accept this (it is how incompressible data is stored).
 */
export function snappyEncodeLiteral(input: Buffer): Buffer {
  const parts: Buffer[] = [varint(BigInt(input.length))];
  const CHUNK = 65536;
  for (let off = 0; off < input.length; off += CHUNK) {
    const chunk = input.subarray(off, Math.min(off + CHUNK, input.length));
    const n = chunk.length - 1;
    if (n < 60) {
      parts.push(Buffer.from([n << 2]));
    } else if (n < 1 << 8) {
      parts.push(Buffer.from([60 << 2, n]));
    } else {
      parts.push(Buffer.from([61 << 2, n & 0xff, n >> 8]));
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** The request body Prometheus' `/api/v1/write` expects. */
export function remoteWriteBody(series: readonly RwTimeSeries[]): Buffer {
  return snappyEncodeLiteral(encodeWriteRequest(series));
}
