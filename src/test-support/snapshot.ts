import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Every file under data/, models/ and outputs/predictions/ with its hash, plus every row of every table in runs.db. */
export function snapshotProject(home: string): string {
  const parts: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir).sort()) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else parts.push(`${p} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(join(home, 'data'));
  walk(join(home, 'models'));
  walk(join(home, 'outputs', 'predictions'));
  const dbPath = join(home, 'runs.db');
  if (existsSync(dbPath)) {
    const db = new Database(dbPath, { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[];
    for (const t of tables) parts.push(`${t.name}: ${JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all())}`);
    db.close();
  }
  return parts.join('\n');
}

export function integrityOk(home: string): boolean {
  const db = new Database(join(home, 'runs.db'), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) === 'ok';
  } finally {
    db.close();
  }
}
