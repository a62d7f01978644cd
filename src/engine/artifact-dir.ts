import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import type { ArtifactBytes } from '../core/store/contract.js';
import { writeFileAtomic } from './project.js';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Artifacts in a directory the machines share (`--artifacts DIR`): `DIR/ab/abcdef…` named by the sha256 of
 * the bytes, so a file is written once, never changed, and any machine can check what it read. A file is
 * written whole to a hidden partial and renamed, so a reader never sees half of one; a write killed before
 * its registration commits leaves at most an unreferenced file, never a reference to a missing one.
 */
export class ArtifactDir implements ArtifactBytes {
  readonly display: string;

  private constructor(private readonly dir: string) {
    this.display = dir;
  }

  /** The directory must exist: a mistyped or unmounted share would otherwise fill a local folder no one else sees. */
  static open(dir: string): ArtifactDir {
    const path = resolve(dir);
    if (!existsSync(path)) throw new UserError('artifacts directory not found', { file: path }, 'mount the shared directory (or create it), then run the command again');
    if (!statSync(path).isDirectory()) throw new UserError('artifacts path is not a directory', { file: path });
    return new ArtifactDir(path);
  }

  /** The file of an artifact (it may not exist). */
  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new UserError(`not a sha256: ${JSON.stringify(sha256)}`);
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  put(sha256: string, bytes: Uint8Array): void {
    const path = this.pathOf(sha256);
    // Same name, same size: the same content (a different one would not have this sha256), already there.
    if (existsSync(path) && statSync(path).size === bytes.length) return;
    writeFileAtomic(path, bytes);
  }

  get(sha256: string): Uint8Array | null {
    const path = this.pathOf(sha256);
    if (!existsSync(path)) return null;
    const bytes = readFileSync(path);
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
      throw new UserError('artifact does not match its sha256 (changed or damaged since it was written)', { file: path }, 'restore the file, or register the model or dataset again');
    }
    return bytes;
  }
}
