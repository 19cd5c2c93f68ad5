// A netlink::Links without a kernel, for unit tests of netimpl's drivers and runtime.
//
// Every call is recorded as one line of words (`calls()`), e.g.
//   "create_veth veth0000001 eth0 master=br-appnet up mac=02:42:ac:12:00:02"
//   "set_hairpin veth0000001 on"   "add_address eth0 172.18.0.2/16"
//   "add_route default via 172.18.0.1 dev eth0"   "delete_link veth0000001"
// and the links it created are kept, so find_link / links / delete_link answer as the
// kernel would (a veth's peer is kept only when it stays in this namespace). fail_next
// makes the next call whose line starts with a prefix fail, once, with the given errno; the
// failed call is recorded too (with a trailing " -> failed").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "netimpl/netlink/links.h"

namespace nc::netlink::testing {

class FakeLinks final : public Links {
 public:
  explicit FakeLinks(std::string ns_name = "fake") : ns_name_(std::move(ns_name)) {}

  const std::vector<std::string>& calls() const { return calls_; }
  void clear_calls() { calls_.clear(); }
  void fail_next(std::string prefix, int err = EIO) { failures_.push_back({std::move(prefix), err}); }
  // A link that exists before the test (e.g. a macvlan parent).
  void add_existing(std::string name, std::string kind = "");

  const std::string& ns_name() const override { return ns_name_; }
  Result<std::optional<LinkInfo>> find_link(std::string_view ifname) override;
  Result<std::vector<LinkInfo>> links() override;
  Result<void> create_bridge(std::string_view name, int mtu = 0) override;
  Result<void> create_veth(const VethSpec& spec) override;
  Result<void> create_vxlan(const VxlanSpec& spec) override;
  Result<void> create_macvlan(std::string_view name, std::string_view parent, MacvlanMode mode,
                              const Namespaces* target_ns = nullptr, std::string_view name_in_target = {}) override;
  Result<void> create_ipvlan(std::string_view name, std::string_view parent, IpvlanMode mode,
                             const Namespaces* target_ns = nullptr, std::string_view name_in_target = {}) override;
  Result<void> set_up(std::string_view ifname, bool up = true) override;
  Result<void> set_master(std::string_view ifname, std::string_view bridge) override;
  Result<void> set_hairpin(std::string_view ifname, bool on) override;
  Result<void> delete_link(std::string_view ifname) override;
  Result<void> add_address(std::string_view ifname, const Prefix& addr) override;
  Result<std::vector<AddrInfo>> addresses() override;
  Result<void> add_route(const RouteSpec& r) override;
  Result<void> del_route(const RouteSpec& r) override;
  Result<void> add_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst) override;
  Result<void> add_neigh(std::string_view ifname, const IpAddr& ip, std::string_view mac) override;
  Result<void> del_fdb(std::string_view ifname, std::string_view mac, const IpAddr& dst) override;
  Result<void> del_neigh(std::string_view ifname, const IpAddr& ip) override;

 private:
  // Records `line`; the error of a matching fail_next, if any.
  Result<void> record(std::string line);
  Result<void> create(std::string line, std::string_view name, std::string kind);

  struct Failure {
    std::string prefix;
    int err;
  };
  std::string ns_name_;
  std::vector<std::string> calls_;
  std::vector<Failure> failures_;
  std::map<std::string, LinkInfo, std::less<>> links_;
  std::vector<AddrInfo> addrs_;
  int next_index_ = 2;  // 1 is lo
};

}  // namespace nc::netlink::testing
