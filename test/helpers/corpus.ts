// Locates the real-provider corpus (../shared/corpus or $PEC_CORPUS). It is read in place, never
// copied: the messages carry real names and addresses that are not ours to republish.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS_DIR = process.env.PEC_CORPUS ?? resolve(import.meta.dirname, '../../../shared/corpus');
export const HAVE_CORPUS = existsSync(join(CORPUS_DIR, 'EXPECTED.json'));

if (!HAVE_CORPUS) {
  // Loud on purpose: a silently skipped conformance suite looks green.
  console.warn(
    `\n*** pec-kit: real-provider corpus not found at ${CORPUS_DIR}: corpus tests are SKIPPED (set PEC_CORPUS) ***\n`,
  );
}

/** One ground-truth entry of EXPECTED.json (the fields the tests use). */
export interface Expected {
  file: string;
  kind: string;
  signatureStatus: string;
  signatureIntact: boolean | null;
  chainValidAtSigningTime: boolean | null;
  signingTime: string | null;
  signerEmail: string | null;
  signerSubject: string | null;
  signerIssuer: string | null;
  digestAlgorithm: string | null;
  daticertParseMode: string | null;
  hasPostacert: boolean;
  postacertMessageId: string | null;
  postacertAttachments:
    | { filename: string; contentType: string; disposition: string; size: number; sha256: string }[]
    | null;
  [field: string]: unknown;
}

export const EXPECTED: Expected[] = HAVE_CORPUS
  ? JSON.parse(readFileSync(join(CORPUS_DIR, 'EXPECTED.json'), 'utf8'))
  : [];

export function corpusBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS_DIR, file)));
}

/** The daticert field names shared by EXPECTED.json, the CLI JSON and the Daticert type. */
export const DATICERT_FIELDS = [
  'tipo',
  'errore',
  'mittente',
  'destinatari',
  'risposte',
  'oggetto',
  'gestoreEmittente',
  'data',
  'dataUtc',
  'identificativo',
  'msgid',
  'ricevutaTipo',
  'consegna',
  'ricezione',
  'erroreEsteso',
] as const;
