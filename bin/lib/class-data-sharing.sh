# Sourced by bin/coupon-issuer and bin/bench-restart: JVM options for Application Class-Data Sharing (AppCDS).
#
# A server subcommand loads and verifies some 14,000 classes from the jar and lib/ at every start (the
# broker, Kafka Streams, Jetty, Jackson). With an archive of them the JVM maps them instead, which
# takes seconds off a start and so off a restart after a crash (docs/operations.md#restarts). The
# first run of a subcommand records the classes it loads; once it has started, a background job at
# the lowest CPU priority dumps them into <jar dir>/cds/<subcommand>.jsa (written to a temporary file
# and renamed: a half-written archive crashes the JVM that maps it). Later runs map that archive. A
# rebuilt jar makes it stale: it is deleted and recorded again. JAVA_OPTS naming -Xshare, an archive
# or a class list turns all of this off (-Xshare:auto to run without it, with only the JDK's own archive).
# So does a flight recording or an agent started with the JVM: with a class-file load hook from the
# start, a JVM of this JDK (17.0.15) mapping the archive crashed once in three starts (SIGSEGV in
# KlassFactory::check_shared_class_file_load_hook while a pool thread loaded a class).

# cds_archive JAR SUBCOMMAND JAVA_OPTS: sets CDS_ARCHIVE to the archive SUBCOMMAND of JAR runs with under
# these JVM options; fails (status 1) when it runs without one.
cds_archive() {
  case " $3 " in
    *-Xshare:*|*SharedArchiveFile*|*DumpLoadedClassList*|*StartFlightRecording*|*-javaagent*|*-agentlib*|*-agentpath*) return 1 ;;
  esac
  case "$2" in dev|all|issuer|gateway|writer|broker|kafka-node) ;; *) return 1 ;; esac
  CDS_ARCHIVE=$(cd "$(dirname "$1")" && pwd)/cds/$2.jsa
}

# cds_java_options JAR SUBCOMMAND PID: sets CDS_OPTIONS (an array) to the JVM options for running
# SUBCOMMAND of JAR as process PID (the caller execs java next, keeping its pid), and starts the
# archive's build when there is none. CDS_ARCHIVE names the archive that is or will be used.
cds_java_options() {
  local jar=$1 subcommand=$2 pid=$3 dir list
  CDS_OPTIONS=() CDS_ARCHIVE=''
  cds_archive "$jar" "$subcommand" "${JAVA_OPTS:-}" || return 0
  dir=$(dirname "$CDS_ARCHIVE")
  if [ -f "$CDS_ARCHIVE" ] && [ "$CDS_ARCHIVE" -nt "$jar" ]; then
    # If it cannot be mapped after all (another JDK), the JVM runs without it; it need not say so.
    CDS_OPTIONS=("-XX:SharedArchiveFile=$CDS_ARCHIVE" -Xlog:cds=off -Xlog:cds+dynamic=off)
    return 0
  fi
  mkdir -p "$dir" && rm -f "$CDS_ARCHIVE"
  list=$dir/$subcommand.$pid.classlist
  CDS_OPTIONS=("-XX:DumpLoadedClassList=$list")
  setsid nohup "$(dirname "${BASH_SOURCE[0]}")/cds-build" "$jar" "$list" "$CDS_ARCHIVE" "$pid" \
    > "$dir/$subcommand.log" 2>&1 < /dev/null &
}
