// The underlay of a multi-host lab: N hosts joined by one Ethernet segment.
//
//   [host]  underlay0 198.51.100.1/24 2001:db8:100::1/64 ─┐
//   [host2] underlay0 198.51.100.2/24 2001:db8:100::2/64 ─┼─ bridge "ul" in the lab's own "underlay" netns
//   [hostN] underlay0 198.51.100.N/24 2001:db8:100::N/64 ─┘
//
// Dual stack like the LAN (topology.h): 2001:db8:100::/64 beside 198.51.100.0/24, no DAD.
//
// Every host is a full LabHost (the first is the check's usual host with its LAN and
// external client; the others are named host2.. and have their own, unused, LAN). The
// segment is a bridge in a namespace of its own, so no host sees another's links; the
// underlay MTU is 1500 (the overlay's default MTU is 1450 because of it).
//
// An Underlay owns the extra hosts and the underlay namespace: dropping it drops them
// and the kernel removes every link. The first host stays the caller's.
#pragma once

#include <vector>

#include "harness/lab/topology.h"

namespace nc::lab {

inline constexpr std::string_view kUnderlayPrefix = "198.51.100.0/24";
inline constexpr std::string_view kUnderlayPrefix6 = "2001:db8:100::/64";
inline constexpr std::string_view kUnderlayIfname = "underlay0";

class Underlay {
 public:
  // Builds hosts 2..`hosts` and joins them and `first` to the underlay. hosts >= 2.
  // host_mtu > 0: each host's underlay0 gets that MTU while the segment's ports keep 1500,
  // so frames over 1500 vanish on the way without any ICMP (a jumbo-frame mismatch).
  static Result<Underlay> create(const LabHost& first, int hosts, int host_mtu = 0);

  // host(1) is `first`; host(i) for i in 2..N the extra ones, named "host<i>".
  const LabHost& host(int i) const { return i == 1 ? *first_ : extra_.at(i - 2); }
  int size() const { return static_cast<int>(extra_.size()) + 1; }
  // "198.51.100.<i>"
  static std::string address(int i);
  // "2001:db8:100::<i in hex>"
  static std::string address6(int i);

 private:
  const LabHost* first_ = nullptr;
  std::vector<LabHost> extra_;
  Namespaces segment_;
};

}  // namespace nc::lab
