#!/usr/bin/env bash
# Generates the revocation corpus (test/certs/crl/) with the `openssl` command: a root, an
# intermediate CA "TLS Lab CRL CA", leaves under it, and CRLs made by `openssl ca -gencrl` and
# converted by `openssl crl`. Dates are fixed so the files never go stale; the tests validate at
# 2026-11-25T12:00:00Z. Run from anywhere:  bash packages/engine/test/certs/make-crls.sh
#
#   root.pem            root CA (keyCertSign, cRLSign)
#   ca.pem              intermediate CA, issues the leaves and the CRLs below
#   nocrlsign-ca.pem    an intermediate whose keyUsage lacks cRLSign (issues nocrlsign-leaf)
#   revoked.pem         leaf the CA revoked (keyCompromise, 2026-03-01)
#   good.pem            leaf that is not revoked
#   held.pem            leaf on hold (certificateHold)
#   dp.pem              leaf with cRLDistributionPoints URI:http://crl.test/ca.crl (not revoked)
#   email.pem           client leaf, SAN email:Alice.Smith@Example.COM, subject emailAddress legacy@example.com
#   ca.crl / ca.crl.der current CRL of the CA (thisUpdate 2026-06-01, nextUpdate 2027-06-01), PEM and DER
#   ca-expired.crl      older CRL (2025-01-01 .. 2025-02-01): out of date at the test time
#   ca-future.crl       CRL issued 2027-01-01: not yet issued at the test time
#   ca-critical.crl     current CRL with an unknown critical extension (1.3.6.1.4.1.55555.1)
#   ca-delta.crl        a delta CRL (deltaCRLIndicator, critical)
#   impostor.crl        same issuer name as the CA, signed by another key (no AKI)
#   impostor-aki.crl    the same with that other key's authorityKeyIdentifier
#   other.crl           CRL of an unrelated CA ("TLS Lab Other CA") listing every serial the CA issued
#   root.crl            root's CRL revoking the intermediate CA (cACompromise)
#   root-empty.crl      root's CRL revoking nothing
#   nocrlsign.crl       CRL signed by nocrlsign-ca (whose key may not sign CRLs)
#   sha1.crl            current CRL of the CA signed with SHA-1
set -euo pipefail
cd "$(dirname "$0")"
CA_LIB="$(cd ../../scripts && pwd)/openssl-ca.sh"
OUT=crl
rm -rf "$OUT" && mkdir -p "$OUT" && cd "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/ext.cnf" <<'CNF'
[ root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ ca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ nocrlsign ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:crl.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ dpleaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:dp.crl.test
crlDistributionPoints = URI:http://crl.test/ca.crl
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ email ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = email:Alice.Smith@Example.COM
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ crl_aki ]
authorityKeyIdentifier = keyid:always
[ crl_critical ]
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.55555.1 = critical, ASN1:NULL
[ crl_delta ]
authorityKeyIdentifier = keyid:always
2.5.29.27 = critical, ASN1:INTEGER:1
CNF

# The shared `openssl ca` steps (ca_key, ca_csr, ca_db, ca_sign, ca_gencrl, ca_revoke, ...), and
# this corpus's shorthands: every database lives in $work/NAME with ext.cnf, every leaf is valid 2025..2035.
. "$CA_LIB"
cacnf() { ca_db "$work/$1" "$2" "$work/ext.cnf"; }
sign() { ca_sign "$work/$1" "$2" "$3" "$4" "$work/ext.cnf" "$5" 20250101000000Z 20350101000000Z "$6"; }
gencrl() { ca_gencrl "$work/$1" "${@:2}"; }
revoke() { ca_revoke "$work/$1" "${@:2}"; }
key() { ca_key "$1"; }
csr() { ca_csr "$@"; }

cacnf root 1000
key root.key
csr root.key "/O=TLS Lab Corpus/CN=TLS Lab CRL Root" "$work/root.csr"
ca_selfsign "$work/root" "$work/root.csr" root.key "$work/ext.cnf" root 20240101000000Z 20440101000000Z root.pem

key ca.key
csr ca.key "/O=TLS Lab Corpus/CN=TLS Lab CRL CA" "$work/ca.csr"
sign root "$work/ca.csr" root.pem root.key ca ca.pem
key nocrlsign-ca.key
csr nocrlsign-ca.key "/O=TLS Lab Corpus/CN=TLS Lab No-cRLSign CA" "$work/ncs.csr"
sign root "$work/ncs.csr" root.pem root.key nocrlsign nocrlsign-ca.pem

cacnf ca 2000
for n in revoked good held; do
  key "$n.key"; csr "$n.key" "/CN=$n.crl.test" "$work/$n.csr"
  sign ca "$work/$n.csr" ca.pem ca.key leaf "$n.pem"
