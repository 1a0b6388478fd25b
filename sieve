#!/usr/bin/env bash
# The sieve command. Builds cli/target/sieve.jar when it is missing or older than any source or pom, then
# runs it with a JDK 21+ (scripts/jdk.sh). Build output goes to stderr, so stdout carries only the result.
# JAVA_OPTS adds JVM options, e.g. JAVA_OPTS=-Xmx4g ./sieve generate ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
JAVA_HOME=$("$here/scripts/jdk.sh")
export JAVA_HOME
jar="$here/cli/target/sieve.jar"

stale() {
  [ -f "$jar" ] || return 0
  # any pom or main source or resource of the modules the CLI is built from, newer than the jar
  [ -n "$(find "$here/pom.xml" "$here"/{decoding,grammars,rewardmodels,cli}/pom.xml \
      "$here"/{decoding,grammars,rewardmodels,cli}/src/main -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}

if stale; then
  echo "sieve: building the command line (cli/target/sieve.jar) ..." >&2
  if ! "$here/build" -q -pl cli -am package -DskipTests 1>&2; then
    echo "sieve: the build failed (see above)" >&2
    exit 1
  fi
fi

# The library never calls out: DJL is told to stay offline and not to track.
export OPT_OUT_TRACKING=true
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" ${JAVA_OPTS:-} -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  --enable-native-access=ALL-UNNAMED -jar "$jar" "$@"
