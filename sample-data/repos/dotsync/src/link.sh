# link.sh - create, inspect and repair symlinks for dotsync.
# Sourced by bin/dotsync; expects DRY_RUN to be set.

expand_home() {
    case $1 in
        "~"|"~/"*) printf '%s%s\n' "$HOME" "${1#\~}" ;;
        *) printf '%s\n' "$1" ;;
    esac
}

run() {
    if [ "$DRY_RUN" -eq 1 ]; then
        printf 'would run: %s\n' "$*"
    else
        "$@"
    fi
}

backup_path() {
    stamp=$(date +%Y%m%d%H%M%S)
    printf '%s.dotsync-%s\n' "$1" "$stamp"
}

link_one() {
    target=$1
    dest=$(expand_home "$2")

    if [ ! -e "$target" ]; then
        printf 'skip: %s does not exist in the repository\n' "$target" >&2
        return 0
    fi
    if [ -L "$dest" ] && [ "$(readlink "$dest")" = "$target" ]; then
        return 0
    fi
    if [ -e "$dest" ] || [ -L "$dest" ]; then
        saved=$(backup_path "$dest")
        printf 'moving existing %s to %s\n' "$dest" "$saved"
        run mv "$dest" "$saved"
    fi
    run mkdir -p "$(dirname "$dest")"
    run ln -s "$target" "$dest"
    printf 'linked %s -> %s\n' "$dest" "$target"
}

describe_link() {
    target=$1
    dest=$(expand_home "$2")
    if [ -L "$dest" ]; then
        current=$(readlink "$dest")
        if [ "$current" = "$target" ]; then
            printf 'ok       %s\n' "$dest"
            return 0
        fi
        printf 'foreign  %s -> %s\n' "$dest" "$current"
        return 1
    fi
    if [ -e "$dest" ]; then
        printf 'blocked  %s (regular file)\n' "$dest"
        return 1
    fi
    printf 'missing  %s\n' "$dest"
    return 1
}
