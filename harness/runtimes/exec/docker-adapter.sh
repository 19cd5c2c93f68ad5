#!/bin/bash
# The reference exec adapter (PROTOCOL.md, version 1): Docker through Debian 12's docker
# CLI, against a private dockerd this adapter starts in its state directory on hello and
# stops on shutdown or end of input.
#
#   netconform run --runtime exec:harness/runtimes/exec/docker-adapter.sh=docker-sh
#
# It does what the built-in docker runtime does (harness/runtimes/cli_adapter/cli_runtime.cc,
# inspect_parse.cc, docker/dockerd.cc), command for command, so that the two give the same
# verdicts on the whole catalogue; it reports name "docker" and the daemon's version, so
# the same expectations file (conformance/expectations/docker-20.10.yaml) applies.
# Needs bash, jq, coreutils' timeout, docker.io (/usr/bin/docker 20.10, /usr/sbin/dockerd).
#
# Conventions: requests come on fd 0, answers go to fd 3 (our original stdout), and
# everything else — our own stdout, every command's output — goes to stderr, so nothing
# can slip into the protocol stream. Commands never read our stdin (</dev/null).
set -u
exec 3>&1 1>&2

DOCKER=/usr/bin/docker   # 20.10, the daemon's own client (not /usr/local/bin/docker)
DOCKERD=/usr/sbin/dockerd
IMAGE=netconform-probe:latest
STATE=${NETCONFORM_STATE_DIR:?netconform sets NETCONFORM_STATE_DIR}
SOCK=unix://$STATE/docker.sock
DAEMON_PID=
CAPABILITIES='["netns","veth","bridge","br_netfilter","nftables","nat","conntrack","dns","ports","macvlan","ipvlan","ipv6"]'

OUT= ERR= RESULT= FAILED= PARAMS= NAME= CONTAINER= NETWORK=

# ---- running the client ----

# d ARGS...: runs the docker client, bounded; OUT, ERR and the exit status.
d() {
  local o e rc
  o=$(mktemp -p "$STATE") e=$(mktemp -p "$STATE")
  timeout -k 5 60 "$DOCKER" -H "$SOCK" "$@" </dev/null >"$o" 2>"$e"
  rc=$?
  OUT=$(<"$o") ERR=$(<"$e")
  rm -f "$o" "$e"
  return $rc
}

