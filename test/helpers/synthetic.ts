// Synthetic, signed PEC messages for the hostile-input suites (malformed corpus, wrapping,
// properties, fuzz seeds). Built from the library's own writers and the test PKI, deterministic
// (fixed boundaries, fixed signing time, RSA PKCS#1 v1.5), CRLF throughout, and small: the shapes
// of real provider messages, none of their content.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Bytes, concat } from '../../src/bytes.js';
import { signDetached } from '../../src/cms/sign.js';
import { importSigner, type Signer } from '../../src/cms/signer.js';
import { buildDaticert } from '../../src/daticert/build.js';
import type { DaticertInput } from '../../src/daticert/schema.js';
import { encodeBase64Lines } from '../../src/mime/base64.js';
import { writeEntity, writeMultipartSigned } from '../../src/mime/write.js';
import type { MimeNode } from '../../src/mime/write-types.js';

export const PKI_DIR = resolve(import.meta.dirname, '../../fixtures/pki');
export const pkiPem = (name: string): string => readFileSync(resolve(PKI_DIR, name), 'utf8');

/** The trust anchors of the positive tests: the test root (the PEC CA travels in the CMS). */
export const TEST_TRUST = (): string[] => [pkiPem('root.cert.pem')];

/** The provider address in the test PKI's signer certificate. */
export const PROVIDER = 'posta-certificata@pec.example.it';
export const SENDER = 'mario.rossi@pec.example.it';
export const RECIPIENT = 'ufficio@pec.example.org';
/** When every synthetic message was signed (inside the test PKI's leaf validity). */
export const SIGNED_AT = new Date('2025-03-14T10:20:30Z');
export const IDENTIFICATIVO = 'opec-test.20250314112030.00001.01.1.1@pec.example.it';

export const enc = (s: string): Bytes => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
export const latin1 = (b: Uint8Array): string => new TextDecoder('latin1').decode(b);

let signerPromise: Promise<Signer> | undefined;
/** The test provider signer (cached). */
export function providerSigner(): Promise<Signer> {
  signerPromise ??= importSigner({
    certificate: pkiPem('provider.cert.pem'),
    privateKey: pkiPem('provider.key.pem'),
    chain: pkiPem('pec-ca.cert.pem'),
  });
  return signerPromise;
}

let forgerPromise: Promise<Signer> | undefined;
/**
 * A forger: a certificate with the provider's very name and address, issued by another root
 * (fixtures/pki untrusted.cert.pem). Its signatures are intact but never chain to the PEC anchors.
 */
export function forgerSigner(): Promise<Signer> {
  forgerPromise ??= importSigner({
    certificate: pkiPem('untrusted.cert.pem'),
    privateKey: pkiPem('untrusted.key.pem'),
  });
  return forgerPromise;
}

export type SyntheticKind = 'accettazione' | 'posta-certificata' | 'avvenuta-consegna';

export interface SyntheticOptions {
  kind?: SyntheticKind;
  /** Subject of the original message (the daticert oggetto). */
  oggetto?: string;
  /** Boundary of the signed multipart/mixed. */
  innerBoundary?: string;
  /** Boundary of the outer multipart/signed. */
  outerBoundary?: string;
  /** Replace or add top-level (unsigned) header fields. */
  headers?: [string, string][];
  /** Embed the PEC CA next to the signer certificate (default true). */
  withChain?: boolean;
  /** The readable text part (default: a one-line receipt text). */
  text?: string;
  /** daticert.xml bytes to sign instead of the built one (hostile XML). */
  daticertXml?: Uint8Array;
  /** Certificates to embed after the signer's (default: the PEC CA; see withChain). */
  chain?: Signer['chain'];
  /** Sign as someone else (e.g. {@link forgerSigner}); default the test provider. */
  signer?: Signer;
  /** daticert fields to change (a forged receipt). */
  daticert?: Partial<DaticertInput>;
  /** The From line of postacert.eml (default: the sender's address alone). */
  originalFrom?: string;
}

