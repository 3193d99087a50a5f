#!/bin/sh
# Registers the namespace Palermo uses (PALERMO_TEMPORAL_NAMESPACE) once the Temporal server answers.
# Runs in temporalio/admin-tools; safe to run again.
set -eu

address=${TEMPORAL_ADDRESS:-temporal:7233}
namespace=${NAMESPACE:-default}
tries=0
until temporal operator cluster health --address "$address"; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
        echo "the Temporal server at $address did not become healthy"
        exit 1
    fi
    sleep 2
done
temporal operator namespace describe --namespace "$namespace" --address "$address" \
    || temporal operator namespace create --namespace "$namespace" --retention 30d --address "$address"
