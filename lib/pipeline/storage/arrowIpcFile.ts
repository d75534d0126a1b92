/**
 * The Arrow IPC *file* format written message by message, so that record batches can go
 * out as they fill and each dictionary batch can follow the record batches that use it:
 * the file format only asks that a dictionary be somewhere in the file (readers find
 * every block through the footer), and apache-arrow's RecordBatchFileWriter cannot lay
 * that out. Layout: `ARROW1` + padding, the schema message, record and dictionary batch
 * messages, end-of-stream, the footer (schema and block offsets), its length, `ARROW1`.
 *
 * Each message is encapsulated: continuation 0xFFFFFFFF, the metadata length, the
 * flatbuffer `Message` padded to 8 bytes, then the body, every buffer 8-byte aligned.
 * The flatbuffers come from apache-arrow's own metadata encoders (the `ipc/metadata`
 * sub-paths of the package), so no flatbuffer bytes are written by hand and no new
 * dependency is needed. The file's sha256 is taken from the bytes as they are written.
 */

import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, writevSync } from "node:fs";
import * as arrow from "apache-arrow";
import { FileBlock, Footer } from "apache-arrow/ipc/metadata/file";
import {
  BufferRegion,
  DictionaryBatch,
  FieldNode,
  Message,
  RecordBatch as RecordBatchHeader,
} from "apache-arrow/ipc/metadata/message";

/** One batch's body: a node (length, null count) per field and its buffers, in IPC order. */
export interface BatchBody {
  length: number;
  nodes: readonly { length: number; nullCount: number }[];
  /** Every buffer of every node in order (an absent validity bitmap is an empty buffer). */
  buffers: readonly ArrayBufferView[];
}

const MAGIC = new TextEncoder().encode("ARROW1");
const ZEROS = new Uint8Array(8);
const EMPTY = new Uint8Array(0);

function padding(bytes: number): number {
  return (8 - (bytes & 7)) & 7;
}

function asBytes(view: ArrayBufferView): Uint8Array {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

export class ArrowIpcFileWriter {
  private readonly fd: number;
  private readonly hash: Hash = createHash("sha256");
  private readonly recordBlocks: FileBlock[] = [];
  private readonly dictionaryBlocks: FileBlock[] = [];
  private position = 0;
  private closed = false;
  private digest = "";

  constructor(
    path: string,
    private readonly schema: arrow.Schema,
  ) {
    this.fd = openSync(path, "w");
    this.write([MAGIC, ZEROS.subarray(0, 2)]);
    this.writeMessage(Message.from(schema), null, []);
  }

  writeRecordBatch(body: BatchBody): void {
    const { header, buffers, bodyLength } = this.layout(body);
    this.writeMessage(Message.from(header, bodyLength), this.recordBlocks, buffers);
  }

  /** The dictionary with this id, as a batch of one field (non-delta: one per id per file). */
  writeDictionaryBatch(id: number, body: BatchBody): void {
    const { header, buffers, bodyLength } = this.layout(body);
    this.writeMessage(
      Message.from(new DictionaryBatch(header, id), bodyLength),
      this.dictionaryBlocks,
      buffers,
    );
  }

  /** Writes end-of-stream and the footer and closes the file; the file's size in bytes. */
  finish(): number {
    const footer = Footer.encode(
      new Footer(this.schema, arrow.MetadataVersion.V5, this.recordBlocks, this.dictionaryBlocks),
    );
    this.write([
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]),
      footer,
      int32(footer.byteLength),
      MAGIC,
    ]);
    this.close();
    this.digest = this.hash.digest("hex");
    return this.position;
  }

  /** sha256 (hex) of the whole file, once finished. */
  get sha256(): string {
    return this.digest;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  /** Buffer regions at 8-byte aligned offsets, and the body's chunks with their padding. */
  private layout(body: BatchBody) {
    const regions: BufferRegion[] = [];
    const buffers: Uint8Array[] = [];
    let offset = 0;
    for (const view of body.buffers) {
      const bytes = asBytes(view);
      regions.push(new BufferRegion(offset, bytes.byteLength));
      const pad = padding(bytes.byteLength);
      if (bytes.byteLength > 0) buffers.push(bytes);
      if (pad > 0) buffers.push(ZEROS.subarray(0, pad));
      offset += bytes.byteLength + pad;
    }
    const nodes = body.nodes.map((n) => new FieldNode(n.length, n.nullCount));
    const header = new RecordBatchHeader(body.length, nodes, regions, null);
    return { header, buffers, bodyLength: offset };
  }

  private writeMessage(message: Message, blocks: FileBlock[] | null, body: Uint8Array[]): void {
    const metadata = Message.encode(message);
    const pad = padding(metadata.byteLength);
    // the block's metadata length covers the 8-byte prefix, the flatbuffer and its padding
    const metadataLength = 8 + metadata.byteLength + pad;
    blocks?.push(new FileBlock(metadataLength, message.bodyLength, this.position));
    const prefix = new Int32Array([-1, metadata.byteLength + pad]);
    this.write([asBytes(prefix), metadata, pad > 0 ? ZEROS.subarray(0, pad) : EMPTY, ...body]);
  }

  private write(chunks: Uint8Array[]): void {
    let bytes = 0;
    for (const chunk of chunks) {
      this.hash.update(chunk);
      bytes += chunk.byteLength;
    }
    let written = writevSync(this.fd, chunks);
    // writev may write less than asked (large bodies, signals): finish chunk by chunk
    if (written < bytes) {
      for (const chunk of chunks) {
        if (written >= chunk.byteLength) {
          written -= chunk.byteLength;
          continue;
        }
        let at = written;
        written = 0;
        while (at < chunk.byteLength) at += writevSync(this.fd, [chunk.subarray(at)]);
      }
    }
    this.position += bytes;
  }
}

function int32(value: number): Uint8Array {
  return asBytes(new Int32Array([value]));
}
