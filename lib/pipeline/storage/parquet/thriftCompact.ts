/**
 * Thrift compact protocol, write side only, for Parquet page headers and the file footer.
 * Fields are written in increasing id order by the caller; the writer keeps the last id of
 * each open struct for the delta-coded field headers.
 */
import { ByteSink } from "./byteSink.js";

export const TType = {
  True: 1,
  False: 2,
  Byte: 3,
  I16: 4,
  I32: 5,
  I64: 6,
  Double: 7,
  Binary: 8,
  List: 9,
  Struct: 12,
} as const;
export type TType = (typeof TType)[keyof typeof TType];

const utf8 = new TextEncoder();

export class CompactWriter {
  readonly out: ByteSink;
  private last = 0;
  private readonly stack: number[] = [];

  constructor(out = new ByteSink(256)) {
    this.out = out;
  }

  private header(id: number, type: TType): void {
    const delta = id - this.last;
    if (delta > 0 && delta <= 15) this.out.byte((delta << 4) | type);
    else {
      this.out.byte(type);
      this.out.zigzag(id);
    }
    this.last = id;
  }

  i32(id: number, v: number): this {
    this.header(id, TType.I32);
    this.out.zigzag(v);
    return this;
  }

  /** An i64 field from a double holding an integer with |v| ≤ 2^53. */
  i64(id: number, v: number): this {
    this.header(id, TType.I64);
    this.out.zigzag(v);
    return this;
  }

  bool(id: number, v: boolean): this {
    this.header(id, v ? TType.True : TType.False);
    return this;
  }

  binary(id: number, v: Uint8Array): this {
    this.header(id, TType.Binary);
    this.out.varint(v.length);
    this.out.bytesOf(v);
    return this;
  }

  string(id: number, v: string): this {
    return this.binary(id, utf8.encode(v));
  }

  /** Opens a struct-valued field; close it with `end()`. */
  struct(id: number): this {
    this.header(id, TType.Struct);
    return this.begin();
  }

  /** Opens a struct that is a list element (no field header). */
  begin(): this {
    this.stack.push(this.last);
    this.last = 0;
    return this;
  }

  end(): this {
    this.out.byte(0);
    this.last = this.stack.pop() ?? 0;
    return this;
  }

  /** A list field's header; the caller then writes `size` elements of `element` type. */
  list(id: number, element: TType, size: number): this {
    this.header(id, TType.List);
    if (size < 15) this.out.byte((size << 4) | element);
    else {
      this.out.byte(0xf0 | element);
      this.out.varint(size);
    }
    return this;
  }

  /** A list element of type i32. */
  elementI32(v: number): this {
    this.out.zigzag(v);
    return this;
  }

  /** A list element of type binary (string). */
  elementString(v: string): this {
    const bytes = utf8.encode(v);
    this.out.varint(bytes.length);
    this.out.bytesOf(bytes);
    return this;
  }

  bytes(): Uint8Array {
    return this.out.bytes();
  }
}
