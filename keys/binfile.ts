// The iden3 binary container used by .r1cs, .ptau and .zkey files:
//   magic (4 ASCII bytes) | version u32 | nSections u32 |
//   nSections x ( sectionId u32 | size u64 | data )
// All integers little-endian.

import { open, type FileHandle } from 'node:fs/promises';

const FILE_HEADER_BYTES = 12;
const SECTION_HEADER_BYTES = 12;

export class BinFileWriter {
  private pos = FILE_HEADER_BYTES;
  private sectionStart = -1;

  private constructor(private readonly fh: FileHandle) {}

  static async create(path: string, magic: string, nSections: number, version = 1): Promise<BinFileWriter> {
    const fh = await open(path, 'w');
    const header = Buffer.alloc(FILE_HEADER_BYTES);
    header.write(magic, 0, 4, 'ascii');
    header.writeUInt32LE(version, 4);
    header.writeUInt32LE(nSections, 8);
    await fh.write(header, 0, FILE_HEADER_BYTES, 0);
    return new BinFileWriter(fh);
  }

  /** Starts a section whose size is patched in by endSection(). */
  async beginSection(id: number): Promise<void> {
    if (this.sectionStart >= 0) throw new Error('binfile: previous section not ended');
    const header = Buffer.alloc(SECTION_HEADER_BYTES);
    header.writeUInt32LE(id, 0);
    await this.append(header);
    this.sectionStart = this.pos;
  }

  async append(data: Uint8Array): Promise<void> {
    await this.fh.write(data, 0, data.byteLength, this.pos);
    this.pos += data.byteLength;
  }

  async endSection(): Promise<void> {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(this.pos - this.sectionStart));
    await this.fh.write(size, 0, 8, this.sectionStart - 8);
    this.sectionStart = -1;
  }

  async writeSection(id: number, ...parts: Uint8Array[]): Promise<void> {
    await this.beginSection(id);
    for (const part of parts) await this.append(part);
    await this.endSection();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** Creates a container file, runs `body` on it and closes it even if `body` throws. */
export async function writeBinFile<T>(path: string, magic: string, nSections: number, body: (file: BinFileWriter) => Promise<T>): Promise<T> {
  const file = await BinFileWriter.create(path, magic, nSections);
  try {
    return await body(file);
  } finally {
    await file.close();
  }
}

export interface SectionRef {
  offset: number;
  size: number;
}

/** Random access to the sections of a container file without loading it whole. */
export class BinFileReader {
  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    readonly sections: Map<number, SectionRef[]>,
  ) {}

  static async open(path: string, magic: string): Promise<BinFileReader> {
    const fh = await open(path, 'r');
    try {
      const { size: fileSize } = await fh.stat();
      const header = await readExactly(fh, 0, FILE_HEADER_BYTES, path);
      if (header.toString('ascii', 0, 4) !== magic) throw new Error(`${path}: not a ${magic} file`);
      const nSections = header.readUInt32LE(8);
      const sections = new Map<number, SectionRef[]>();
      let pos = FILE_HEADER_BYTES;
      for (let i = 0; i < nSections; i++) {
        const sh = await readExactly(fh, pos, SECTION_HEADER_BYTES, path);
        const id = sh.readUInt32LE(0);
        const size = Number(sh.readBigUInt64LE(4));
        const offset = pos + SECTION_HEADER_BYTES;
        if (offset + size > fileSize) throw new Error(`${path}: section ${id} is truncated`);
        sections.set(id, [...(sections.get(id) ?? []), { offset, size }]);
        pos = offset + size;
      }
      return new BinFileReader(fh, path, sections);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  section(id: number): SectionRef {
    const refs = this.sections.get(id);
    if (!refs) throw new Error(`${this.path}: missing section ${id}`);
    if (refs.length !== 1) throw new Error(`${this.path}: section ${id} appears ${refs.length} times`);
    return refs[0];
  }

  async readSection(id: number): Promise<Buffer> {
    const { offset, size } = this.section(id);
    return readExactly(this.fh, offset, size, this.path);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

async function readExactly(fh: FileHandle, position: number, length: number, path: string): Promise<Buffer> {
  const buff = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buff, 0, length, position);
  if (bytesRead !== length) throw new Error(`${path}: unexpected end of file`);
  return buff;
}
