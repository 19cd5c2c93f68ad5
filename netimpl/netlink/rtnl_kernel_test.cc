// Kernel tests for the route-netlink client: every test works in fresh network namespaces
// and checks real effects (through our own queries and, where a second opinion helps,
// through `ip`/`bridge` run from outside via nsenter). Needs root; skips otherwise.
#include "netimpl/netlink/rtnl.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nc::netlink {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Prefix P(std::string_view s) { return *Prefix::parse(s); }
IpAddr A(std::string_view s) { return *IpAddr::parse(s); }

// Runs a command inside `ns` (nsenter on our held fd) and returns its stdout.
std::string run_in(const Namespaces& ns, const std::string& cmd) {
  std::string full = fmt::format("nsenter --net=/proc/{}/fd/{} {} 2>&1", ::getpid(), ns.fd(kNsNet), cmd);
  std::string out;
  if (FILE* p = ::popen(full.c_str(), "r")) {
    std::array<char, 512> buf;
    while (size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    ::pclose(p);
  }
  return out;
}

std::set<std::string> root_link_names() {
  auto root = Namespaces::current("root", kNsNet);
  auto rt = Rtnl::open(*root);
  std::set<std::string> names;
  auto links = rt->links();
  for (auto& l : *links) names.insert(l.name);
  return names;
}

// The machine's own namespace must look the same after the whole suite.
class RootUntouched : public ::testing::Environment {
 public:
  void SetUp() override {
    if (::geteuid() == 0) before_ = root_link_names();
  }
  void TearDown() override {
    if (::geteuid() == 0) {
      EXPECT_EQ(root_link_names(), before_) << "links in the root netns changed";
    }
  }

 private:
  std::set<std::string> before_;
};
const auto* const kRootCheck = ::testing::AddGlobalTestEnvironment(new RootUntouched);

class RtnlKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces";
    host_ = make_ns("host");
    rt_ = open(host_);
  }

  static Namespaces make_ns(std::string name) {
    auto ns = Namespaces::create(std::move(name), kNsNet);
    EXPECT_TRUE(ns) << ns.error().message();
    return std::move(*ns);
  }
  static Rtnl open(const Namespaces& ns) {
    auto r = Rtnl::open(ns);
    EXPECT_TRUE(r) << r.error().message();
    return std::move(*r);
  }
  static LinkInfo link(Rtnl& rt, std::string_view name) {
    auto l = rt.find_link(name);
    EXPECT_TRUE(l) << l.error().message();
    EXPECT_TRUE(l && *l) << name << " not found in netns " << rt.ns_name();
    return l && *l ? **l : LinkInfo{};
  }
  static bool has_link(Rtnl& rt, std::string_view name) {
    auto l = rt.find_link(name);
    EXPECT_TRUE(l) << l.error().message();
    return l && l->has_value();
  }

  Rtnl& rt() { return *rt_; }

  Namespaces host_;
  std::optional<Rtnl> rt_;  // a client in host_
};

#define OK(expr)                                          \
  do {                                                    \
    auto ok_r_ = (expr);                                  \
    ASSERT_TRUE(ok_r_) << #expr << ": " << ok_r_.error().message(); \
  } while (0)

TEST_F(RtnlKernel, BridgeCreateUpAndMtu) {
  OK(rt().create_bridge("br0", 1400));
  LinkInfo br = link(rt(), "br0");
  EXPECT_EQ(br.kind, "bridge");
  EXPECT_EQ(br.mtu, 1400);
  EXPECT_FALSE(br.up);
  OK(rt().set_up("br0"));
  OK(rt().set_mtu("br0", 1300));
  br = link(rt(), "br0");
  EXPECT_TRUE(br.up);
  EXPECT_EQ(br.mtu, 1300);
  auto idx = rt().link_index("br0");
  ASSERT_TRUE(idx);
  EXPECT_EQ(*idx, br.index);
  auto all = rt().links();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);  // lo and br0
  EXPECT_THAT(run_in(host_, "ip -br link show br0"), HasSubstr("UP"));
}

