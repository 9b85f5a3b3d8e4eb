# The Python `cryptography` oracle of test/differential-der.test.ts: reads a JSON list of
# {"name", "kind", "hex"} on stdin, prints {name: "accept" | "refuse: <why>"} on stdout.
# Loading is lazy in cryptography, so every field and extension is touched.
import json
import sys

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7


def touch_certificate(c):
    c.version
    c.serial_number
    c.not_valid_before
    c.not_valid_after
    c.issuer.rfc4514_string()
    c.subject.rfc4514_string()
    for e in c.extensions:
        e.value
    c.public_key()
    c.signature_algorithm_oid
    c.signature
    c.tbs_certificate_bytes


def touch_crl(crl):
    crl.issuer.rfc4514_string()
    crl.last_update
    crl.next_update
    for e in crl.extensions:
        e.value
    for r in crl:
        r.serial_number
        r.revocation_date
        for e in r.extensions:
            e.value
    crl.signature_algorithm_oid
    crl.signature
    crl.tbs_certlist_bytes


def check(kind, data):
    if kind == "certificate":
        touch_certificate(x509.load_der_x509_certificate(data))
    elif kind == "crl":
        touch_crl(x509.load_der_x509_crl(data))
    else:
        for c in pkcs7.load_der_pkcs7_certificates(data):
            touch_certificate(c)


out = {}
for case in json.load(sys.stdin):
    try:
        check(case["kind"], bytes.fromhex(case["hex"]))
        out[case["name"]] = "accept"
    except Exception as e:  # any refusal counts, whatever its class
        out[case["name"]] = "refuse: %s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")
print(json.dumps(out))
