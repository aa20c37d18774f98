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
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
export OPENSSL_CONF=/dev/null

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
touch index.txt
echo 3000 > serial
echo 01 > crlnumber
cat > ca.cnf <<CNF
[ ca ]
default_ca = sample
[ sample ]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
crlnumber = crlnumber
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
organizationName = optional
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

key root.key
openssl req -new -key root.key -subj "/O=TLS Lab samples/CN=TLS Lab Revocation Sample Root" -out root.csr
openssl ca -batch -preserveDN -selfsign -config ca.cnf -in root.csr -keyfile root.key -extensions root \
  -startdate 20240101000000Z -enddate 20440101000000Z -notext -out root.pem 2>/dev/null
key inter.key
openssl req -new -key inter.key -subj "/O=TLS Lab samples/CN=TLS Lab Revocation Sample CA" -out inter.csr
openssl ca -batch -preserveDN -config ca.cnf -in inter.csr -cert root.pem -keyfile root.key -extensions inter \
  -startdate 20240101000000Z -enddate 20440101000000Z -notext -out inter.pem 2>/dev/null
# The intermediate's own database: the leaf is the only certificate it issued.
mkdir db && touch db/index.txt && echo 4000 > db/serial && echo 01 > db/crlnumber
sed -e 's#^dir = .#dir = db#' -e 's#^database = index.txt#database = db/index.txt#' -e 's#^serial = serial#serial = db/serial#' \
  -e 's#^crlnumber = crlnumber#crlnumber = db/crlnumber#' -e 's#^new_certs_dir = .#new_certs_dir = db#' ca.cnf > inter.cnf
key leaf.key
openssl req -new -key leaf.key -subj "/CN=server.tlslab.test" -out leaf.csr
openssl ca -batch -preserveDN -config inter.cnf -in leaf.csr -cert inter.pem -keyfile inter.key -extensions leaf \
  -startdate 20250101000000Z -enddate 20350101000000Z -notext -out leaf.pem 2>/dev/null
# Revoked on a fixed date (index.txt written by hand: openssl ca -revoke would use today).
awk 'BEGIN{FS=OFS="\t"} {$1="R"; $3="250501000000Z,keyCompromise"; print}' db/index.txt > db/index.new && mv db/index.new db/index.txt
openssl ca -gencrl -config inter.cnf -cert inter.pem -keyfile inter.key -crlexts crl_ext \
  -crl_lastupdate 20250601000000Z -crl_nextupdate 20350101000000Z -out leaf.crl 2>/dev/null

openssl ca -gencrl -config ca.cnf -cert root.pem -keyfile root.key -crlexts crl_ext \
  -crl_lastupdate 20250601000000Z -crl_nextupdate 20350101000000Z -out root.crl 2>/dev/null

cp root.pem "$out/revoked-root.pem"
cat leaf.pem inter.pem > "$out/revoked.pem"; cp leaf.key "$out/revoked.key"
cat leaf.crl root.crl > "$out/revoked.crl"
chmod 644 "$out"/revoked*
printf 'revoked      '
openssl verify -crl_check_all -CRLfile "$out/revoked.crl" -CAfile "$out/revoked-root.pem" -untrusted inter.pem leaf.pem 2>&1 | grep -E 'OK$|^error' | head -1 || true