TEST_F(RtnlKernel, VethPeerCreatedInsideThePeerNamespace) {
  Namespaces c = make_ns("c1");
  Rtnl crt = open(c);
  OK(rt().create_veth({.name = "web0", .peer = "eth0", .peer_ns = &c, .mtu = 1450}));
  EXPECT_EQ(link(rt(), "web0").kind, "veth");
  EXPECT_FALSE(has_link(rt(), "eth0"));
  LinkInfo eth0 = link(crt, "eth0");
  EXPECT_EQ(eth0.kind, "veth");
  EXPECT_EQ(eth0.mtu, 1450);
  OK(rt().set_up("web0"));
  OK(crt.set_up("eth0"));
  EXPECT_TRUE(link(rt(), "web0").up);
  EXPECT_TRUE(link(crt, "eth0").up);
  EXPECT_THAT(run_in(c, "ip -br link show eth0"), HasSubstr("UP"));
}

TEST_F(RtnlKernel, VethWithMasterAndUpInOneRequest) {
  Namespaces c = make_ns("c2");
  OK(rt().create_bridge("br0"));
  OK(rt().create_veth({.name = "web1", .peer = "eth0", .peer_ns = &c, .master = "br0", .up = true}));
  LinkInfo web1 = link(rt(), "web1");
  EXPECT_TRUE(web1.up);
  EXPECT_EQ(web1.master, link(rt(), "br0").index);
}

TEST_F(RtnlKernel, HairpinOnABridgePort) {
  Namespaces c = make_ns("c3");
  OK(rt().create_bridge("br0"));
  OK(rt().create_veth({.name = "web2", .peer = "eth0", .peer_ns = &c, .master = "br0", .up = true}));
  EXPECT_THAT(run_in(host_, "ip -d link show web2"), HasSubstr("hairpin off"));
  OK(rt().set_hairpin("web2", true));
  EXPECT_THAT(run_in(host_, "ip -d link show web2"), HasSubstr("hairpin on"));
  OK(rt().set_hairpin("web2", false));
  EXPECT_THAT(run_in(host_, "ip -d link show web2"), HasSubstr("hairpin off"));
  EXPECT_FALSE(rt().set_hairpin("br0", true));  // not a port of a bridge
}

TEST_F(RtnlKernel, AddressesAndRoutes) {
  OK(rt().create_veth({.name = "eth0", .peer = "peer0"}));
  OK(rt().set_up("lo"));
  OK(rt().set_up("eth0"));
  OK(rt().add_address("eth0", P("172.18.0.2/16")));
  OK(rt().add_address("eth0", P("fd00:18::2/64")));
  OK(rt().add_route({.dst = P("0.0.0.0/0"), .gateway = A("172.18.0.1")}));
  OK(rt().add_route({.dst = P("198.51.100.0/24"), .dev = "eth0"}));

  auto addrs = rt().addresses();
  ASSERT_TRUE(addrs);
  auto has_addr = [&](std::string_view dev, std::string_view p) {
    return std::ranges::any_of(*addrs, [&](const AddrInfo& a) { return a.ifname == dev && a.prefix == P(p); });
  };
  EXPECT_TRUE(has_addr("eth0", "172.18.0.2/16"));
  EXPECT_TRUE(has_addr("eth0", "fd00:18::2/64"));
  EXPECT_TRUE(has_addr("lo", "127.0.0.1/8"));
  // A second opinion: ip sees the same, with the broadcast address set like `brd +`.
  EXPECT_THAT(run_in(host_, "ip -4 -o addr show dev eth0"), HasSubstr("172.18.0.2/16 brd 172.18.255.255"));
  EXPECT_THAT(run_in(host_, "ip route show default"), HasSubstr("default via 172.18.0.1 dev eth0"));

  auto has_route = [&](std::string_view dst, std::optional<IpAddr> gw, std::string_view dev) {
    auto all = rt().routes(P(dst).addr().family());
    return all && std::ranges::any_of(*all, [&](const RouteInfo& r) {
      return r.dst == P(dst) && r.gateway == gw && r.dev == dev;
    });
  };
  EXPECT_TRUE(has_route("0.0.0.0/0", A("172.18.0.1"), "eth0"));
  EXPECT_TRUE(has_route("172.18.0.0/16", std::nullopt, "eth0"));  // the kernel's connected route
  EXPECT_TRUE(has_route("198.51.100.0/24", std::nullopt, "eth0"));
  OK(rt().add_route({.dst = P("::/0"), .gateway = A("fd00:18::1"), .dev = "eth0"}));
  EXPECT_TRUE(has_route("::/0", A("fd00:18::1"), "eth0"));
  EXPECT_TRUE(has_route("fd00:18::/64", std::nullopt, "eth0"));

  // Adding twice is an error; deleting twice is not.
  auto again = rt().add_route({.dst = P("0.0.0.0/0"), .gateway = A("172.18.0.1")});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().sys_errno(), EEXIST);
  OK(rt().del_route({.dst = P("0.0.0.0/0"), .gateway = A("172.18.0.1")}));
  OK(rt().del_route({.dst = P("0.0.0.0/0"), .gateway = A("172.18.0.1")}));
  OK(rt().del_route({.dst = P("10.0.0.0/8"), .dev = "gone0"}));
  EXPECT_FALSE(has_route("0.0.0.0/0", A("172.18.0.1"), "eth0"));
  OK(rt().del_address("eth0", P("172.18.0.2/16")));
  OK(rt().del_address("eth0", P("172.18.0.2/16")));
  OK(rt().del_address("gone0", P("172.18.0.2/16")));
  addrs = rt().addresses();
  ASSERT_TRUE(addrs);
  EXPECT_FALSE(has_addr("eth0", "172.18.0.2/16"));
  EXPECT_TRUE(has_addr("eth0", "fd00:18::2/64"));
}

