# shellcheck shell=bash
# The `openssl` CA steps shared by the scripts that make certificates and CRLs with OpenSSL
# itself (app/scripts/make-samples.sh, app/scripts/make-revoked-sample.sh,
# packages/engine/test/certs/make-crls.sh), so TLS Lab is checked against certificates it did
# not make. Source it:  . "path/to/openssl-ca.sh"
#
# `openssl ca` is used throughout because it is the one OpenSSL 3 command that takes explicit
# start and end dates (fixed dates keep the files from going stale), and its index.txt lets
# revocations carry fixed dates and reasons (RFC 5280 §5.3.1 reasonCode).
export OPENSSL_CONF=/dev/null

# ca_key FILE: an ECDSA P-256 private key (PKCS#8).
ca_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# ca_csr KEY SUBJECT OUT
ca_csr() { openssl req -new -key "$1" -subj "$2" -out "$3"; }

# ca_db DIR [SERIAL] [EXTFILE]: an `openssl ca` database in DIR with its DIR/ca.cnf; the
# extension sections of EXTFILE are appended to it (for -extensions / -crlexts without -extfile).
ca_db() {
  mkdir -p "$1"
  local dir; dir=$(cd "$1" && pwd)
  touch "$dir/index.txt"
  [ -f "$dir/serial" ] || echo "${2:-1000}" > "$dir/serial"
  echo 01 > "$dir/crlnumber"
  cat > "$dir/ca.cnf" <<CNF
[ ca ]
default_ca = x
[ x ]
dir = $dir
database = \$dir/index.txt
new_certs_dir = $dir
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[ any ]
commonName = supplied
organizationName = optional
emailAddress = optional
CNF
  if [ -n "${3:-}" ]; then cat "$3" >> "$dir/ca.cnf"; fi
}

# ca_sign DB CSR ISSUER_CERT ISSUER_KEY EXTFILE EXT START END OUT (EXTFILE may be "": DB's ca.cnf)
ca_sign() {
  openssl ca -batch -preserveDN -config "$1/ca.cnf" -in "$2" -cert "$3" -keyfile "$4" ${5:+-extfile "$5"} -extensions "$6" \
    -startdate "$7" -enddate "$8" -notext -out "$9" 2>/dev/null
}

# ca_selfsign DB CSR KEY EXTFILE EXT START END OUT
ca_selfsign() {
  openssl ca -batch -preserveDN -selfsign -config "$1/ca.cnf" -in "$2" -keyfile "$3" ${4:+-extfile "$4"} -extensions "$5" \
    -startdate "$6" -enddate "$7" -notext -out "$8" 2>/dev/null
}

# ca_gencrl DB CERT KEY LAST NEXT OUT [CRLEXT] [MD]
ca_gencrl() {
  openssl ca -gencrl -config "$1/ca.cnf" -cert "$2" -keyfile "$3" -crl_lastupdate "$4" -crl_nextupdate "$5" \
    -md "${8:-sha256}" ${7:+-crlexts "$7"} -out "$6" 2>/dev/null
}

# ca_serial CERT: its serial number in hex, as index.txt has it.
ca_serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }

# ca_revoke DB CERT DATE REASON [INVALIDITY]: marks CERT revoked in DB's index.txt, by hand so
# the date is fixed (`openssl ca -revoke` would use today).
ca_revoke() {
  local s; s=$(ca_serial "$2")
  awk -v s="$s" -v d="$3" -v r="$4${5:+,$5}" 'BEGIN{FS=OFS="\t"} $4==s {$1="R"; $3=d "," r} {print}' "$1/index.txt" > "$1/index.new"
  mv "$1/index.new" "$1/index.txt"
}