export interface Synthetic {
  /** The whole message. */
  bytes: Uint8Array;
  /** The exact signed entity (what the CMS covers). */
  signed: Uint8Array;
  /** The detached CMS (DER). */
  der: Uint8Array;
  /** The daticert.xml that was signed. */
  daticert: Uint8Array;
  outerBoundary: string;
  innerBoundary: string;
}

function daticertFor(kind: SyntheticKind, oggetto: string): DaticertInput {
  return {
    tipo: kind,
    errore: 'nessuno',
    mittente: SENDER,
    destinatari: [{ address: RECIPIENT, tipo: 'certificato' }],
    risposte: SENDER,
    oggetto,
    gestoreEmittente: 'EXAMPLE PEC S.p.A.',
    data: { giorno: '14/03/2025', ora: '11:20:30', zona: '+0100' },
    identificativo: IDENTIFICATIVO,
    msgid: '<client-1@mail.example.it>',
    ricevutaTipo: kind === 'avvenuta-consegna' ? 'completa' : null,
    consegna: kind === 'avvenuta-consegna' ? RECIPIENT : null,
    ricezione: [],
    erroreEsteso: null,
  };
}

function original(oggetto: string, from = SENDER): Uint8Array {
  return enc(
    [
      `From: ${from}`,
      `To: ${RECIPIENT}`,
      `Subject: ${oggetto}`,
      'Date: Fri, 14 Mar 2025 11:20:29 +0100',
      `Message-ID: <${IDENTIFICATIVO}>`,
      'X-Riferimento-Message-ID: <client-1@mail.example.it>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Buongiorno, in allegato nulla.',
      '',
    ].join('\r\n'),
  );
}

const SUBJECT_PREFIX: Record<SyntheticKind, string> = {
  accettazione: 'ACCETTAZIONE',
  'posta-certificata': 'POSTA CERTIFICATA',
  'avvenuta-consegna': 'CONSEGNA',
};

/** Signs `entity` as the test provider at {@link SIGNED_AT} (SHA-256, PKCS#1 v1.5: deterministic). */
export async function signEntity(entity: Uint8Array, signer?: Signer): Promise<Uint8Array> {
  return signDetached(entity, signer ?? (await providerSigner()), {
    digest: 'sha256',
    signingTime: SIGNED_AT,
  });
}

/** Builds and signs one synthetic PEC message of `kind` (default accettazione). */
export async function syntheticPec(options: SyntheticOptions = {}): Promise<Synthetic> {
  const kind = options.kind ?? 'accettazione';
  const oggetto = options.oggetto ?? 'Fattura 12/2025';
  const innerBoundary = options.innerBoundary ?? 'inner-boundary-0001';
  const outerBoundary = options.outerBoundary ?? 'outer-boundary-0001';
  const daticert =
    options.daticertXml ?? buildDaticert({ ...daticertFor(kind, oggetto), ...options.daticert });
  const parts: MimeNode[] = [
    {
      kind: 'text',
      text: options.text ?? `Ricevuta di ${kind}: il messaggio "${oggetto}" e' stato gestito.\n`,
      charset: 'us-ascii',
      disposition: 'inline',
    },
    {
      kind: 'binary',
      contentType: 'application/xml',
      body: daticert,
      filename: 'daticert.xml',
      disposition: 'inline',
    },
  ];
  if (kind !== 'accettazione')
    parts.push({
      kind: 'message',
      message: original(oggetto, options.originalFrom),
      filename: 'postacert.eml',
      disposition: 'inline',
    });
  const signed = writeEntity({
    kind: 'multipart',
    subtype: 'mixed',
    boundary: innerBoundary,
    headers: [['MIME-Version', '1.0']],
    parts,
  });
  const signer = options.signer ?? (await providerSigner());
  const chain = options.chain ?? (options.withChain === false ? [] : signer.chain);
  const der = await signEntity(signed, { ...signer, chain });
  const base: [string, string][] = [
    ['From', kind === 'posta-certificata' ? `"Per conto di: ${SENDER}" <${PROVIDER}>` : PROVIDER],
    ['To', RECIPIENT],
    ['Subject', `${SUBJECT_PREFIX[kind]}: ${oggetto}`],
    ['Date', 'Fri, 14 Mar 2025 11:20:30 +0100'],
    [
      'Message-ID',
      kind === 'posta-certificata' ? `<${IDENTIFICATIVO}>` : '<opec-test.receipt.1@pec.example.it>',
    ],
    kind === 'posta-certificata' ? ['X-Trasporto', 'posta-certificata'] : ['X-Ricevuta', kind],
    ['X-Riferimento-Message-ID', '<client-1@mail.example.it>'],
  ];
  const outerHeaders = [...base];
  for (const [name, value] of options.headers ?? []) {
    const i = outerHeaders.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (i >= 0) outerHeaders[i] = [name, value];
    else outerHeaders.push([name, value]);
  }
  const bytes = writeMultipartSigned({
    signedEntity: signed,
    signature: der,
    protocol: 'application/pkcs7-signature',
    micalg: 'sha-256',
    outerHeaders,
    boundary: outerBoundary,
  });
  return { bytes, signed, der, daticert, outerBoundary, innerBoundary };
}