TEST_F(RtnlKernel, SetMasterAndNoMaster) {
  OK(rt().create_bridge("br0"));
  OK(rt().create_veth({.name = "v0", .peer = "v0p"}));
  OK(rt().set_master("v0", "br0"));
  EXPECT_EQ(link(rt(), "v0").master, link(rt(), "br0").index);
  EXPECT_THAT(run_in(host_, "ip -br link show master br0"), HasSubstr("v0"));
  OK(rt().set_master("v0", ""));
  EXPECT_EQ(link(rt(), "v0").master, 0);
}

TEST_F(RtnlKernel, MoveToWithAndWithoutRename) {
  Namespaces c = make_ns("c3");
  Rtnl crt = open(c);
  OK(rt().create_veth({.name = "a0", .peer = "b0"}));
  OK(rt().create_veth({.name = "a1", .peer = "b1"}));
  OK(rt().move_to("b0", c, "eth0"));
  OK(rt().move_to("b1", c));
  EXPECT_FALSE(has_link(rt(), "b0"));
  EXPECT_FALSE(has_link(rt(), "b1"));
  EXPECT_EQ(link(crt, "eth0").kind, "veth");
  EXPECT_EQ(link(crt, "b1").kind, "veth");
  OK(crt.rename("b1", "eth1"));
  EXPECT_FALSE(has_link(crt, "b1"));
  EXPECT_TRUE(has_link(crt, "eth1"));
}

TEST_F(RtnlKernel, DeleteIsIdempotent) {
  OK(rt().create_bridge("br0"));
  OK(rt().create_veth({.name = "v0", .peer = "v1"}));
  OK(rt().delete_link("br0"));
  OK(rt().delete_link("br0"));
  OK(rt().delete_link("never-was"));
  OK(rt().delete_link("v0"));
  EXPECT_FALSE(has_link(rt(), "br0"));
  EXPECT_FALSE(has_link(rt(), "v1"));  // deleting one end takes the pair
}

TEST_F(RtnlKernel, ErrorsNameOperationObjectAndNamespace) {
  OK(rt().create_veth({.name = "web0", .peer = "eth0"}));
  auto dup = rt().create_veth({.name = "web0", .peer = "eth0"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().sys_errno(), EEXIST);
  EXPECT_EQ(dup.error().message(), "create veth web0/eth0 in netns host: File exists");

  OK(rt().create_bridge("br0"));
  auto br = rt().create_bridge("br0");
  ASSERT_FALSE(br);
  EXPECT_EQ(br.error().sys_errno(), EEXIST);
  EXPECT_THAT(br.error().message(), HasSubstr("br0"));
  EXPECT_THAT(br.error().message(), HasSubstr("netns host"));

  auto idx = rt().link_index("nope0");
  ASSERT_FALSE(idx);
  EXPECT_EQ(idx.error().sys_errno(), ENODEV);
  EXPECT_EQ(idx.error().message(), "find link nope0 in netns host: No such device");
  auto found = rt().find_link("nope0");
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->has_value());

  auto up = rt().set_up("nope0");
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().sys_errno(), ENODEV);
  EXPECT_THAT(up.error().message(), HasSubstr("nope0"));
  auto addr = rt().add_address("nope0", P("192.0.2.1/24"));
  ASSERT_FALSE(addr);
  EXPECT_EQ(addr.error().sys_errno(), ENODEV);
  EXPECT_THAT(addr.error().message(), HasSubstr("add address 192.0.2.1/24 to nope0 in netns host"));
}

