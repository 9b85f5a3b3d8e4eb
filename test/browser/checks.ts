// The browser conformance checks, by name: the page (conformance.ts) runs them, the vitest test
// (test/browser.test.ts) asserts each one. Plain data so both sides can import it.
export const CHECKS = [
  'bundle loads without Node built-ins (the whole public API is there)',
  'sign: importSigner + signDetached, then verifyDetached says intact',
  'build: a sample transaction (envelope, acceptance, breve delivery) signed in the page',
  'daticert: buildDaticert / parseDaticert round trip',
  'parse: envelope kind, signed daticert fields, original message and attachment',
  'parse: the lazy display parse (postal-mime chunk) of the original message',
  'parse: raw 8-bit header bytes are read one byte per char (0x80–0x9f included)',
  'verify: the envelope is valid with the test PKI root as the only anchor',
  'verify: acceptance and breve delivery receipts are valid',
  'trust: the test-PKI message is untrusted under the embedded PEC anchors',
  'trust: a real corpus message is valid under the embedded anchors (signing time)',
  'trust: a real corpus message stored with LF endings verifies (CRLF canonicalised)',
  'breve: every .hash of the receipt matches the original',
  'breve: a changed attachment is reported as differing',
  'correlate: the receipts answer the sent message',
  'tamper: one changed byte in the signed daticert makes the message invalid',
  'tamper: a forged unsigned header is reported, the signature stays intact',
  'formatReport: Italian report of a valid message',
] as const;

export type CheckName = (typeof CHECKS)[number];

/** What the page reports for one check. */
export interface CheckResult {
  name: CheckName;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
}

/** The data the test hands the page (fixtures.json). */
export interface PageFixtures {
  pki: {
    root: string;
    pecCa: string;
    provider: { cert: string; key: string };
    provider2: { cert: string; key: string };
  };
  /** Real provider messages (base64), read in place from the corpus; empty without it. */
  corpus: {
    file: string;
    base64: string;
    eol: string;
    kind: string;
    signerEmail: string;
    signingTime: string;
  }[];
}