done
key email.key; csr email.key "/O=TLS Lab Corpus/CN=Alice Smith/emailAddress=legacy@example.com" "$work/email.csr"
sign ca "$work/email.csr" ca.pem ca.key email email.pem
key dp.key; csr dp.key "/CN=dp.crl.test" "$work/dp.csr"
sign ca "$work/dp.csr" ca.pem ca.key dpleaf dp.pem
cacnf ncs 3000
key nocrlsign-leaf.key; csr nocrlsign-leaf.key "/CN=ncs.crl.test" "$work/ncs-leaf.csr"
sign ncs "$work/ncs-leaf.csr" nocrlsign-ca.pem nocrlsign-ca.key leaf nocrlsign-leaf.pem

revoke ca revoked.pem 260301000000Z keyCompromise 20260220000000Z
revoke ca held.pem 260315000000Z certificateHold

gencrl ca ca.pem ca.key 20260601000000Z 20270601000000Z ca.crl crl_aki
openssl crl -in ca.crl -outform DER -out ca.crl.der
gencrl ca ca.pem ca.key 20250101000000Z 20250201000000Z ca-expired.crl crl_aki
gencrl ca ca.pem ca.key 20270101000000Z 20280101000000Z ca-future.crl crl_aki
gencrl ca ca.pem ca.key 20260601000000Z 20270601000000Z ca-critical.crl crl_critical
gencrl ca ca.pem ca.key 20260601000000Z 20270601000000Z ca-delta.crl crl_delta
gencrl ca ca.pem ca.key 20260601000000Z 20270601000000Z sha1.crl crl_aki sha1

# An impostor: a CA with the same name as "TLS Lab CRL CA" but another key, and the same index.
key "$work/impostor.key"
csr "$work/impostor.key" "/O=TLS Lab Corpus/CN=TLS Lab CRL CA" "$work/imp.csr"
openssl x509 -req -in "$work/imp.csr" -signkey "$work/impostor.key" -days 3650 -out "$work/impostor.pem" 2>/dev/null
gencrl ca "$work/impostor.pem" "$work/impostor.key" 20260601000000Z 20270601000000Z impostor.crl
openssl x509 -req -in "$work/imp.csr" -signkey "$work/impostor.key" -days 3650 -extfile <(printf 'subjectKeyIdentifier=hash\n') -out "$work/impostor-ski.pem" 2>/dev/null
gencrl ca "$work/impostor-ski.pem" "$work/impostor.key" 20260601000000Z 20270601000000Z impostor-aki.crl crl_aki

# An unrelated CA whose CRL lists the same serial numbers.
cacnf other 2000
key "$work/other.key"
csr "$work/other.key" "/O=TLS Lab Corpus/CN=TLS Lab Other CA" "$work/other.csr"
openssl x509 -req -in "$work/other.csr" -signkey "$work/other.key" -days 3650 -extfile <(printf 'subjectKeyIdentifier=hash\n') -out "$work/other.pem" 2>/dev/null
awk 'BEGIN{FS=OFS="\t"} {$1="R"; $3="260301000000Z,keyCompromise"; print}' "$work/ca/index.txt" > "$work/other/index.txt"
gencrl other "$work/other.pem" "$work/other.key" 20260601000000Z 20270601000000Z other.crl crl_aki

gencrl root root.pem root.key 20260601000000Z 20270601000000Z root-empty.crl crl_aki
revoke root ca.pem 260401000000Z cACompromise
gencrl root root.pem root.key 20260601000000Z 20270601000000Z root.crl crl_aki
gencrl ncs nocrlsign-ca.pem nocrlsign-ca.key 20260601000000Z 20270601000000Z nocrlsign.crl crl_aki

rm -f ./*.key.tmp
# Sanity: what OpenSSL itself says (-crl_check_all checks every certificate of the path).
AT=$(date -d 2026-11-25T12:00:00Z +%s)
v() { printf '%-34s ' "$*"; openssl verify -attime "$AT" -crl_check_all -CAfile root.pem "$@" 2>&1 | grep -E 'OK$|^error' | head -1 || true; }
v -untrusted ca.pem -CRLfile ca.crl -CRLfile root-empty.crl revoked.pem
v -untrusted ca.pem -CRLfile ca.crl -CRLfile root-empty.crl good.pem
v -untrusted ca.pem -CRLfile ca-expired.crl -CRLfile root-empty.crl good.pem
v -untrusted ca.pem -CRLfile ca-critical.crl -CRLfile root-empty.crl good.pem
v -untrusted ca.pem -CRLfile impostor.crl -CRLfile root-empty.crl good.pem
v -untrusted ca.pem -CRLfile ca.crl -CRLfile root.crl good.pem