TEST_F(RtnlKernel, VxlanWithStaticFdbAndNeighbours) {
  OK(rt().create_veth({.name = "u0", .peer = "u1"}));
  OK(rt().add_address("u0", P("198.51.100.1/24")));
  OK(rt().set_up("u0"));
  OK(rt().create_vxlan({.name = "vx0", .vni = 42, .local = A("198.51.100.1"), .underlay_dev = "u0", .mtu = 1450}));
  LinkInfo vx = link(rt(), "vx0");
  EXPECT_EQ(vx.kind, "vxlan");
  EXPECT_EQ(vx.mtu, 1450);
  std::string details = run_in(host_, "ip -d link show vx0");
  EXPECT_THAT(details, HasSubstr("vxlan id 42 local 198.51.100.1 dev u0"));
  EXPECT_THAT(details, HasSubstr("dstport 4789"));
  EXPECT_THAT(details, HasSubstr("nolearning"));

  OK(rt().add_fdb("vx0", "02:00:00:00:00:01", A("198.51.100.2")));
  OK(rt().add_fdb("vx0", "02:00:00:00:00:01", A("198.51.100.2")));  // idempotent
  OK(rt().add_fdb("vx0", "00:00:00:00:00:00", A("198.51.100.2")));
  OK(rt().add_fdb("vx0", "00:00:00:00:00:00", A("198.51.100.3")));
  std::string fdb = run_in(host_, "bridge fdb show dev vx0");
  EXPECT_THAT(fdb, HasSubstr("02:00:00:00:00:01 dst 198.51.100.2 self permanent"));
  EXPECT_THAT(fdb, HasSubstr("00:00:00:00:00:00 dst 198.51.100.2 self permanent"));
  EXPECT_THAT(fdb, HasSubstr("00:00:00:00:00:00 dst 198.51.100.3 self permanent"));

  OK(rt().add_neigh("u0", A("198.51.100.9"), "02:00:00:00:00:09"));
  OK(rt().add_neigh("u0", A("198.51.100.9"), "02:00:00:00:00:0a"));  // replaces
  EXPECT_THAT(run_in(host_, "ip neigh show dev u0"), HasSubstr("198.51.100.9 lladdr 02:00:00:00:00:0a PERMANENT"));

  // Deletes take exactly the entry named; what is gone already is success.
  OK(rt().del_fdb("vx0", "02:00:00:00:00:01", A("198.51.100.2")));
  OK(rt().del_fdb("vx0", "02:00:00:00:00:01", A("198.51.100.2")));
  OK(rt().del_fdb("vx0", "00:00:00:00:00:00", A("198.51.100.3")));
  OK(rt().del_fdb("nope0", "02:00:00:00:00:01", A("198.51.100.2")));
  fdb = run_in(host_, "bridge fdb show dev vx0");
  EXPECT_THAT(fdb, Not(HasSubstr("02:00:00:00:00:01")));
  EXPECT_THAT(fdb, HasSubstr("00:00:00:00:00:00 dst 198.51.100.2 self permanent"));
  EXPECT_THAT(fdb, Not(HasSubstr("dst 198.51.100.3")));
  OK(rt().del_neigh("u0", A("198.51.100.9")));
  OK(rt().del_neigh("u0", A("198.51.100.9")));
  EXPECT_THAT(run_in(host_, "ip neigh show dev u0"), Not(HasSubstr("198.51.100.9")));

  auto big = rt().create_vxlan({.name = "vx1", .vni = 1u << 24});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().sys_errno(), EINVAL);
  EXPECT_FALSE(has_link(rt(), "vx1"));

  auto bad = rt().add_fdb("vx0", "not-a-mac", A("198.51.100.2"));
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().message(), HasSubstr("not-a-mac"));
}

TEST_F(RtnlKernel, MacvlanOnAVethEnd) {
  Namespaces c = make_ns("c4");
  Rtnl crt = open(c);
  OK(rt().create_veth({.name = "p0", .peer = "p1"}));
  OK(rt().create_macvlan("mv0", "p0", MacvlanMode::kBridge));
  EXPECT_EQ(link(rt(), "mv0").kind, "macvlan");
  EXPECT_THAT(run_in(host_, "ip -d link show mv0"), HasSubstr("macvlan mode bridge"));
  OK(rt().create_macvlan("mv1", "p0", MacvlanMode::kPrivate, &c, "eth0"));
  EXPECT_FALSE(has_link(rt(), "mv1"));
  EXPECT_EQ(link(crt, "eth0").kind, "macvlan");
  EXPECT_THAT(run_in(c, "ip -d link show eth0"), HasSubstr("macvlan mode private"));
}