# ok ARGS...: d, and on failure FAILED says which command ("docker network rm x: exit 1: ...").
ok() {
  d "$@" && return 0
  local rc=$? shown=("${@:1:4}") more=
  (($# > 4)) && more=" ..."
  local why=${ERR:-$OUT}
  ((rc == 124 || rc == 137)) && why="timed out after 60000 ms"
  FAILED="docker ${shown[*]}$more: exit $rc: $(trim "$why")"
  return 1
}

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

# jqargs FILTER: the strings FILTER makes of PARAMS, into the array ARGS.
jqargs() { mapfile -d '' ARGS < <(jq -j "$1"' | .[] | (., "\u0000")' <<<"$PARAMS"); }

# ---- inspect output → protocol types (inspect_parse.cc) ----

JQ_NETWORK='
  def v4gw: split("/") as [$a, $l]
    | ($a | split(".") | map(tonumber)) as $o
    | (pow(2; 32 - ($l | tonumber))) as $size
    | ((($o[0] * 16777216 + $o[1] * 65536 + $o[2] * 256 + $o[3]) / $size | floor) * $size + 1) as $g
    | [($g / 16777216 | floor) % 256, ($g / 65536 | floor) % 256, ($g / 256 | floor) % 256, $g % 256]
    | map(tostring) | join(".");
  .[0] as $n
  | (if $n.Driver == "null" then "none" else $n.Driver end) as $driver
  | ($n.Options["com.docker.network.bridge.name"] // "") as $br
  | {name: $n.Name, driver: $driver, internal: ($n.Internal // false),
     bridge: (if $br == "" and $driver == "bridge" then "br-" + $n.Id[0:12] else $br end)}
  + ([($n.IPAM.Config // [])[] | select(.Subnet | test("^[0-9.]+/"))][0] // null | if . == null then {} else
      {subnet: .Subnet}
      + (if (.Gateway // "") != "" then {gateway: .Gateway}
         elif (($n.Internal // false) | not) then {gateway: (.Subnet | v4gw)}
         else {} end) end)
  # Dual stack: the IPv6 entry (Docker leaves its Gateway out when it picked ::1 itself).
  + ([($n.IPAM.Config // [])[] | select(.Subnet | test(":"))][0] // null | if . == null then {} else
      {subnet6: .Subnet}
      + (if (.Gateway // "") != "" then {gateway6: .Gateway}
         elif (($n.Internal // false) | not) then {gateway6: (.Subnet | split("/")[0] | sub("::$"; "::1"))}
         else {} end) end)
  | if has("subnet") or .driver == "host" or .driver == "none" then .
    else error("network \($n.Name): no subnet in inspect output") end'

JQ_CONTAINER='
  .[0] as $c
  | {name: ($c.Name | ltrimstr("/")), id: $c.Id, hostname: ($c.Config.Hostname // ""),
     endpoints: [($c.NetworkSettings.Networks // {}) | to_entries[] | select((.value.IPAddress // "") != "")
       | {network: .key, ip: .value.IPAddress, prefix_len: (.value.IPPrefixLen // 0), mac: (.value.MacAddress // ""),
          aliases: ((.value.Aliases // []) | map(strings))}
         + (if (.value.Gateway // "") != "" then {gateway: .value.Gateway} else {} end)
         + (if (.value.GlobalIPv6Address // "") != "" then
              {ip6: .value.GlobalIPv6Address, prefix_len6: (.value.GlobalIPv6PrefixLen // 0)}
              + (if (.value.IPv6Gateway // "") != "" then {gateway6: .value.IPv6Gateway} else {} end)
            else {} end)],
     ports: ([($c.NetworkSettings.Ports // {}) | to_entries[] | select(.value | type == "array")
       | (.key | split("/")) as $k | .value[]
       | {proto: ($k[1] // "tcp"), hip: (.HostIp // ""), host_port: (.HostPort | tonumber),
          container_port: ($k[0] | tonumber)}]
       # Docker lists the IPv4 and IPv6 bindings of one mapping apart: one port per mapping.
       | reduce .[] as $p ([];
           if ($p.hip == "::" or $p.hip == "[::]")
              and any(.[]; (has("host_ip") | not) and .host_port == $p.host_port and .proto == $p.proto) then .
           else . + [{proto: $p.proto, host_port: $p.host_port, container_port: $p.container_port}
                     + (if ["", "0.0.0.0", "::", "[::]"] | index([$p.hip]) then {} else {host_ip: $p.hip} end)]
           end))}'

inspect_network() {
  ok network inspect "$1" || return 1
  RESULT=$(jq -c "$JQ_NETWORK" <<<"$OUT" 2>&1) || { FAILED="inspect network $1: $RESULT"; return 1; }
}

inspect_container() {
  ok container inspect "$1" || return 1
  RESULT=$(jq -c "$JQ_CONTAINER" <<<"$OUT" 2>&1) || { FAILED="inspect container $1: $RESULT"; return 1; }
}

# ---- the daemon ----

start_daemon() {
  local cgroup=$1 log=$STATE/dockerd.log
  "$DOCKERD" --data-root "$STATE/data" --exec-root "$STATE/exec" --pidfile "$STATE/dockerd.pid" -H "$SOCK" \
    ${cgroup:+--cgroup-parent "$cgroup"} </dev/null >>"$log" 2>&1 &
  DAEMON_PID=$!
  local deadline=$((SECONDS + 60))
  until d version --format '{{.Server.Version}}'; do
    if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
      FAILED="dockerd exited before it was ready; log: $(tail -c 2000 "$log")"
      DAEMON_PID=
      return 1
    fi
    ((SECONDS > deadline)) && { FAILED="dockerd did not answer on $SOCK within 60000 ms; log: $(tail -c 2000 "$log")"; return 1; }
    sleep 0.05
  done
}

stop_daemon() {
  [[ -n $DAEMON_PID ]] || return 0
  kill -TERM "$DAEMON_PID" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$DAEMON_PID" 2>/dev/null
  wait "$DAEMON_PID" 2>/dev/null
  DAEMON_PID=
}

# ---- methods: PARAMS in, RESULT out, or FAILED ----

m_hello() {
  local protocol version
  protocol=$(jq -r .protocol <<<"$PARAMS")
  [[ $protocol == 1 ]] || { FAILED="protocol $protocol: this adapter speaks 1"; return 1; }
  start_daemon "$(jq -r '.cgroup_parent // ""' <<<"$PARAMS")" || return 1
  ok version --format '{{.Server.Version}}' || return 1
  version=$(trim "$OUT")
  version=${version%%[+~-]*}  # "20.10.24+dfsg1" → "20.10.24"
  ok import --change 'ENTRYPOINT ["/probe"]' "$(jq -r .probe_image <<<"$PARAMS")" "$IMAGE" || return 1
  RESULT=$(jq -cn --arg v "$(trim "$version")" --argjson caps "$CAPABILITIES" \
    '{protocol: 1, name: "docker", version: $v, capabilities: $caps}')
}

m_create_network() {
  jqargs '["network", "create", "--driver", .driver]
    + (if .subnet then ["--subnet", .subnet] else [] end)
    + (if .gateway then ["--gateway", .gateway] else [] end)
    + (if .ipv6 or .subnet6 or .gateway6 then ["--ipv6"] else [] end)
    + (if .subnet6 then ["--subnet", .subnet6] else [] end)
    + (if .gateway6 then ["--gateway", .gateway6] else [] end)
    + (if .internal then ["--internal"] else [] end)
    + (if .icc == false then ["-o", "com.docker.network.bridge.enable_icc=false"] else [] end)
    + (if (.mtu // 0) > 0 then ["-o", "com.docker.network.driver.mtu=\(.mtu)"] else [] end)
    + (if (.parent // "") != "" then ["-o", "parent=\(.parent)"] else [] end)
    + (if (.mode // "") != "" then ["-o", "\(.driver)_mode=\(.mode)"] else [] end)
    + [.name]'
  ok "${ARGS[@]}" || return 1
  inspect_network "$NAME"
}

m_remove_network() { ok network rm "$NAME"; }
m_inspect_network() { inspect_network "$NAME"; }
m_inspect() { inspect_container "$CONTAINER"; }

# A serving probe prints one readiness line (or an error line and exits); `logs` shows it.
wait_serving() {
  local deadline=$((SECONDS + 20))
  while :; do
    d logs "$1" || { FAILED="docker logs $1: exit $?: $(trim "$ERR")"; return 1; }
    local line
    line=$(trim "$OUT")
    if [[ -n $line ]]; then
      [[ $line == *'"outcome":"ok"'* ]] && return 0
      FAILED="container $1: the probe did not start serving: $line"
      return 1
    fi
    ((SECONDS > deadline)) && { FAILED="container $1: no readiness line from the probe within 20 s (logs: $(trim "$ERR"))"; return 1; }
    sleep 0.02
  done
}

# PortSpec → "-p" text (cli_runtime.cc, publish_arg).
JQ_PUBLISH='
  def span($a; $b): if $a == $b or $b == 0 then "\($a)" else "\($a)-\($b)" end;
  (if .host_ip then (if (.host_ip | contains(":")) then "[\(.host_ip)]:" else "\(.host_ip):" end) else "" end)
  + (if (.host_first // 0) != 0 then span(.host_first; .host_last // 0) + ":" elif .host_ip then ":" else "" end)
  + span(.container_first; .container_last // 0) + "/" + .proto'

create_container() {
  local name=$1 n serve i
  # ARGS[0]: how many networks; ARGS[1]: the probe's first argument; then `create`'s.
  jqargs '(.networks[0] // {network: "bridge", aliases: []}) as $f
    | [(.networks | length | tostring), (.command[0] // "")]
    + ["create", "--name", .name]
    + (if (.hostname // "") != "" then ["--hostname", .hostname] else [] end)
    + ["--network", $f.network]
    + ([($f.aliases // [])[] | ["--network-alias", .]] | add // [])
    + (if $f.ip then ["--ip", $f.ip] else [] end)
    + (if $f.ip6 then ["--ip6", $f.ip6] else [] end)
    + ([(.publish // [])[] | ["-p", ('"$JQ_PUBLISH"')]] | add // [])
    + ([(.dns // [])[] | ["--dns", .]] | add // [])
    + ["--entrypoint", "/probe", "'"$IMAGE"'"]
    + (if (.command // []) == [] then ["idle"] else .command end)'
  n=${ARGS[0]} serve=${ARGS[1]}
  ok "${ARGS[@]:2}" || return 1
  for ((i = 1; i < n; i++)); do
    connect_one "$name" "$(jq -c ".networks[$i]" <<<"$PARAMS")" || return 1
  done
  ok start "$name" || return 1
  if [[ $serve == serve ]]; then wait_serving "$name" || return 1; fi
}

m_create_container() {
  local name=$NAME
  if ! create_container "$name"; then
    local why=$FAILED
    d rm -f -v "$name"  # half-made or absent: either way nothing stays
    FAILED="create container $name: $why"
    return 1
  fi
  inspect_container "$name"
}

m_remove_container() { ok rm -f -v "$NAME"; }

# connect_one CONTAINER ATTACHMENT-JSON
connect_one() {
  mapfile -d '' ARGS < <(jq -j '(["network", "connect"] + ([(.aliases // [])[] | ["--alias", .]] | add // [])
    + (if .ip then ["--ip", .ip] else [] end) + (if .ip6 then ["--ip6", .ip6] else [] end)
    + [.network]) | .[] | (., "\u0000")' <<<"$2")
  ok "${ARGS[@]}" "$1"
}

m_connect() { connect_one "$CONTAINER" "$(jq -c .attachment <<<"$PARAMS")"; }

m_disconnect() {
  ok network disconnect "$NETWORK" "$CONTAINER"
}

m_exec() {
  local o e rc secs
  # The probe bounds itself by timeout_ms; the client and daemon get a margin, and
  # netconform's own bound on this request is larger still. ARGS[0] is that bound.
  jqargs '[((.timeout_ms + 10000) / 1000 | ceil | tostring), "exec", .container, "/probe"] + .args'
  secs=${ARGS[0]}
  ARGS=("${ARGS[@]:1}")
  o=$(mktemp -p "$STATE") e=$(mktemp -p "$STATE")
  timeout -k 2 "$secs" "$DOCKER" -H "$SOCK" "${ARGS[@]}" </dev/null >"$o" 2>"$e"
  rc=$?
  if ((rc == 124)); then
    FAILED="docker exec ${ARGS[1]}: timed out after $((secs * 1000)) ms"
  else
    RESULT=$(jq -cn --argjson code "$rc" --rawfile out "$o" --rawfile err "$e" '{exit_code: $code, out: $out, err: $err}')
  fi
  rm -f "$o" "$e"
  [[ -z $FAILED ]]
}

m_reset() {
  ok ps -aq || return 1
  local ids
  mapfile -t ids < <(printf '%s\n' "$OUT" | grep -v '^[[:space:]]*$')
  if ((${#ids[@]})); then ok rm -f -v "${ids[@]}" || { FAILED="reset: remove containers: $FAILED"; return 1; }; fi
  ok network ls --format '{{.Name}}' || return 1
  local n
  for n in $OUT; do
    case $n in bridge | host | none) ;; *) ok network rm "$n" || { FAILED="reset: $FAILED"; return 1; } ;; esac
  done
  ok ps -aq || return 1
  local left=$OUT
  ok network ls --format '{{.Name}}' || return 1
  local nets
  nets=$(printf '%s\n' $OUT | sort | tr '\n' ' ')
  if [[ -n $(trim "$left") || $(trim "$nets") != "bridge host none" ]]; then
    FAILED="reset: docker not back at its starting state: containers [$(trim "$(echo $left)")], networks [$(trim "$nets")] (expected [bridge host none])"
    return 1
  fi
  RESULT='{}'
}

m_shutdown() { stop_daemon; RESULT='{}'; }

# ---- the loop ----

answer() {  # ID
  if [[ -n $FAILED ]]; then
    printf '{"id":%s,"error":{"message":%s}}\n' "$1" "$(jq -cn --arg m "$FAILED" '$m')" >&3
  else
    printf '{"id":%s,"result":%s}\n' "$1" "${RESULT:-"{}"}" >&3
  fi
}

trap 'stop_daemon; exit 0' TERM INT
while IFS= read -r line; do
  # One jq per request (each costs ~30 ms): id, method, params and the names most methods
  # need, a line each.
  { read -r id; read -r method; IFS= read -r PARAMS; read -r NAME; read -r CONTAINER; read -r NETWORK; } < <(jq -r \
    '.id, .method, (.params // {} | tojson), (.params | .name, .container, .network | . // "" | tostring)' <<<"$line")
  RESULT= FAILED=
  if declare -F "m_$method" >/dev/null; then
    "m_$method" || [[ -n $FAILED ]] || FAILED="$method failed"
  else
    FAILED="unknown method $method"
  fi
  answer "$id"
  [[ $method == shutdown ]] && exit 0
done
stop_daemon  # end of input: netconform is gone or done
