// What a check asks of a runtime that drives CNI plugins, beyond api::Runtime: one
// operation of the CNI specification on one attachment, its answer as the spec types it.
//
// A runtime offers this by also deriving from CniControl (and listing the capability
// "cni"); the engine finds it with dynamic_cast. The attachment is (container, ifname) on
// a network the runtime created; the runtime keeps the parameters and the ADD result of
// every attachment, so CHECK and DEL get the same CNI_NETNS, CNI_ARGS, runtimeConfig and
// the stored prevResult (SPEC.md 1.0, Section 3), as a CNI runtime must.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "netimpl/base/error.h"

namespace nc::api {

struct CniRequest {
  std::string command;    // ADD | CHECK | DEL
  std::string container;
  std::string network;
  std::string ifname;     // empty: ADD a new ethN; CHECK/DEL the container's attachment to `network`
  // DEL only: first destroy the container's network namespace (its processes killed, its
  // path removed), as when a container died before the runtime cleaned up.
  bool netns_gone = false;
};

struct CniReply {
  bool ok = false;
  std::optional<int> code;         // the plugin's error code (Error result), when !ok
  std::string msg;                 // its msg, when !ok
  std::string text;                // a one-line account: "ok", "plugin bridge: CNI error 999 (...)"
  std::vector<std::string> ips;    // ADD: the addresses the result assigns to the interface
};

class CniControl {
 public:
  virtual ~CniControl() = default;
  // An error (not a reply) when the request cannot be made at all: unknown container or
  // network, a plugin that does not answer by the protocol.
  virtual Result<CniReply> cni(const CniRequest& req) = 0;
};

}  // namespace nc::api
