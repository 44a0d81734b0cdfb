/** A heap snapshot that cannot be read: truncated, corrupt, or not a snapshot at all. */
export class SnapshotFormatError extends Error {
  /** Byte offset in the input where the problem was found. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'SnapshotFormatError';
    this.offset = offset;
  }
}
