// The plain call at archive scale: `verifyPec(bytes)` in a loop, as the README shows, over the real
// receipt-size messages of the corpus (read from ../shared/corpus at bench time, never copied),
// against `createVerifier` and the raw floor of one receipt measured in the same run.
//
//   node --expose-gc bench/plain-call.mjs [--quick]     # this section alone (dist/ as it is)
//
// The floor is what verifying one receipt cannot avoid once its parts are known: the digest of the
// signed part (compared with messageDigest), one RSA verify of the signed attributes (key imported
// once) and the chain verdict from the cache. No parsing. Measured twice: with node:crypto
// (createHash, verify: what pec-kit itself uses in Node when no `crypto` is passed, so the floor
// the goal is judged against) and with WebCrypto (what a browser, or a caller's own `crypto`, pays).
import { createHash, createPublicKey, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CORPUS, dist, HAVE_CORPUS, median, pk } from './lib.mjs';

/** Real messages of 20 KB or less whose signature and chain are valid (receipts, small envelopes). */
export function corpusReceipts() {
  if (!HAVE_CORPUS) return [];
  const expected = JSON.parse(readFileSync(join(CORPUS, 'EXPECTED.json'), 'utf8'));
  return expected
    .filter((e) => e.bytes <= 20_000 && e.signatureStatus === 'intact' && e.chainValidAtSigningTime === true)
    .map((e) => ({ name: e.file, bytes: new Uint8Array(readFileSync(join(CORPUS, e.file))) }));
}

/** Messages per CPU-second and per wall-second of `fn` over `n` messages cycled, one at a time. */
async function rate(fn, list, n) {
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn(list[i % list.length], i);
  const wall = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { perCpu: n / (cpuMs / 1000), perWall: n / (wall / 1000), cpuUs: (cpuMs * 1000) / n };
}