// The names of the links the kernel announces (RTM_NEWLINK) in a namespace, read from a
// socket subscribed to its link group before the action under test.
class LinkAnnouncements {
 public:
  explicit LinkAnnouncements(const Namespaces& ns) {
    auto fd = ns.run([]() -> Result<int> {
      int s = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
      if (s < 0) return sys_fail("socket");
      sockaddr_nl a{.nl_family = AF_NETLINK, .nl_pad = 0, .nl_pid = 0, .nl_groups = RTMGRP_LINK};
      if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0) return sys_fail("bind");
      return s;
    });
    EXPECT_TRUE(fd) << fd.error().message();
    fd_ = fd.value_or(-1);
  }
  ~LinkAnnouncements() { if (fd_ >= 0) ::close(fd_); }
  LinkAnnouncements(const LinkAnnouncements&) = delete;
  LinkAnnouncements& operator=(const LinkAnnouncements&) = delete;

  std::set<std::string> created() {
    std::set<std::string> names;
    std::array<char, 32768> buf;
    for (ssize_t n; (n = ::recv(fd_, buf.data(), buf.size(), 0)) > 0;) {
      int len = static_cast<int>(n);
      for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
        if (h->nlmsg_type != RTM_NEWLINK) continue;
        int alen = static_cast<int>(IFLA_PAYLOAD(h));
        for (auto* a = IFLA_RTA(static_cast<ifinfomsg*>(NLMSG_DATA(h))); RTA_OK(a, alen); a = RTA_NEXT(a, alen))
          if (a->rta_type == IFLA_IFNAME) names.insert(static_cast<const char*>(RTA_DATA(a)));
      }
    }
    return names;
  }

 private:
  int fd_ = -1;
};

// A container's eth0 on a parent that is eth0 too (the lab's LAN): kernels before 6.14
// refuse to create a link in another namespace under a name this one has ("File exists"),
// so the child is created here under its temporary name and named eth0 by the move.
TEST_F(RtnlKernel, SubLinkForAContainerIsNamedByTheMoveNotByTheCreate) {
  Namespaces c = make_ns("c5");
  Rtnl crt = open(c);
  OK(rt().create_veth({.name = "eth0", .peer = "lan-peer"}));
  const int parent = link(rt(), "eth0").index;
  LinkAnnouncements seen(host_);
  OK(rt().create_macvlan("veth0000005", "eth0", MacvlanMode::kBridge, &c, "eth0"));
  // The create request named the temporary link, which the kernel announced here; the
  // parent stayed what it was, and nothing is left here but it.
  EXPECT_TRUE(seen.created().contains("veth0000005")) << "the child was not created under its temporary name";
  EXPECT_FALSE(has_link(rt(), "veth0000005"));
  EXPECT_EQ(link(rt(), "eth0").kind, "veth");
  EXPECT_EQ(link(rt(), "eth0").index, parent);
  EXPECT_EQ(link(crt, "eth0").kind, "macvlan");
  EXPECT_FALSE(has_link(crt, "veth0000005"));
  EXPECT_THAT(run_in(c, "ip -d link show eth0"), HasSubstr("macvlan mode bridge"));

  // Same for ipvlan where the kernel has it.
  auto iv = rt().create_ipvlan("veth0000006", "lan-peer", IpvlanMode::kL2, &c, "eth1");
  if (!iv) {
    EXPECT_EQ(iv.error().sys_errno(), EOPNOTSUPP) << iv.error().message();
  } else {
    EXPECT_EQ(link(crt, "eth1").kind, "ipvlan");
    EXPECT_FALSE(has_link(rt(), "veth0000006"));
  }
  EXPECT_FALSE(has_link(crt, "veth0000006"));
}

// A move that fails (the name is taken in the target) leaves no temporary link behind.
TEST_F(RtnlKernel, SubLinkWhoseMoveFailsIsRemoved) {
  Namespaces c = make_ns("c6");
  Rtnl crt = open(c);
  OK(crt.create_bridge("eth0"));
  OK(rt().create_veth({.name = "eth0", .peer = "lan-peer"}));
  auto r = rt().create_macvlan("veth0000007", "eth0", MacvlanMode::kBridge, &c, "eth0");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().sys_errno(), EEXIST) << r.error().message();
  EXPECT_THAT(r.error().message(), HasSubstr("create macvlan veth0000007 on eth0 (as eth0 in netns c6)"));
  EXPECT_FALSE(has_link(rt(), "veth0000007"));
  EXPECT_EQ(link(crt, "eth0").kind, "bridge");
}

