#!/usr/bin/env bash
# Generates the certificate corpus with the `openssl` command (not with our own generator):
# valid chains (ECDSA, RSA, RSA-PSS, P-384, Ed25519, wildcard, IP SAN, long chain, CN-only,
# client) and one chain per failure kind. Each case's verdict is compared with `openssl verify`
# in test/pki-corpus.test.ts. Run from anywhere:  bash packages/engine/test/certs/make-corpus.sh
# The generated files are committed; ATTIME is the validation time (generation + 7 days).
set -euo pipefail
cd "$(dirname "$0")"
OUT=corpus
rm -rf "$OUT" && mkdir -p "$OUT" && cd "$OUT"
export OPENSSL_CONF=/dev/null

eckey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"${2:-P-256}" -out "$1.key" 2>/dev/null; }
rsakey() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"${2:-2048}" -out "$1.key" 2>/dev/null; }
edkey() { openssl genpkey -algorithm ED25519 -out "$1.key"; }

CA_EXT='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always'

# root NAME [EXTRA_EXT]: self-signed root CA
root() {
  printf '%s\n%s\n' "$CA_EXT" "${2:-}" | sed '/authorityKeyIdentifier/d' > "$1.ext"
  echo 'authorityKeyIdentifier=keyid:always' >> "$1.ext"
  openssl req -new -key "$1.key" -subj "/O=TLS Lab Corpus/CN=$1" -out "$1.csr"
  openssl x509 -req -in "$1.csr" -signkey "$1.key" -days 3650 -sha256 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

# issue NAME ISSUER DAYS EXT [DIGEST] [SIGOPT...]: certificate for NAME.key signed by ISSUER
issue() {
  local name=$1 issuer=$2 days=$3 ext=$4 digest=${5:--sha256}; shift 5 || shift $#
  printf '%s\n' "$ext" > "$name.ext"
  # A leaf's CN is a copy of its first DNS SAN (CABF BR §7.1.4.3), so the corpus is valid under webpki too.
  local cn; cn=$(printf '%s\n' "$ext" | sed -n 's/^subjectAltName=\(.*,\)\{0,1\}DNS:\([^,]*\).*/\2/p' | head -1)
  openssl req -new -key "$name.key" -subj "${SUBJ:-/O=TLS Lab Corpus/CN=${cn:-$name}}" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -CAcreateserial -days "$days" \
    "$digest" "$@" -extfile "$name.ext" -out "$name.pem" 2>&1 | grep -v "^Certificate request self-signature ok\|^subject=" >&2 || true
  [ -s "$name.pem" ] || { echo "failed to issue $name" >&2; exit 1; }
  rm -f "$name.csr" "$name.ext" "$issuer.srl"
}

leaf_ext() { # SAN [EKU] [KU]
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,%s\nextendedKeyUsage=%s\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\nsubjectAltName=%s\n' \
    "${3:-digitalSignature,keyEncipherment}" "${2:-serverAuth}" "$1"
}
ca_ext() { printf '%s\n%s\n' "$CA_EXT" "${1:-}"; }

# ---- The main PKI: root → inter → leaves
eckey root; root root
eckey inter; issue inter root 3000 "$(ca_ext)"

eckey valid-ecdsa;    issue valid-ecdsa inter 365 "$(leaf_ext DNS:valid.test)"
rsakey valid-rsa;     issue valid-rsa inter 365 "$(leaf_ext DNS:rsa.test)"
eckey valid-p384 P-384; issue valid-p384 inter 365 "$(leaf_ext DNS:p384.test)"
edkey valid-ed25519;  issue valid-ed25519 inter 365 "$(leaf_ext DNS:ed.test serverAuth digitalSignature)"
eckey valid-wildcard; issue valid-wildcard inter 365 "$(leaf_ext 'DNS:*.wild.test')"
eckey valid-ip;       issue valid-ip inter 365 "$(leaf_ext 'IP:127.0.0.1,IP:::1,DNS:localhost')"
SUBJ='/O=TLS Lab Corpus/CN=cn-only.test' eckey valid-cn-only
SUBJ='/O=TLS Lab Corpus/CN=cn-only.test' issue valid-cn-only inter 365 "$(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n')"
eckey valid-client;   issue valid-client inter 365 "$(leaf_ext DNS:client.test clientAuth digitalSignature)"

# RSA root and an RSA-PSS signed leaf
rsakey rsaroot; root rsaroot
eckey valid-pss; issue valid-pss rsaroot 365 "$(leaf_ext DNS:pss.test)" -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
eckey valid-pss384; issue valid-pss384 rsaroot 365 "$(leaf_ext DNS:pss.test)" -sha384 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:48
rsakey valid-rsa-sha384; issue valid-rsa-sha384 rsaroot 365 "$(leaf_ext DNS:rsa384.test)" -sha384
eckey valid-rsa-sha512; issue valid-rsa-sha512 rsaroot 365 "$(leaf_ext DNS:rsa512.test)" -sha512
eckey md5-signed; issue md5-signed rsaroot 365 "$(leaf_ext DNS:md5.test)" -md5

# Long chain: root → l1 → l2 → l3 → leaf
eckey l1; issue l1 root 3000 "$(ca_ext)"
eckey l2; issue l2 l1 3000 "$(ca_ext)"
eckey l3; issue l3 l2 3000 "$(ca_ext)"
eckey valid-long; issue valid-long l3 365 "$(leaf_ext DNS:long.test)"

# ---- Failures
eckey expired;      issue expired inter 1 "$(leaf_ext DNS:expired.test)"
eckey wrong-host;   issue wrong-host inter 365 "$(leaf_ext DNS:right.test)"
eckey cn-ignored
SUBJ='/O=TLS Lab Corpus/CN=cn.test' issue cn-ignored inter 365 "$(leaf_ext DNS:other.test)"
eckey wildcard-deep; issue wildcard-deep inter 365 "$(leaf_ext 'DNS:*.wild.test')"
eckey ip-mismatch;  issue ip-mismatch inter 365 "$(leaf_ext 'IP:127.0.0.2,DNS:127.0.0.1')"
eckey bad-eku;      issue bad-eku inter 365 "$(leaf_ext DNS:eku.test clientAuth)"
eckey bad-ku;       issue bad-ku inter 365 "$(leaf_ext DNS:ku.test serverAuth nonRepudiation)"
eckey unknown-critical
issue unknown-critical inter 365 "$(leaf_ext DNS:crit.test; echo '1.3.6.1.4.1.55555.1=critical,ASN1:UTF8String:must understand')"
eckey sha1-signed;  issue sha1-signed inter 365 "$(leaf_ext DNS:sha1.test)" -sha1
rsakey rsa1024 1024; issue rsa1024 inter 365 "$(leaf_ext DNS:weak.test)"
eckey missing-intermediate; issue missing-intermediate inter 365 "$(leaf_ext DNS:missing.test)"

# Self-signed leaf
eckey self-signed
openssl req -x509 -new -key self-signed.key -subj "/O=TLS Lab Corpus/CN=self.test" -days 365 -sha256 \
  -addext "subjectAltName=DNS:self.test" -addext "extendedKeyUsage=serverAuth" -out self-signed.pem 2>/dev/null

# Untrusted root: a second root that is not in the trust file
eckey otherroot; root otherroot
eckey otherinter; issue otherinter otherroot 3000 "$(ca_ext)"
eckey untrusted-root; issue untrusted-root otherinter 365 "$(leaf_ext DNS:untrusted.test)"

# Bad signature: an impostor CA with the intermediate's name and key identifier but another key
# signs the leaf; verifiers find the real intermediate, whose key does not verify the signature.
eckey impostor
INTER_SKI=$(openssl x509 -in inter.pem -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :')
SUBJ='/O=TLS Lab Corpus/CN=inter' issue impostor root 3000 "$(printf '%s\n' "$CA_EXT" | sed "s/subjectKeyIdentifier=hash/subjectKeyIdentifier=$INTER_SKI/")"
eckey bad-signature; issue bad-signature impostor 365 "$(leaf_ext DNS:badsig.test)"

# Intermediate that is not a CA (CA:FALSE) issuing a leaf
eckey notca; issue notca root 3000 "$(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n')"
eckey not-ca-issuer; issue not-ca-issuer notca 365 "$(leaf_ext DNS:notca.test)"

# Intermediate whose keyUsage lacks keyCertSign
eckey nocertsign; issue nocertsign root 3000 "$(printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n')"
eckey no-keycertsign; issue no-keycertsign nocertsign 365 "$(leaf_ext DNS:nocertsign.test)"

# pathLenConstraint exceeded: root → p0 (pathlen:0) → p1 → leaf
eckey p0; issue p0 root 3000 "$(printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n')"
eckey p1; issue p1 p0 3000 "$(ca_ext)"
eckey path-length; issue path-length p1 365 "$(leaf_ext DNS:pathlen.test)"

# Name constraints: permitted allowed.test, excluded bad.allowed.test
eckey nc; issue nc root 3000 "$(ca_ext 'nameConstraints=critical,permitted;DNS:allowed.test,excluded;DNS:bad.allowed.test')"
eckey valid-name-constraints; issue valid-name-constraints nc 365 "$(leaf_ext DNS:www.allowed.test)"
eckey nc-permitted; issue nc-permitted nc 365 "$(leaf_ext DNS:www.elsewhere.test)"
eckey nc-excluded;  issue nc-excluded nc 365 "$(leaf_ext DNS:x.bad.allowed.test)"

# Expired intermediate
eckey shortinter; issue shortinter root 1 "$(ca_ext)"
eckey expired-intermediate; issue expired-intermediate shortinter 365 "$(leaf_ext DNS:expinter.test)"

rm -f ./*.srl
# Only the private keys of leaves are useful to keep (for handshake tests); CA keys too, small.
echo $(( $(date +%s) + 7 * 24 * 3600 )) > ATTIME
echo "corpus written to $(pwd)"
