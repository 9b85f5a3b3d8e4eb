// One changed byte inside the signed daticert.xml of a PEC message (a letter of its base64): the
// tampered copy of the tests. No Node APIs: the browser conformance page uses it too.

/** The message with one byte of the signed daticert changed. */
export function tamper(message: Uint8Array): Uint8Array {
  let text = '';
  for (const b of message) text += String.fromCharCode(b);
  const part = text.indexOf('filename="daticert.xml"');
  if (part < 0) throw new Error('no daticert.xml part to tamper with');
  const pos = text.indexOf('\r\n\r\n', part) + 10;
  const out = message.slice();
  out[pos] = out[pos] === 0x41 ? 0x42 : 0x41;
  return out;
}
