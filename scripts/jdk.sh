#!/usr/bin/env bash
# Prints the home of a JDK 21 or newer: JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
# Sieve needs Java 21 (Lucene 10); many machines still default to an older java.
set -euo pipefail

major_of() { # prints the major version of the JDK at $1, or nothing
  local home=$1 v
  [ -x "$home/bin/javac" ] || return 0
  v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  echo "${v%%.*}"
}

if [ -n "${JAVA_HOME:-}" ]; then
  m=$(major_of "$JAVA_HOME")
  if [ -n "$m" ] && [ "$m" -ge 21 ]; then echo "$JAVA_HOME"; exit 0; fi
fi
best="" best_m=0
for home in /usr/lib/jvm/*; do
  [ -d "$home" ] || continue
  m=$(major_of "$home")
  if [ -n "$m" ] && [ "$m" -ge 21 ] && [ "$m" -gt "$best_m" ]; then best=$home best_m=$m; fi
done
if [ -z "$best" ]; then
  echo "Sieve needs a JDK 21 or newer: set JAVA_HOME or install one under /usr/lib/jvm" >&2
  exit 1
fi
echo "$best"
