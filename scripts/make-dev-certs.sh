#!/usr/bin/env bash
# Makes development certificates for cluster TLS: a throwaway CA and one member certificate for every silo and API
# host (server and client authentication, no password). Production certificates come from your CA.
#   scripts/make-dev-certs.sh [DIR]      (default deploy/certs, which docker-compose.yml mounts; git-ignored)
# Then: Cluster__Tls__CertificatePath=DIR/cluster.pfx Cluster__Tls__CaCertificatePath=DIR/ca.pem on each process.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-deploy/certs}"
silo_dll="src/Silo/bin/Release/net10.0/AfterSales.Actors.Silo.dll"
[ -f "$silo_dll" ] || dotnet build src/Silo/Silo.csproj -c Release -nologo -v quiet -clp:"ErrorsOnly;NoSummary" >&2
DOTNET_ENVIRONMENT=Development exec dotnet "$silo_dll" dev-certs --out "$out"
