import { createCipheriv } from 'node:crypto';
/**
 * Access to the shared DSMR fixtures (../shared/fixtures/dsmr beside the
 * repository, as CI clones it) and a seeded PRNG for the stream tests.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** shared/ sits beside the checkout: one level up for the main one, two for a worktree under wt/. */
export const FIXTURE_DIR = ((): string => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = ['../../..', '../../../..'].map((up) =>
    path.resolve(here, up, 'shared/fixtures/dsmr'),
  );
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0]!;
})();

export function fixturePath(name: string): string {
  return path.join(FIXTURE_DIR, name);
}

export function fixture(name: string): Buffer {
  return readFileSync(fixturePath(name));
}

/** Every telegram fixture (`*.txt`), sorted. */
export function telegramFixtures(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort();
}

/** Telegram fixtures whose source carries a `*.expected.json`. */
export function expectedFixtures(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.expected.json'))
    .map((f) => f.replace(/\.expected\.json$/, '.txt'))
    .sort();
}

export function expectedFor(txt: string): ExpectedFile {
  return JSON.parse(
    readFileSync(fixturePath(txt.replace(/\.txt$/, '.expected.json')), 'utf8'),
  ) as ExpectedFile;
}

export interface ExpectedFile {
  fixture: string;
  header: string;
  crc: string | null;
  crc_valid: boolean;
  objects: Record<string, Record<string, unknown>>;
  smartmeter2mqtt_dsmr_message?: Record<string, unknown>;
}

/** Fixtures that are not one good telegram, per the fixture README. */
export const NEGATIVE = {
  badCrc: 'dsmr-reader-negative-bad-crc.txt',
  futureTimestamp: 'dsmr-reader-negative-future-timestamp.txt',
  truncatedStart: 'dsmr-reader-negative-truncated-start.txt',
  truncatedThenFull: 'dsmr-reader-negative-truncated-then-full.txt',
} as const;

/** Fixtures whose printed CRC does not match their bytes (fixture README). */
export const WRONG_CRC = new Set([
  'dsmr-spec-v4.2.2-example.txt',
  'dsmr-spec-v5.0.2-example.txt',
  'dsmr-reader-negative-bad-crc.txt',
  'openhab-5l-smarty-long.txt',
  'smartmeter-obis-dsmr40-spec-variant.txt',
  // plaintext of the smartmeter2mqtt encrypted example: bare LF line ends, CRC computed over CRLF
  'smartmeter2mqtt-encrypted-example.decrypted.txt',
]);

/** Fixtures without CRC (DSMR 2.2/3, Q3D, ACE4000). */
export const NO_CRC = new Set([
  'dsmr_parser-v2.2-iskra-mt382.txt',
  'dsmr_parser-v3-iskra-mt382.txt',
  'dsmr-reader-dsmr3-iskra-mt382.txt',
  'dsmr_parser-q3d-easymeter-esy5q3db1024.txt',
  'dsmr_parser-q3d-easymeter-esy5q3da1004.txt',
  'openhab-ace4000-gprs.txt',
  'openhab-dsmr22-landisgyr-e350.txt',
  'dsmr-spec-v3.0-example.txt',
]);

/** mulberry32: small, seeded, good enough to pick split points reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Number of COSEM object lines in a telegram, counted the simple way (a line
 * that starts with an id and has a '('), to check that the parser keeps
 * every object. Continuation lines `(...)` and wrapped halves do not count.
 */
export function countObjectLines(bytes: Buffer): number {
  const text = bytes.toString('latin1');
  const body = text.slice(text.indexOf('/'), text.lastIndexOf('!'));
  return body.split(/\r?\n/).filter((l) => /^\d[\d.:*-]*\(/.test(l)).length;
}

/**
 * An encrypted frame as a Luxembourg or Austrian meter sends it
 * (DB 08 <system title> 82 LLLL 30 <frame counter> <ciphertext> <12-byte tag}),
 * built independently of the code under test so round trips prove something.
 */
export function encryptFrame(
  plain: Buffer,
  opts: { key: Buffer; aad: Buffer; frameCounter: number; title?: Buffer },
): Buffer {
  const title = opts.title ?? Buffer.from('5341476770000001', 'hex');
  const fc = Buffer.alloc(4);
  fc.writeUInt32BE(opts.frameCounter);
  const cipher = createCipheriv('aes-128-gcm', opts.key, Buffer.concat([title, fc]), {
    authTagLength: 12,
  });
  cipher.setAAD(opts.aad);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(1 + 4 + ct.length + 12);
  return Buffer.concat([
    Buffer.of(0xdb, 0x08),
    title,
    Buffer.of(0x82),
    len,
    Buffer.of(0x30),
    fc,
    ct,
    cipher.getAuthTag(),
  ]);
}