/** Runs the section; returns Markdown lines and targets `{ what, goal, measured, met }`. */
export async function plainCallSection({ quick = false } = {}) {
  const md = [];
  const targets = [];
  const receipts = corpusReceipts();
  if (receipts.length === 0) {
    md.push('### The plain call', '', '_Skipped: no corpus at ../shared/corpus (or $PEC_CORPUS)._', '');
    return { md, targets };
  }
  const view = await dist('dist/cms/view.js');
  const { DIGESTS } = await dist('dist/cms/oids.js');
  const { NODE_HASHES } = await dist('dist/crypto.js');
  const { verifySignature } = await dist('dist/x509/signature.js');
  const { validateChain } = await dist('dist/trust/chain.js');
  const { loadTrustAnchors } = await dist('dist/trust/anchors.js');
  const { resolveLimits } = await dist('dist/limits.js');
  const { toCRLF } = await dist('dist/bytes.js');
  const subtle = globalThis.crypto.subtle;
  const anchors = loadTrustAnchors();
  const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  // The floor's inputs, found once per receipt (not timed): the bytes the digest matches (CRLF form
  // for a file stored with LF endings), the signer view, its certificate.
  const parts = [];
  for (const r of receipts) {
    const rep = await pk.verifyPec(r.bytes);
    if (!rep.valid) throw new Error(`${r.name} does not verify: ${JSON.stringify(rep.issues)}`);
    const pec = pk.parsePec(r.bytes);
    const v = view.signerView(pec.signature.der, resolveLimits());
    const hash = DIGESTS[v.digestOid].webcrypto;
    let signed = pec.signature.signed;
    if (!equal(new Uint8Array(await subtle.digest(hash, signed)), v.messageDigest)) signed = toCRLF(signed);
    parts.push({ signed, v, hash });
  }
  // The chain verdict (from the cache after the first call), in both floors.
  const trustedChain = async (x) => {
    const c = await validateChain({
      signer: x.v.signerCertificate,
      certificates: x.v.certificates,
      anchors,
      at: x.v.signingTime,
    });
    if (!c.trusted) throw new Error('chain not trusted');
  };
  const floorOne = async (x) => {
    const d = new Uint8Array(await subtle.digest(x.hash, x.signed));
    if (!equal(d, x.v.messageDigest)) throw new Error('digest mismatch');
    const ok = await verifySignature(
      globalThis.crypto,
      x.v.signerCertificate.publicKey,
      x.v.signatureAlgorithm,
      x.v.signature,
      x.v.signedAttrs,
      x.hash,
    );
    if (!ok) throw new Error('RSA verify failed');
    await trustedChain(x);
  };
  // rsaEncryption and sha1/256/384/512WithRSAEncryption: what the corpus receipts are signed with.
  const PKCS1 = new Set(['1', '5', '11', '12', '13'].map((n) => `1.2.840.113549.1.1.${n}`));
  for (const x of parts) {
    if (!PKCS1.has(x.v.signatureAlgorithm.oid)) throw new Error('the floor expects RSA PKCS#1 v1.5 receipts');
    x.nodeKey = createPublicKey({
      key: Buffer.from(x.v.signerCertificate.publicKey.der),
      format: 'der',
      type: 'spki',
    });
    x.nodeHash = NODE_HASHES[x.hash];
  }
  const floorNativeOne = async (x) => {
    const d = createHash(x.nodeHash).update(x.signed).digest();
    if (!equal(d, x.v.messageDigest)) throw new Error('digest mismatch');
    if (!nodeVerify(x.nodeHash, x.v.signedAttrs, x.nodeKey, x.v.signature))
      throw new Error('RSA verify failed');
    await trustedChain(x);
  };
  const check = (r) => {
    if (!r.valid) throw new Error('a receipt did not verify');
  };
  const same = {};
  const verifier = pk.createVerifier();
  const cases = {
    plain: (r) => pk.verifyPec(r.bytes).then(check),
    sameOptions: (r) => pk.verifyPec(r.bytes, same).then(check),
    createVerifier: (r) => verifier(r.bytes).then(check),
    floor: (x) => floorNativeOne(x),
    floorWeb: (x) => floorOne(x),
  };
  const N = quick ? 1_000 : 4_000;
  const runs = quick ? 1 : 3;
  const results = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const [k, fn] of Object.entries(cases)) await rate(fn, k.startsWith('floor') ? parts : receipts, 500); // warm-up
  // Interleaved rounds, so that load from other processes falls on every case alike.
  for (let i = 0; i < runs; i++)
    for (const [k, fn] of Object.entries(cases))
      results[k].push(await rate(fn, k.startsWith('floor') ? parts : receipts, N));
  const med = (k, key) => median(results[k].map((x) => x[key]));

  md.push(
    `### The plain call: \`verifyPec(bytes)\` in a loop over ${receipts.length} real receipt-size messages`,
  );
  md.push('');
  md.push(
    `${receipts.length} real messages of 20 KB or less from the corpus (signature and chain valid), ${N.toLocaleString('en')} verifications per case cycled over them, one at a time, ${runs} interleaved rounds (median). The floor: the digest of the signed part, one RSA verify (key imported once), the cached chain verdict; through node:crypto (what pec-kit uses in Node without a \`crypto\` option: the floor of the goal) and through WebCrypto (what a browser or a caller's own \`crypto\` pays).`,
  );
  md.push('');
  md.push('| | messages/s (wall) | messages per CPU-second (“per core”) | CPU per message | ÷ floor (CPU) |');
  md.push('| --- | ---: | ---: | ---: | ---: |');
  const floorUs = med('floor', 'cpuUs');
  for (const [k, label] of [
    ['plain', '`verifyPec(bytes)` (the README loop)'],
    ['sameOptions', '`verifyPec(bytes, sameOptions)`'],
    ['createVerifier', '`createVerifier()` then `verify(bytes)`'],
    ['floor', 'raw floor of one receipt, node:crypto'],
    ['floorWeb', 'raw floor of one receipt, WebCrypto'],
  ]) {
    md.push(
      `| ${label} | ${med(k, 'perWall').toFixed(0)} | ${med(k, 'perCpu').toFixed(0)} | ${med(k, 'cpuUs').toFixed(0)} µs | ${(med(k, 'cpuUs') / floorUs).toFixed(1)}× |`,
    );
  }
  md.push('');
  const perCore = med('plain', 'perCpu');
  const ratio = med('plain', 'cpuUs') / floorUs;
  const ratioWeb = med('plain', 'cpuUs') / med('floorWeb', 'cpuUs');
  targets.push({
    what: 'plain `verifyPec(bytes)` per core, real receipts',
    goal: '≥ 2,000 /s/core',
    measured: `${perCore.toFixed(0)} /s/core`,
    met: perCore >= 2000,
  });
  targets.push({
    what: 'plain `verifyPec(bytes)` vs the raw floor of one receipt (node:crypto)',
    goal: '≤ 3× the floor',
    measured: `${ratio.toFixed(1)}× (${med('plain', 'cpuUs').toFixed(0)} µs ÷ ${floorUs.toFixed(0)} µs)`,
    met: ratio <= 3,
  });
  targets.push({
    what: 'plain `verifyPec(bytes)` vs the WebCrypto floor (what a browser pays for the same checks)',
    goal: 'reported',
    measured: `${ratioWeb.toFixed(1)}× (÷ ${med('floorWeb', 'cpuUs').toFixed(0)} µs)`,
    met: ratioWeb <= 3,
  });
  targets.push({
    what: 'plain `verifyPec(bytes)` vs `createVerifier`',
    goal: 'as fast (≤ 1.1× its CPU)',
    measured: `${(med('plain', 'cpuUs') / med('createVerifier', 'cpuUs')).toFixed(2)}×`,
    met: med('plain', 'cpuUs') <= 1.1 * med('createVerifier', 'cpuUs'),
  });
  return { md, targets };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { md, targets } = await plainCallSection({ quick: process.argv.includes('--quick') });
  for (const t of targets)
    md.push(`- ${t.what}: ${t.measured} (goal ${t.goal}: ${t.met ? 'met' : 'not met'})`);
  process.stdout.write(`${md.join('\n')}\n`);
}
