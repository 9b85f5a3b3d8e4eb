// The MIME writer's public surface: header encoders (RFC 5322 folding, RFC 2047 words, addresses,
// RFC 2231 parameters), body encoders (quoted-printable; base64 lives in base64.ts), the entity
// tree writer and the S/MIME multipart/signed envelope. See stack-notes §1–2 for why it exists.
export {
  type Address,
  assertAddrSpec,
  formatAddress,
  formatAddressList,
  formatPhrase,
} from './encode-address.js';
export { formatDate } from './encode-date.js';
export { assertHeaderName, formatHeader, type HeaderList, writeHeaders } from './encode-header.js';
export {
  formatContentDisposition,
  formatContentType,
  formatParameter,
  type ParamInput,
  type ParamStyle,
} from './encode-params.js';
export { encodeQuotedPrintable, type QpOptions } from './encode-qp.js';
export {
  encodePhrase,
  encodeUnstructured,
  encodeWords,
  type HeaderTextOptions,
  type WordMode,
} from './encode-words.js';
export { writeEntity, writeMessage, writePart } from './write-entity.js';
export { defaultRandom, makeMessageId, type RandomSource, randomBoundary } from './write-random.js';
export { type MultipartSignedInput, writeMultipartSigned } from './write-signed.js';
export type {
  BinaryNode,
  Disposition,
  LeafCommon,
  MessageNode,
  MimeNode,
  MultipartNode,
  RawNode,
  TextNode,
  WriteOptions,
} from './write-types.js';
