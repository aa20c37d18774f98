#!/usr/bin/env bash
# Makes the sample certificates the app offers to paste (public/samples/), with the `openssl`
# command — not with TLS Lab's own generator — so the app checks certificates it did not make.
#
#   sample-root.pem        "TLS Lab Sample Root CA" (the app adds it as an extra trust anchor
#                          when a signed sample is chosen, so "valid" really chains to a root)
#   valid.pem/.key         leaf for server.tlslab.test + intermediate, valid for 10 years
#   expired.pem/.key       same names, validity 2020-01-01 .. 2021-01-01
#   wrong-host.pem/.key    valid, but for www.example.org only
#   self-signed.pem/.key   self-signed leaf for server.tlslab.test (no CA)
#   client-valid.pem/.key  mutual TLS: client certificate "alice" (clientAuth) + intermediate
#   client-expired.pem/.key  the same, validity 2020-01-01 .. 2021-01-01
#   client-self-signed.pem/.key  a self-signed client certificate (no CA)
#
# All keys are ECDSA P-256 (PKCS#8). Run from anywhere: bash app/scripts/make-samples.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../public/samples"
. "$here/../../packages/engine/scripts/openssl-ca.sh"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > ext.cnf <<'CNF'
[ root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:server.tlslab.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ wronghost ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:www.example.org
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = email:alice@tlslab.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ clientself ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
[ selfsigned ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:server.tlslab.test
subjectKeyIdentifier = hash
CNF

# One `openssl ca` database for every sample (packages/engine/scripts/openssl-ca.sh).
ca_db db 1000
key() { ca_key "$1"; }
csr() { ca_csr "$@"; }
sign() { # sign CSR ISSUER_CERT ISSUER_KEY EXT START END OUT
  ca_sign db "$1" "$2" "$3" ext.cnf "$4" "$5" "$6" "$7"
}
selfsign() { # selfsign CSR KEY EXT OUT: a self-signed certificate valid 2025..2035
  ca_selfsign db "$1" "$2" ext.cnf "$3" 20250101000000Z 20350101000000Z "$4"
}

# The root signs itself with fixed dates (2024..2044), so it is valid at any time the samples are.
key root.key
csr root.key "/O=TLS Lab samples/CN=TLS Lab Sample Root CA" root.csr
ca_selfsign db root.csr root.key ext.cnf root 20240101000000Z 20440101000000Z root.pem

key inter.key
csr inter.key "/O=TLS Lab samples/CN=TLS Lab Sample Intermediate CA" inter.csr
sign inter.csr root.pem root.key inter 20240101000000Z 20440101000000Z inter.pem

key valid.key
csr valid.key "/CN=server.tlslab.test" valid.csr
sign valid.csr inter.pem inter.key leaf 20250101000000Z 20350101000000Z valid.crt

key expired.key
csr expired.key "/CN=server.tlslab.test" expired.csr
sign expired.csr inter.pem inter.key leaf 20200101000000Z 20210101000000Z expired.crt

key wrong.key
csr wrong.key "/CN=www.example.org" wrong.csr
sign wrong.csr inter.pem inter.key wronghost 20250101000000Z 20350101000000Z wrong.crt

key self.key
csr self.key "/CN=server.tlslab.test" self.csr
selfsign self.csr self.key selfsigned self.crt

key client.key
csr client.key "/O=TLS Lab samples/CN=alice" client.csr
sign client.csr inter.pem inter.key client 20250101000000Z 20350101000000Z client.crt

key client-expired.key
csr client-expired.key "/O=TLS Lab samples/CN=alice" client-expired.csr
sign client-expired.csr inter.pem inter.key client 20200101000000Z 20210101000000Z client-expired.crt

key client-self.key
csr client-self.key "/CN=alice (self-signed)" client-self.csr
selfsign client-self.csr client-self.key clientself client-self.crt

cp root.pem "$out/sample-root.pem"
cat valid.crt inter.pem > "$out/valid.pem";        cp valid.key "$out/valid.key"
cat expired.crt inter.pem > "$out/expired.pem";    cp expired.key "$out/expired.key"
cat wrong.crt inter.pem > "$out/wrong-host.pem";   cp wrong.key "$out/wrong-host.key"
cp self.crt "$out/self-signed.pem";                cp self.key "$out/self-signed.key"
cat client.crt inter.pem > "$out/client-valid.pem";  cp client.key "$out/client-valid.key"
cat client-expired.crt inter.pem > "$out/client-expired.pem"; cp client-expired.key "$out/client-expired.key"
cp client-self.crt "$out/client-self-signed.pem";  cp client-self.key "$out/client-self-signed.key"

# Sanity: what OpenSSL itself says about each sample.
for f in valid expired wrong-host; do
  printf '%-12s ' "$f"
  openssl verify -x509_strict -purpose sslserver -verify_hostname server.tlslab.test -CAfile "$out/sample-root.pem" \
    -untrusted <(openssl crl2pkcs7 -nocrl -certfile "$out/$f.pem" | openssl pkcs7 -print_certs) "$out/$f.pem" 2>&1 | grep -E 'OK$|^error' | head -1 || true
done
for f in client-valid client-expired; do
  printf '%-14s ' "$f"
  openssl verify -x509_strict -purpose sslclient -CAfile "$out/sample-root.pem" \
    -untrusted <(openssl crl2pkcs7 -nocrl -certfile "$out/$f.pem" | openssl pkcs7 -print_certs) "$out/$f.pem" 2>&1 | grep -E 'OK$|^error' | head -1 || true
done
chmod 644 "$out"/*
