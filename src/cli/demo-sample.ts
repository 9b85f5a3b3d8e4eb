// The bundled sample original of `pec-kit demo`: a synthetic message (made-up people and
// domains) a mail client would submit. The packaged CLI ships only dist/, so the sample lives here
// as a constant; fixtures/samples/demo-original.eml holds the same text (a test keeps them equal).

/** The demo's original message (LF line breaks; the builders make them CRLF). */
export const DEMO_ORIGINAL = `From: Mario Rossi <mario.rossi@pec.example.it>
To: Ufficio Protocollo <protocollo@pec.example.org>, tributi@pec.example.org
Cc: archivio@pec.example.it
Subject: =?UTF-8?Q?Trasmissione_fattura_n._12/2025_=E2=80=93_cos=C3=AC_come_concordato?=
Date: Tue, 14 Jan 2025 10:15:00 +0100
Message-ID: <20250114101500.4f2a9c@client.example.it>
X-TipoRicevuta: breve
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="=_sample_boundary_7f3a"

This is a multi-part message in MIME format.

--=_sample_boundary_7f3a
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Buongiorno,

in allegato la fattura n. 12/2025 e il relativo file XML, cos=C3=AC come
concordato.

Cordiali saluti,
Mario Rossi

--=_sample_boundary_7f3a
Content-Type: application/pdf; name="fattura-12-2025.pdf"
Content-Disposition: attachment; filename="fattura-12-2025.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKMSAwIG9iaiA8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4gZW5kb2Jq
CjIgMCBvYmogPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFtdIC9Db3VudCAwID4+IGVuZG9iagp0cmFp
bGVyIDw8IC9Sb290IDEgMCBSID4+CiUlRU9GCg==

--=_sample_boundary_7f3a
Content-Type: text/xml; charset=utf-8; name="IT01234567890_00012.xml"
Content-Disposition: attachment; filename="IT01234567890_00012.xml"
Content-Transfer-Encoding: quoted-printable

<?xml version=3D"1.0" encoding=3D"UTF-8"?>
<FatturaElettronica versione=3D"FPR12">
  <Numero>12</Numero>
  <Data>2025-01-14</Data>
  <ImportoTotaleDocumento>1220.00</ImportoTotaleDocumento>
</FatturaElettronica>

--=_sample_boundary_7f3a--
`;

/** The demo's failure: one recipient's mailbox does not exist. */
export const DEMO_FAILURES: ReadonlyMap<string, 'no-dest'> = new Map([
  ['tributi@pec.example.org', 'no-dest'],
]);
