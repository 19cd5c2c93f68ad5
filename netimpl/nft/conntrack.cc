#include "netimpl/nft/conntrack.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include <cstring>
#include <memory>
#include <vector>

namespace nc::nft {
namespace {

struct HandleClose {
  void operator()(nfct_handle* h) const { nfct_close(h); }
};
struct CtDestroy {
  void operator()(nf_conntrack* ct) const { nfct_destroy(ct); }
};
using Handle = std::unique_ptr<nfct_handle, HandleClose>;
using Entry = std::unique_ptr<nf_conntrack, CtDestroy>;

bool matches(const nf_conntrack* ct, const ConntrackMatch& m) {
  uint8_t proto = ip_proto(m.proto);
  if (nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO) != proto) return false;
  if (nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST) != htons(m.port)) return false;
  if (!m.dst) return true;
  const void* dst = nfct_get_attr(ct, m.dst->is_v4() ? ATTR_ORIG_IPV4_DST : ATTR_ORIG_IPV6_DST);
  return dst && std::memcmp(dst, m.dst->bytes(), m.dst->size()) == 0;
}

struct Dump {
  const ConntrackMatch* match;
  std::vector<Entry> found;
};

int collect(nf_conntrack_msg_type, nf_conntrack* ct, void* data) {
  auto* d = static_cast<Dump*>(data);
  if (matches(ct, *d->match)) d->found.emplace_back(nfct_clone(ct));
  return NFCT_CB_CONTINUE;
}

Result<Handle> open_handle() {
  Handle h(nfct_open(CONNTRACK, 0));
  if (!h) return sys_fail("open conntrack netlink socket");
  return h;
}

}  // namespace

Result<int> flush_conntrack(const Namespaces& ns, const PortMapping& mapping) {
  return flush_conntrack(ns, ConntrackMatch{.proto = mapping.proto, .port = mapping.host_port,
                                            .family = mapping.container_ip.family(), .dst = mapping.host_ip});
}

Result<int> flush_conntrack(const Namespaces& ns, const ConntrackMatch& match) {
  auto ctx = [&] { return fmt::format("flush conntrack {}/{} in netns {}", proto_name(match.proto), match.port, ns.name()); };
  Handle h = NC_TRY_CTX(ns.run(open_handle), "{}", ctx());
  Dump dump{&match, {}};
  nfct_callback_register(h.get(), NFCT_T_ALL, collect, &dump);
  uint32_t family = static_cast<uint32_t>(match.family);
  if (nfct_query(h.get(), NFCT_Q_DUMP, &family) < 0) return sys_fail(ctx() + ": dump");
  nfct_callback_unregister(h.get());
  int deleted = 0;
  for (const Entry& ct : dump.found) {
    if (!ct) throw std::bad_alloc();
    if (nfct_query(h.get(), NFCT_Q_DESTROY, ct.get()) == 0) ++deleted;
    else if (errno != ENOENT) return sys_fail(ctx() + ": delete entry");
  }
  return deleted;
}

Result<int> flush_all_conntrack(const Namespaces& ns) {
  auto ctx = [&] { return fmt::format("flush conntrack in netns {}", ns.name()); };
  Handle h = NC_TRY_CTX(ns.run(open_handle), "{}", ctx());
  int flushed = 0;
  for (uint32_t family : {AF_INET, AF_INET6}) {
    if (nfct_query(h.get(), NFCT_Q_FLUSH, &family) < 0 && errno != ENOENT) return sys_fail(ctx());
    ++flushed;
  }
  return flushed;
}

}  // namespace nc::nft
