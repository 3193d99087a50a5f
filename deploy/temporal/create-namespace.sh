#!/bin/sh
# Registers the namespace Palermo uses (PALERMO_TEMPORAL_NAMESPACE) once the Temporal server answers.
# Runs in temporalio/admin-tools; safe to run again.
set -eu

address=${TEMPORAL_ADDRESS:-temporal:7233}
namespace=${NAMESPACE:-default}
# The frontend requires a client certificate: TLS_CERT, TLS_KEY and TLS_CA name the admin tools' files.
if [ -n "${TLS_CERT:-}" ]; then
    set -- --tls-cert-path "$TLS_CERT" --tls-key-path "$TLS_KEY" --tls-ca-path "$TLS_CA" \
        --tls-server-name "${TLS_SERVER_NAME:-temporal}"
fi
tries=0
until temporal operator cluster health --address "$address" "$@"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
        echo "the Temporal server at $address did not become healthy"
        exit 1
    fi
    sleep 2
done
temporal operator namespace describe --namespace "$namespace" --address "$address" "$@" \
    || temporal operator namespace create --namespace "$namespace" --retention 30d --address "$address" "$@"
