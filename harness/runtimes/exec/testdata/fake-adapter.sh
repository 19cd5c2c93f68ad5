#!/bin/bash
# A misbehaving exec adapter for exec_kernel_test.cc. It answers like a runtime that has
# one network and one container until it is asked $FAKE_AT (a method), and then does
# $FAKE_MODE: garbage (a line that is not JSON), crash (exits 3), hang (answers never).
set -u
while IFS= read -r line; do
  [[ $line =~ \"id\":([0-9]+) ]] && id=${BASH_REMATCH[1]}
  [[ $line =~ \"method\":\"([a-z_]+)\" ]] && method=${BASH_REMATCH[1]}
  if [[ $method == "${FAKE_AT:-}" ]]; then
    case ${FAKE_MODE:-} in
      garbage) echo "this is not JSON" ;;
      crash) echo "fake adapter: crashing on $method" >&2; exit 3 ;;
      hang) sleep 1000 ;;
    esac
    continue
  fi
  case $method in
    hello) r='{"protocol":1,"name":"fake","version":"1.0","capabilities":["netns","veth","bridge"]}' ;;
    create_network | inspect_network)
      r='{"name":"appnet","driver":"bridge","subnet":"172.18.0.0/16","gateway":"172.18.0.1","bridge":"br-fake"}' ;;
    create_container | inspect)
      r='{"name":"web","endpoints":[{"network":"bridge","ip":"172.17.0.2","prefix_len":16,"aliases":[]}],"ports":[]}' ;;
    exec) r='{"exit_code":0,"out":"{\"outcome\":\"ok\"}\n","err":""}' ;;
    *) r='{}' ;;
  esac
  printf '{"id":%s,"result":%s}\n' "$id" "$r"
  [[ $method == shutdown ]] && exit 0
done
