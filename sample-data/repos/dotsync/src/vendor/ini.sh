# ini.sh - tiny POSIX sh reader for INI files.
#
# ini_get FILE SECTION KEY   print the value of KEY in SECTION
# ini_pairs FILE SECTION     print every key=value line of SECTION
# ini_sections FILE          print the section names, one per line
#
# Keys and values are trimmed. Lines starting with ';' or '#' are comments.
# Quoted values keep their inner whitespace; the quotes are removed.

_ini_scan() {
    awk -v want="$2" '
        function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
        /^[ \t]*[;#]/ { next }
        /^[ \t]*\[/ {
            name = $0
            sub(/^[ \t]*\[/, "", name); sub(/\].*$/, "", name)
            section = trim(name)
            if (want == "*") print section
            next
        }
        want != "*" && section == want && index($0, "=") > 0 {
            eq = index($0, "=")
            key = trim(substr($0, 1, eq - 1))
            val = trim(substr($0, eq + 1))
            if (val ~ /^".*"$/) val = substr(val, 2, length(val) - 2)
            print key "=" val
        }
    ' "$1"
}

ini_sections() {
    _ini_scan "$1" "*"
}

ini_pairs() {
    _ini_scan "$1" "$2"
}

ini_get() {
    _ini_scan "$1" "$2" | while IFS='=' read -r k v; do
        if [ "$k" = "$3" ]; then
            printf '%s\n' "$v"
            return 0
        fi
    done
}

ini_has_section() {
    ini_sections "$1" | grep -Fqx -- "$2"
}
