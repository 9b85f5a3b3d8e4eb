// A minimal DER reader for the hot path of signature verification. Full ASN.1 decoding of a
// CMS with pkijs costs ~10–20 ms per message (mostly schema matching); receipts from one provider
// repeat the same certificates, so reading only the few fields needed and caching decoded
// certificates brings that to microseconds. Anything unexpected returns null and the caller falls
// back to the full pkijs decoder: this reader never decides validity on its own.

/** One TLV: its tag byte, and where header and value lie. */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first value byte. */
  valueStart: number;
  /** Offset after the last value byte. */
  end: number;
}

/** Reads the TLV at `at` within `b[..limit)`; null for long tags, indefinite or overlong lengths. */
export function readTlv(b: Uint8Array, at: number, limit: number): Tlv | null {
  if (at + 2 > limit) return null;
  const tag = b[at]!;
  if ((tag & 0x1f) === 0x1f) return null;
  let len = b[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i]!;
    p += n;
  }
  if (p + len > limit) return null;
  return { tag, start: at, valueStart: p, end: p + len };
}

/** The children of a constructed TLV; null when they do not tile its value exactly. */
export function children(b: Uint8Array, parent: Tlv): Tlv[] | null {
  const out: Tlv[] = [];
  for (let at = parent.valueStart; at < parent.end; ) {
    const t = readTlv(b, at, parent.end);
    if (!t) return null;
    out.push(t);
    at = t.end;
  }
  return out;
}

/** Decodes an OBJECT IDENTIFIER value to dotted form. */
export function oid(b: Uint8Array, t: Tlv): string {
  const parts: number[] = [];
  let v = 0;
  for (let i = t.valueStart; i < t.end; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** Decodes UTCTime (0x17) or GeneralizedTime (0x18) in the DER forms CMS uses; null otherwise. */
export function time(b: Uint8Array, t: Tlv): Date | null {
  const s = new TextDecoder('latin1').decode(b.subarray(t.valueStart, t.end));
  const m =
    t.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return null;
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900;
  const d = new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])),
  );
  return Number.isNaN(d.getTime()) ? null : d;
}
