#!/bin/sh
# Makes DEVELOPMENT certificates for ponte: a throwaway CA, a localhost server certificate and
# client certificates for tests. NEVER use them in production: the keys are unprotected on disk.
#
# Usage: certs/make-dev-certs.sh DIR
# Creates in DIR (EC P-256 keys, mode 0600):
#   ca.crt ca.key                    the development CA
#   server.crt server.key            CN=localhost, SAN DNS:localhost IP:127.0.0.1 IP:::1, by the CA
#   node-client.crt node-client.key  CN=pagopa-node-dev, clientAuth, by the CA (the node's certificate)
#   other-ca.crt other-ca.key        an unrelated CA
#   other-client.crt other-client.key
#                                    CN=pagopa-node-dev too, but by the OTHER CA: an impostor that
#                                    only the CA check can tell apart from the node
# Idempotent: when every file is there, the chains verify, keys match certificates and all
# certificates stay valid for more than 7 days, it changes nothing.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 DIR" >&2
  exit 2
fi
dir=$1
command -v openssl >/dev/null 2>&1 || { echo "$0: openssl not found" >&2; exit 1; }

# Keys must never be readable by others, including the temporary files made on the way.
umask 077
mkdir -p "$dir"

names="ca server node-client other-ca other-client"
week=$((7 * 24 * 3600))

# True when the certificate and key named $1 exist, match, and stay valid for more than a week.
pair_ok() {
  [ -s "$dir/$1.crt" ] && [ -s "$dir/$1.key" ] || return 1
  openssl x509 -in "$dir/$1.crt" -noout -checkend "$week" >/dev/null 2>&1 || return 1
  cert_pub=$(openssl x509 -in "$dir/$1.crt" -noout -pubkey 2>/dev/null) || return 1
  key_pub=$(openssl pkey -in "$dir/$1.key" -pubout 2>/dev/null) || return 1
  [ "$cert_pub" = "$key_pub" ]
}

up_to_date() {
  for n in $names; do pair_ok "$n" || return 1; done
  openssl verify -CAfile "$dir/ca.crt" "$dir/server.crt" "$dir/node-client.crt" >/dev/null 2>&1 &&
    openssl verify -CAfile "$dir/other-ca.crt" "$dir/other-client.crt" >/dev/null 2>&1
}

if up_to_date; then
  echo "make-dev-certs: $dir is up to date"
  exit 0
fi

# Build everything in a scratch folder inside DIR and move it into place at the end, so an
# interrupted run never leaves a CA that does not match its leaves.
work=$(mktemp -d "$dir/.make-dev-certs.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

newkey() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/$1.key" 2>/dev/null
}

serial() {
  echo "0x$(openssl rand -hex 16)"
}

# make_ca NAME SUBJECT
make_ca() {
  newkey "$1"
  cat >"$work/$1.ext" <<EOF
[ext]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
  openssl req -new -x509 -key "$work/$1.key" -subj "$2" -days 3650 -sha256 -set_serial "$(serial)" \
    -config "$work/$1.ext" -extensions ext -out "$work/$1.crt" 2>/dev/null
}

# make_leaf NAME SUBJECT CA EXTENSIONS...
make_leaf() {
  name=$1 subj=$2 ca=$3
  shift 3
  newkey "$name"
  {
    echo "basicConstraints = critical, CA:FALSE"
    echo "keyUsage = critical, digitalSignature"
    echo "subjectKeyIdentifier = hash"
    echo "authorityKeyIdentifier = keyid"
    for line in "$@"; do echo "$line"; done
  } >"$work/$name.ext"
  openssl req -new -key "$work/$name.key" -subj "$subj" -out "$work/$name.csr" 2>/dev/null
  openssl x509 -req -in "$work/$name.csr" -CA "$work/$ca.crt" -CAkey "$work/$ca.key" \
    -set_serial "$(serial)" -days 397 -sha256 -extfile "$work/$name.ext" \
    -out "$work/$name.crt" 2>/dev/null
}

make_ca ca "/O=ponte development/CN=ponte development CA"
make_ca other-ca "/O=not ponte/CN=other development CA"
make_leaf server "/CN=localhost" ca \
  "extendedKeyUsage = serverAuth" "subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1"
make_leaf node-client "/CN=pagopa-node-dev" ca "extendedKeyUsage = clientAuth"
make_leaf other-client "/CN=pagopa-node-dev" other-ca "extendedKeyUsage = clientAuth"

for n in $names; do
  chmod 0600 "$work/$n.key"
  chmod 0644 "$work/$n.crt"
done
for n in $names; do
  mv -f "$work/$n.key" "$dir/$n.key"
  mv -f "$work/$n.crt" "$dir/$n.crt"
done

if ! up_to_date; then
  echo "make-dev-certs: the certificates made in $dir do not verify" >&2
  exit 1
fi
echo "make-dev-certs: made development certificates in $dir (never use them in production)"
