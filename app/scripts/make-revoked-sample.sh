#!/usr/bin/env bash
# Makes the "Revoked" sample the app offers (public/samples/), with the `openssl` command:
#
#   revoked-root.pem   "TLS Lab Revocation Sample Root" (added as the extra trust anchor)
#   revoked.pem/.key   leaf for server.tlslab.test + its intermediate, valid 2025..2035
#   revoked.crl        two CRLs made by `openssl ca -gencrl` (thisUpdate 2025-06-01, nextUpdate
#                      2035-01-01): the intermediate's, where the leaf is revoked (keyCompromise,
#                      2025-05-01), and the root's, which revokes nothing (so the intermediate's
#                      status is known too)
#
# A CA of its own (not the other samples' root, whose key is not kept), so the other samples
# stay as they are. All keys are ECDSA P-256. Run from anywhere: bash app/scripts/make-revoked-sample.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../public/samples"
. "$here/../../packages/engine/scripts/openssl-ca.sh"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

cat > ext.cnf <<CNF
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
[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF
# The root's database, and the intermediate's own: the leaf is the only certificate it issued.
ca_db root 3000 ext.cnf
ca_db inter 4000 ext.cnf

ca_key root.key
ca_csr root.key "/O=TLS Lab samples/CN=TLS Lab Revocation Sample Root" root.csr
ca_selfsign root root.csr root.key "" root 20240101000000Z 20440101000000Z root.pem
ca_key inter.key
ca_csr inter.key "/O=TLS Lab samples/CN=TLS Lab Revocation Sample CA" inter.csr
ca_sign root inter.csr root.pem root.key "" inter 20240101000000Z 20440101000000Z inter.pem
ca_key leaf.key
ca_csr leaf.key "/CN=server.tlslab.test" leaf.csr
ca_sign inter leaf.csr inter.pem inter.key "" leaf 20250101000000Z 20350101000000Z leaf.pem
# Revoked on a fixed date.
ca_revoke inter leaf.pem 250501000000Z keyCompromise
ca_gencrl inter inter.pem inter.key 20250601000000Z 20350101000000Z leaf.crl crl_ext
ca_gencrl root root.pem root.key 20250601000000Z 20350101000000Z root.crl crl_ext

cp root.pem "$out/revoked-root.pem"
cat leaf.pem inter.pem > "$out/revoked.pem"; cp leaf.key "$out/revoked.key"
cat leaf.crl root.crl > "$out/revoked.crl"
chmod 644 "$out"/revoked*
printf 'revoked      '
openssl verify -crl_check_all -CRLfile "$out/revoked.crl" -CAfile "$out/revoked-root.pem" -untrusted inter.pem leaf.pem 2>&1 | grep -E 'OK$|^error' | head -1 || true
