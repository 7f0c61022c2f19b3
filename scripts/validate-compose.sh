#!/usr/bin/env bash
# Offline validation of the container deployment files (no Docker engine needed).
#
#   scripts/validate-compose.sh [COMPOSE_FILE]     (default: docker-compose.yml at the repository root)
#
# 1. Validates COMPOSE_FILE with `docker-compose -f FILE config -q` (Debian's docker-compose 1.29,
#    which rejects unknown keys and the newest compose-spec keys). If docker-compose is missing it is
#    installed with apt-get (as root, or through `sudo -n`). Only where apt-get does not exist, npm's
#    dclint (validation against the compose schema) is used instead.
# 2. Checks, since nothing can build the images here, that src/Silo/Dockerfile and
#    src/ApiHost/Dockerfile exist, that every COPY/ADD source in them exists in the repository and is
#    not excluded by .dockerignore (approximate matching), and that every project a copied .csproj
#    references (transitively) is copied too, so the image's restore and publish can find it.
#
# Exits 0 when everything is valid; otherwise non-zero, with the tool's own message on stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKERFILES=(src/Silo/Dockerfile src/ApiHost/Dockerfile)
DCLINT_VERSION=3.1.0

die() { echo "validate-compose: $*" >&2; exit 2; }

if [[ $# -gt 1 ]]; then
    die "usage: $0 [COMPOSE_FILE]"
fi
COMPOSE_FILE="${1:-$ROOT/docker-compose.yml}"
[[ -f "$COMPOSE_FILE" ]] || die "compose file not found: $COMPOSE_FILE"
COMPOSE_FILE="$(cd "$(dirname "$COMPOSE_FILE")" && pwd)/$(basename "$COMPOSE_FILE")"

# ---- 1. the compose file ------------------------------------------------------------------------

install_docker_compose() {
    local -a root=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 ||
            die "docker-compose is not installed, and installing it needs root: this user is not root and has no sudo (run 'apt-get install -y docker-compose' as root)"
        root=(sudo -n)
    fi
    echo "validate-compose: docker-compose not found; installing Debian's docker-compose package" >&2
    # Recommends would pull in the whole docker.io engine, which `config` does not need.
    local -a apt=("${root[@]}" env DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 apt-get -o DPkg::Lock::Timeout=300)
    local log
    log="$(mktemp)"
    if ! { "${apt[@]}" update -qq && "${apt[@]}" install -y -qq --no-install-recommends docker-compose; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        die "installing docker-compose with ${root[*]:+${root[*]} }apt-get failed (output above)"
    fi
    rm -f "$log"
}

validator=""
if command -v docker-compose >/dev/null 2>&1; then
    validator=docker-compose
elif command -v apt-get >/dev/null 2>&1; then
    # Concurrent runs must not race for the dpkg lock: one installs, the others wait for it.
    # (Best effort: without flock or a writable lock file, apt's own lock timeout still applies.)
    locked=0
    if command -v flock >/dev/null 2>&1 && { exec 9>>"${TMPDIR:-/tmp}/validate-compose.$(id -u).lock"; } 2>/dev/null; then
        flock -w 600 9 && locked=1
    fi
    command -v docker-compose >/dev/null 2>&1 || install_docker_compose
    if [[ $locked -eq 1 ]]; then
        exec 9>&-
    fi
    command -v docker-compose >/dev/null 2>&1 || die "docker-compose is still not on PATH after installing it"
    validator=docker-compose
elif command -v npx >/dev/null 2>&1; then
    validator=dclint
else
    die "cannot validate: neither docker-compose, apt-get (to install it) nor npx (for dclint) is available"
fi

compose_status=0
if [[ $validator == docker-compose ]]; then
    # The project directory is the file's own, as `docker compose` would use; -f overrides COMPOSE_FILE.
    # Secrets the file requires from the environment get a placeholder: only the file's shape is checked.
    if AUTH_SIGNING_KEY="${AUTH_SIGNING_KEY:-validation-placeholder-not-a-secret-000000}" \
        POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-validation-placeholder}" APP_DB_PASSWORD="${APP_DB_PASSWORD:-validation-placeholder}" \
        docker-compose -f "$COMPOSE_FILE" config -q; then
        echo "OK   $COMPOSE_FILE is valid (docker-compose $(docker-compose version --short 2>/dev/null || echo "?") config -q)"
    else
        compose_status=$?
        echo "FAIL $COMPOSE_FILE is not a valid compose file (docker-compose config exited $compose_status)" >&2
    fi
else
    # Schema and YAML validation only: dclint's style rules are switched off (its errors among them,
    # such as no-build-and-image, would reject a valid file).
    style_rules=(no-build-and-image no-duplicate-container-names no-duplicate-exported-ports
        no-quotes-in-volumes no-unbound-port-interfaces no-version-field require-project-name-field
        require-quotes-in-ports service-container-name-regex service-dependencies-alphabetical-order
        service-image-require-explicit-tag service-keys-order service-ports-alphabetical-order
        services-alphabetical-order top-level-properties-order)
    if npx --yes "dclint@$DCLINT_VERSION" "$COMPOSE_FILE" --color false --disable-rule "${style_rules[@]}"; then
        echo "OK   $COMPOSE_FILE is valid (dclint $DCLINT_VERSION)"
    else
        compose_status=$?
        echo "FAIL $COMPOSE_FILE is not a valid compose file (dclint exited $compose_status)" >&2
    fi
fi

# ---- 2. the Dockerfiles (build context = repository root) ---------------------------------------

dockerfile_errors=0
report() { echo "FAIL $*" >&2; dockerfile_errors=$((dockerfile_errors + 1)); }

# .dockerignore patterns, in order (a later `!pattern` re-includes). Matching is approximate:
# bash's `*` also matches `/`, and a leading `**/` also matches at the root.
ignore_patterns=()
if [[ -f "$ROOT/.dockerignore" ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
        line="${line%$'\r'}"
        line="${line#"${line%%[![:space:]]*}"}"
        line="${line%"${line##*[![:space:]]}"}"
        [[ -z $line || $line == \#* ]] && continue
        ignore_patterns+=("$line")
    done <"$ROOT/.dockerignore"
fi

is_ignored() {  # $1: path relative to the context root, no leading ./ or trailing /
    local path="$1" candidate ignored=1 raw neg pat
    local candidates=("$path")
    while [[ $path == */* ]]; do path="${path%/*}"; candidates+=("$path"); done
    for raw in "${ignore_patterns[@]}"; do
        neg=0; pat="$raw"
        if [[ $pat == '!'* ]]; then neg=1; pat="${pat:1}"; fi
        pat="${pat#/}"; pat="${pat%/}"
        for candidate in "${candidates[@]}"; do
            # shellcheck disable=SC2053  # the right-hand side is a pattern on purpose
            if [[ $candidate == $pat || ( $pat == '**/'* && $candidate == ${pat#'**/'} ) ]]; then
                if [[ $neg -eq 1 ]]; then ignored=1; else ignored=0; fi
                break
            fi
        done
    done
    return $ignored
}

normalize() {  # a path as written in a Dockerfile or csproj → relative to the repository root
    local p="${1//\\//}"
    p="${p#./}"
    [[ $p == "." || -z $p ]] && { echo "."; return; }
    realpath -m --relative-to="$ROOT" "$ROOT/$p"
}

project_references() {  # $1: csproj relative to root → its ProjectReference paths relative to root
    local proj="$1" dir ref
    dir="$(dirname "$proj")"
    grep -o '<ProjectReference[^>]*Include="[^"]*"' "$ROOT/$proj" 2>/dev/null |
        sed -E 's/.*Include="([^"]*)"/\1/' |
        while IFS= read -r ref; do normalize "$dir/${ref//\\//}"; done || true
}

check_dockerfile() {
    local df="$1"
    if [[ ! -f "$ROOT/$df" ]]; then report "$df does not exist"; return; fi
    local errors_before=$dockerfile_errors

    # Join continuation lines, then take every COPY/ADD instruction that reads the build context.
    local joined
    joined="$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$ROOT/$df")"
    local -a copied=() copied_projects=()
    local line count=0
    while IFS= read -r line; do
        local -a words=()
        local rest="${line#*[[:space:]]}"
        if [[ $rest =~ ^[[:space:]]*(--[a-z]+(=[^[:space:]]*)?[[:space:]]+)*\[ ]]; then
            # JSON form: COPY [--flags] ["src", ..., "dest"]
            local json="${rest#*[}"; json="${json%]*}"
            while IFS= read -r w; do words+=("$w"); done < <(grep -o '"[^"]*"' <<<"$json" | sed 's/^"//; s/"$//')
            while [[ $rest =~ ^[[:space:]]*(--[^[:space:]]+)[[:space:]]+ ]]; do
                [[ ${BASH_REMATCH[1]} == --from=* ]] && continue 2
                rest="${rest#*"${BASH_REMATCH[1]}"}"
            done
        else
            read -r -a words <<<"$rest"
            local -a kept=()
            local w
            for w in "${words[@]}"; do
                if [[ $w == --from=* ]]; then continue 2; fi
                [[ $w == --* ]] && continue
                kept+=("$w")
            done
            words=("${kept[@]}")
        fi
        if [[ ${#words[@]} -lt 2 ]]; then report "$df: cannot read the instruction: $line"; continue; fi
        local i src rel
        for ((i = 0; i < ${#words[@]} - 1; i++)); do
            src="${words[$i]}"
            [[ $src =~ ^(https?|git)(://|@) ]] && continue
            rel="$(normalize "$src")"
            count=$((count + 1))
            if [[ $rel == ..* ]]; then report "$df: COPY source '$src' is outside the build context"; continue; fi
            if ! compgen -G "$ROOT/$rel" >/dev/null; then
                report "$df: COPY source '$src' does not exist in the repository"; continue
            fi
            if [[ $rel != "." ]] && is_ignored "$rel"; then
                report "$df: COPY source '$src' is excluded from the build context by .dockerignore"; continue
            fi
            copied+=("$rel")
            [[ $rel == *.csproj ]] && copied_projects+=("$rel")
        done
    done < <(grep -Ei '^[[:space:]]*(COPY|ADD)[[:space:]]' <<<"$joined")

    # Every project reachable from a copied .csproj must have its .csproj and its sources copied.
    local -A seen=()
    local -a queue=("${copied_projects[@]}")
    while [[ ${#queue[@]} -gt 0 ]]; do
        local proj="${queue[0]}"; queue=("${queue[@]:1}")
        [[ -n ${seen[$proj]:-} ]] && continue
        seen[$proj]=1
        local c has_file=0 has_dir=0 projdir
        projdir="$(dirname "$proj")"
        for c in "${copied[@]}"; do
            [[ $c == "$proj" ]] && has_file=1
            [[ $c == "." || $projdir == "$c" || $projdir == "$c"/* ]] && has_dir=1
        done
        [[ $has_file -eq 1 ]] || report "$df: $proj is referenced but its .csproj is never copied"
        [[ $has_dir -eq 1 ]] || report "$df: $proj is referenced but its directory $projdir/ is never copied"
        if [[ -f "$ROOT/$proj" ]]; then
            local ref
            while IFS= read -r ref; do [[ -n $ref ]] && queue+=("$ref"); done < <(project_references "$proj")
        else
            report "$df: referenced project $proj does not exist"
        fi
    done
    if [[ $dockerfile_errors -eq $errors_before ]]; then
        echo "OK   $df: $count COPY sources exist in the build context; the ${#seen[@]} projects it builds are all copied"
    fi
}

for df in "${DOCKERFILES[@]}"; do
    check_dockerfile "$df"
done

if [[ $compose_status -ne 0 ]]; then
    exit "$compose_status"
fi
if [[ $dockerfile_errors -ne 0 ]]; then
    echo "validate-compose: $dockerfile_errors Dockerfile problem(s)" >&2
    exit 1
fi
