#!/usr/bin/env bash
# Makes the certificates of mutual TLS between Temporal and its clients: a private CA, the Temporal
# server's certificate (frontend and internode), and a client certificate each for Palermo's processes,
# the Temporal UI and the admin tools.
#
#   bash deploy/temporal/certs.sh deploy/certs [SERVER_NAME ...]
#
# The server certificate names `temporal`, `localhost` and 127.0.0.1, plus any SERVER_NAME given (the
# frontend's address in a cluster, say). Files already there are kept: run it again to make what is
# missing; delete a certificate and its key to make them anew. Keep the folder out of version control.
set -euo pipefail

folder=${1:?usage: bash deploy/temporal/certs.sh FOLDER [SERVER_NAME ...]}
shift
days=${CERT_DAYS:-825}
mkdir -p "$folder"
# Only the owner may enter the folder. The files inside are readable by all, because the containers
# that mount them run as users of their own.
chmod 700 "$folder"
cd "$folder"

serial() { echo "0x$(openssl rand -hex 16)"; }

if [ ! -f ca.pem ]; then
    (umask 077 && openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out ca.key)
    openssl req -x509 -new -key ca.key -sha256 -days "$((days * 2))" -set_serial "$(serial)" \
        -subj "/CN=Palermo Temporal CA" -out ca.pem \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign"
    chmod 644 ca.pem
    echo "made the CA: $folder/ca.pem"
fi

# issue NAME USAGES SUBJECT_ALT_NAMES: NAME.pem and NAME.key, signed by the CA, unless they exist.
issue() {
    local name=$1 usages=$2 names=$3
    if [ -f "$name.pem" ] && [ -f "$name.key" ]; then
        return
    fi
    local extensions
    extensions=$(mktemp)
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature"
        echo "extendedKeyUsage=$usages"
        if [ -n "$names" ]; then echo "subjectAltName=$names"; fi
    } >"$extensions"
    openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$name.key"
    chmod 644 "$name.key"
    openssl req -new -key "$name.key" -subj "/CN=$name" \
        | openssl x509 -req -CA ca.pem -CAkey ca.key -sha256 -days "$days" -set_serial "$(serial)" \
            -extfile "$extensions" -out "$name.pem"
    chmod 644 "$name.pem"
    rm -f "$extensions"
    echo "made $folder/$name.pem"
}

server_names="DNS:temporal,DNS:localhost,IP:127.0.0.1"
for name in "$@"; do
    server_names="$server_names,DNS:$name"
done
# The server presents its certificate to clients, and to its own services as their client certificate.
issue server serverAuth,clientAuth "$server_names"
issue palermo clientAuth ""
issue temporal-ui clientAuth ""
issue temporal-admin clientAuth ""