TEST_F(RtnlKernel, IpvlanFailsClearlyWithoutKernelSupport) {
  OK(rt().create_veth({.name = "p0", .peer = "p1"}));
  auto r = rt().create_ipvlan("ipv0", "p0", IpvlanMode::kL2);
  if (r) {
    EXPECT_EQ(link(rt(), "ipv0").kind, "ipvlan");
    GTEST_SKIP() << "this kernel has ipvlan: the error path is not reachable here";
  }
  EXPECT_EQ(r.error().sys_errno(), EOPNOTSUPP);
  EXPECT_THAT(r.error().message(), HasSubstr("kernel lacks ipvlan"));
  EXPECT_THAT(r.error().message(), HasSubstr("create ipvlan ipv0 on p0"));
  EXPECT_THAT(r.error().message(), HasSubstr("netns host"));
  EXPECT_FALSE(has_link(rt(), "ipv0"));
}

std::string root_ip_forward() {
  std::ifstream f("/proc/sys/net/ipv4/ip_forward");  // read-only look at the machine
  std::string v;
  f >> v;
  return v;
}

TEST_F(RtnlKernel, SysctlRoundTripStaysInTheNamespace) {
  std::string root_before = root_ip_forward();
  auto v = read_sysctl(host_, "net.ipv4.ip_forward");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(*v, "0");
  OK(write_sysctl(host_, "net.ipv4.ip_forward", "1"));
  v = read_sysctl(host_, "net/ipv4/ip_forward");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(*v, "1");
  EXPECT_EQ(root_ip_forward(), root_before);
  Namespaces other = make_ns("other");
  EXPECT_EQ(*read_sysctl(other, "net.ipv4.ip_forward"), "0");

  auto missing = read_sysctl(host_, "net.ipv4.no_such_knob");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().sys_errno(), ENOENT);
  EXPECT_THAT(missing.error().message(), HasSubstr("read sysctl net.ipv4.no_such_knob in netns host"));
}

// A listening socket made inside `ns`; it stays in that netns whichever thread uses it.
Result<UniqueFd> listen_in(const Namespaces& ns, const IpAddr& ip, uint16_t* port) {
  return ns.run([&]() -> Result<UniqueFd> {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in sa{.sin_family = AF_INET, .sin_port = 0, .sin_addr = ip.to_in()};
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return sys_fail("bind");
    if (::listen(fd.get(), 4) != 0) return sys_fail("listen");
    socklen_t len = sizeof sa;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&sa), &len);
    *port = ntohs(sa.sin_port);
    return fd;
  });
}

Result<UniqueFd> connect_from(const Namespaces& ns, const IpAddr& ip, uint16_t port) {
  return ns.run([&]() -> Result<UniqueFd> {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    timeval tv{.tv_sec = 5, .tv_usec = 0};  // bounds the wait for the SYN-ACK
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in sa{.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = ip.to_in()};
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return sys_fail("connect");
    return fd;
  });
}

TEST_F(RtnlKernel, TcpConnectAcrossAVeth) {
  Namespaces b = make_ns("b");
  Rtnl brt = open(b);
  OK(rt().create_veth({.name = "va", .peer = "vb", .peer_ns = &b, .up = true}));
  OK(rt().add_address("va", P("192.0.2.1/24")));
  OK(brt.add_address("vb", P("192.0.2.2/24")));
  OK(brt.set_up("vb"));
  uint16_t port = 0;
  auto listener = listen_in(b, A("192.0.2.2"), &port);
  ASSERT_TRUE(listener) << listener.error().message();
  auto client = connect_from(host_, A("192.0.2.2"), port);
  ASSERT_TRUE(client) << client.error().message();
  sockaddr_in peer{};
  socklen_t len = sizeof peer;
  UniqueFd conn(::accept4(listener->get(), reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC));
  ASSERT_TRUE(conn.valid());
  EXPECT_EQ(IpAddr::from_in(peer.sin_addr), A("192.0.2.1"));
  // And without the link the same connect fails: the path really is the veth.
  OK(rt().set_up("va", false));
  auto cut = connect_from(host_, A("192.0.2.2"), port);
  EXPECT_FALSE(cut);
}

}  // namespace
}  // namespace nc::netlink
