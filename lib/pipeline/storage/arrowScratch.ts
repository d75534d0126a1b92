/**
 * Scratch memory for one Arrow IPC batch body at a time. The file writer builds a batch's
 * buffers, writes them synchronously, and never touches them again, so every batch can
 * reuse the same memory. That matters as it does for the Parquet encoder (parquet/scratch.ts):
 * a few fresh MB of typed arrays per batch count as external memory and drive V8 into full
 * collections over a heap that holds the generator's columns. One arena serves every file
 * writer of the thread (a body is built and written in one synchronous step), so its memory
 * is mapped once, not again for each file.
 */

const ALIGN = 8;

class ScratchArena {
  private buffer = new ArrayBuffer(1 << 16);
  private used = 0;

  /** Starts a new batch: everything handed out before may be reused. */
  reset(): void {
    this.used = 0;
  }

  /**
   * `bytes` zero-filled bytes at an 8-byte aligned offset, valid until the next reset. When
   * the arena is full a bigger one replaces it; views already handed out keep the old memory.
   */
  readonly allocate = (bytes: number): Uint8Array => {
    const start = (this.used + ALIGN - 1) & ~(ALIGN - 1);
    if (start + bytes > this.buffer.byteLength) {
      this.buffer = new ArrayBuffer(Math.max(bytes, 2 * this.buffer.byteLength));
      this.used = 0;
      return this.allocate(bytes);
    }
    this.used = start + bytes;
    return new Uint8Array(this.buffer, start, bytes).fill(0);
  };
}

/** The thread's arena: valid from one `reset` to the next, never across an await. */
export const scratchArena = new ScratchArena();
