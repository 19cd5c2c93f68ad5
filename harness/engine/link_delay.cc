#include "harness/engine/link_delay.h"

#include <algorithm>

#include "netimpl/netlink/rtnl.h"

namespace nc::engine {
namespace {

class RtnlQdiscs final : public Qdiscs {
 public:
  explicit RtnlQdiscs(netlink::Rtnl rtnl) : rtnl_(std::move(rtnl)) {}
  Result<std::vector<std::string>> link_names() override {
    auto links = NC_TRY(rtnl_.links());
    std::vector<std::string> names;
    for (auto& l : links) names.push_back(l.name);
    return names;
  }
  Result<void> set_netem_delay(std::string_view link, int delay_ms) override { return rtnl_.set_netem_delay(link, delay_ms); }
  Result<void> del_root_qdisc(std::string_view link) override { return rtnl_.del_root_qdisc(link); }

 private:
  netlink::Rtnl rtnl_;
};

}  // namespace

Result<std::unique_ptr<Qdiscs>> qdiscs_in(const Namespaces& ns) {
  auto rtnl = NC_TRY(netlink::Rtnl::open(ns));
  return std::make_unique<RtnlQdiscs>(std::move(rtnl));
}

Result<std::vector<std::string>> apply_delay(Qdiscs& q, int delay_ms) {
  auto names = NC_TRY_CTX(q.link_names(), "delay by {} ms: list links", delay_ms);
  std::vector<std::string> done;
  for (auto& n : names) {
    if (n == "lo") continue;
    NC_TRY_VOID_CTX(q.set_netem_delay(n, delay_ms), "delay {} by {} ms", n, delay_ms);
    done.push_back(n);
  }
  if (done.empty()) return failf("delay by {} ms: the namespace has no link but lo", delay_ms);
  return done;
}

Result<void> clear_delay(Qdiscs& q, const std::vector<std::string>& links) {
  auto names = NC_TRY_CTX(q.link_names(), "remove delay: list links");
  for (auto& l : links) {
    if (std::ranges::find(names, l) == names.end()) continue;
    NC_TRY_VOID_CTX(q.del_root_qdisc(l), "remove delay on {}", l);
  }
  return {};
}

}  // namespace nc::engine
