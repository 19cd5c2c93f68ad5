#include "harness/lab/offload.h"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>
#include <vector>

#include "netimpl/base/unique_fd.h"

namespace nc::lab {
namespace {

Result<void> ethtool(int fd, std::string_view ifname, void* cmd) {
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, ifname.data(), std::min(ifname.size(), size_t{IFNAMSIZ - 1}));
  ifr.ifr_data = static_cast<char*>(cmd);
  if (::ioctl(fd, SIOCETHTOOL, &ifr) != 0) return sys_fail("SIOCETHTOOL");
  return {};
}

// The kernel's feature names, in bit order.
Result<std::vector<std::string>> feature_names(int fd, std::string_view ifname) {
  // ethtool_sset_info ends in a flexible array: one u32 (the count) follows it.
  alignas(ethtool_sset_info) char raw[sizeof(ethtool_sset_info) + sizeof(uint32_t)] = {};
  auto* info = reinterpret_cast<ethtool_sset_info*>(raw);
  info->cmd = ETHTOOL_GSSET_INFO;
  info->sset_mask = 1ULL << ETH_SS_FEATURES;
  NC_TRY_VOID(ethtool(fd, ifname, info));
  uint32_t count = info->data[0];
  std::vector<char> buf(sizeof(ethtool_gstrings) + size_t{count} * ETH_GSTRING_LEN);
  auto* gs = reinterpret_cast<ethtool_gstrings*>(buf.data());
  gs->cmd = ETHTOOL_GSTRINGS;
  gs->string_set = ETH_SS_FEATURES;
  gs->len = count;
  NC_TRY_VOID(ethtool(fd, ifname, gs));
  std::vector<std::string> names;
  for (uint32_t i = 0; i < count; ++i)
    names.emplace_back(reinterpret_cast<const char*>(gs->data) + size_t{i} * ETH_GSTRING_LEN);
  return names;
}

Result<void> disable_here(std::string_view ifname, std::span<const std::string_view> features) {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) return sys_fail("socket");
  auto names = NC_TRY(feature_names(fd.get(), ifname));
  size_t blocks = (names.size() + 31) / 32;
  std::vector<char> buf(sizeof(ethtool_sfeatures) + blocks * sizeof(ethtool_set_features_block), 0);
  auto* sf = reinterpret_cast<ethtool_sfeatures*>(buf.data());
  sf->cmd = ETHTOOL_SFEATURES;
  sf->size = static_cast<uint32_t>(blocks);
  for (auto want : features) {
    auto it = std::find(names.begin(), names.end(), want);
    if (it == names.end()) return failf("feature {} is unknown to this kernel", want);
    size_t bit = static_cast<size_t>(it - names.begin());
    sf->features[bit / 32].valid |= 1u << (bit % 32);  // requested bit stays 0: off
  }
  return ethtool(fd.get(), ifname, sf);
}

}  // namespace

Result<void> disable_offloads(const Namespaces& ns, std::string_view ifname, std::span<const std::string_view> features) {
  return with_context(ns.run([&] { return disable_here(ifname, features); }),
                      fmt::format("turn offloads off on {} in netns {}", ifname, ns.name()));
}

}  // namespace nc::lab