// --- hand assembly: framings the writer refuses to produce ----------------------------------------

const CRLF = '\r\n';

/** DER → base64 at 76 columns with CRLF, as providers write smime.p7s. */
export const b64 = (der: Uint8Array): string => latin1(encodeBase64Lines(der));

/** Concatenates bytes and latin1 strings. */
export function cat(...parts: (Uint8Array | string)[]): Uint8Array {
  return concat(parts.map((p) => (typeof p === 'string' ? enc(p) : p)));
}

/** The top-level header block of a synthetic message without its Content-Type field. */
export function outerFields(s: Synthetic): string {
  const text = latin1(s.bytes);
  const head = text.slice(0, text.indexOf('\r\n\r\n') + 2);
  return head.replace(/^Content-Type:[^\r]*\r\n(?:[ \t][^\r]*\r\n)*/im, '');
}

/** A signature part (smime.p7s) with `body` as written. */
export function signaturePart(body: string, cte = 'base64', type = 'application/pkcs7-signature'): string {
  return (
    `Content-Type: ${type}; name="smime.p7s"${CRLF}` +
    `Content-Transfer-Encoding: ${cte}${CRLF}` +
    `Content-Disposition: attachment; filename="smime.p7s"${CRLF}${CRLF}${body}`
  );
}

export interface Assemble {
  fields: string;
  boundary: string;
  /** Content-Type parameter text after the protocol (default `boundary="…"`). */
  boundaryParam?: string;
  protocol?: string;
  parts: (Uint8Array | string)[];
  close?: boolean;
  /** Trailing whitespace after each delimiter (transport padding). */
  padding?: string;
}

/** A multipart/signed (or other) message assembled by hand, byte for byte. */
export function assemble(a: Assemble): Uint8Array {
  const protocol = a.protocol ?? 'application/pkcs7-signature';
  const param = a.boundaryParam ?? `boundary="${a.boundary}"`;
  const pad = a.padding ?? '';
  const out: (Uint8Array | string)[] = [
    a.fields,
    `Content-Type: multipart/signed; protocol="${protocol}";${CRLF} micalg=sha-256; ${param}${CRLF}${CRLF}`,
    `This is an S/MIME signed message${CRLF}`,
  ];
  for (const p of a.parts) out.push(`${CRLF}--${a.boundary}${pad}${CRLF}`, p);
  if (a.close ?? true) out.push(`${CRLF}--${a.boundary}--${pad}${CRLF}`);
  return cat(...out);
}

/** The same signed part and signature under another outer boundary (the writer refuses collisions). */
export function reframe(s: Synthetic, boundary: string): Uint8Array {
  return assemble({ fields: outerFields(s), boundary, parts: [s.signed, signaturePart(b64(s.der))] });
}
