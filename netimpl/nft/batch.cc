#include "netimpl/nft/batch.h"

#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnftnl/batch.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include <cstring>
#include <new>
#include <optional>

namespace nc::nft {

void MnlClose::operator()(mnl_socket* s) const { mnl_socket_close(s); }

namespace {

constexpr uint32_t kPageSize = 128 * 1024;

// Netlink refuses a message larger than the socket's send buffer (EMSGSIZE), and a batch
// is one message to sendmsg(). Grow the buffer for big batches as nft(8) does (the FORCE
// variant ignores wmem_max; it needs CAP_NET_ADMIN, which writing nf_tables needs anyway).
Result<void> fit_send_buffer(int fd, const std::vector<iovec>& iov) {
  size_t len = 0;
  for (const iovec& v : iov) len += v.iov_len;
  int cur = 0;
  socklen_t sl = sizeof cur;
  if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &sl) != 0) return sys_fail("read netlink send buffer size");
  if (len + 4096 <= static_cast<size_t>(cur) / 2) return {};  // the kernel reports twice the usable size
  int want = static_cast<int>(len + 4096);
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof want) != 0)
    return sys_fail(fmt::format("grow netlink send buffer to {} bytes for the batch", want));
  return {};
}

}  // namespace

Batch::Batch(uint32_t first_seq) : first_seq_(first_seq + 1), seq_(first_seq) {
  // Each page becomes one iovec of the sendmsg(), and sendmsg() takes at most UIO_MAXIOV
  // (1024) of them: 128 KiB pages, as nft(8) uses, allow batches up to 128 MiB. Each page
  // has room for one message to overrun it, as libnftnl expects.
  batch_ = nftnl_batch_alloc(kPageSize, MNL_SOCKET_BUFFER_SIZE);
  if (!batch_) throw std::bad_alloc();
  nftnl_batch_begin(static_cast<char*>(nftnl_batch_buffer(batch_)), seq_++);
  nftnl_batch_update(batch_);
}

Batch::~Batch() { nftnl_batch_free(batch_); }

nlmsghdr* Batch::begin_msg(uint16_t type, uint16_t family, uint16_t flags, std::string what) {
  what_.push_back(std::move(what));
  last_ = nftnl_nlmsg_build_hdr(static_cast<char*>(nftnl_batch_buffer(batch_)), type, family, flags, seq_++);
  return last_;
}

void Batch::end_msg() { nftnl_batch_update(batch_); }

void Batch::add(uint16_t type, uint16_t flags, const nftnl_table* t, std::string what) {
  uint16_t family = nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);
  nftnl_table_nlmsg_build_payload(begin_msg(type, family, flags, std::move(what)), t);
  end_msg();
}

void Batch::add(uint16_t type, uint16_t flags, const nftnl_chain* c, std::string what) {
  uint16_t family = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
  nftnl_chain_nlmsg_build_payload(begin_msg(type, family, flags, std::move(what)), c);
  end_msg();
}

void Batch::add(uint16_t type, uint16_t flags, nftnl_rule* r, std::string what) {
  uint16_t family = nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
  nftnl_rule_nlmsg_build_payload(begin_msg(type, family, flags, std::move(what)), r);
  end_msg();
}

Result<void> Batch::send(mnl_socket* sock) {
  if (!last_) return {};
  // libnftnl never moves a page it has handed out: the last header is where we left it.
  last_->nlmsg_flags |= NLM_F_ACK;
  nftnl_batch_end(static_cast<char*>(nftnl_batch_buffer(batch_)), seq_);
  nftnl_batch_update(batch_);

  std::vector<iovec> iov(nftnl_batch_iovec_len(batch_));
  nftnl_batch_iovec(batch_, iov.data(), iov.size());
  NC_TRY_VOID(fit_send_buffer(mnl_socket_get_fd(sock), iov));
  sockaddr_nl kernel{.nl_family = AF_NETLINK};
  msghdr msg{.msg_name = &kernel, .msg_namelen = sizeof kernel, .msg_iov = iov.data(), .msg_iovlen = iov.size()};
  if (::sendmsg(mnl_socket_get_fd(sock), &msg, 0) < 0) return sys_fail("send nftables batch");
  return read_answer(sock);
}

Result<void> Batch::read_answer(mnl_socket* sock) {
  const uint32_t last_seq = seq_ - 1;
  std::optional<Error> first_error;
  bool acked = false, overflow = false;
  std::vector<char> buf(64 * 1024);
  for (;;) {
    ssize_t n = ::recv(mnl_socket_get_fd(sock), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    // Many failing messages (say, rules for a chain that does not exist) can overflow the
    // receive buffer; the first error read is still the one to report.
    if (n < 0 && errno == ENOBUFS) {
      overflow = true;
      continue;
    }
    if (n < 0) return sys_fail("read nftables answer");
    int len = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<nlmsghdr*>(buf.data()); mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
      if (nlh->nlmsg_type != NLMSG_ERROR) continue;
      auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      uint32_t seq = err->msg.nlmsg_seq;
      if (err->error == 0) {
        acked |= seq == last_seq;
      } else if (!first_error) {
        size_t i = seq - first_seq_;
        std::string what = i < what_.size() ? what_[i] : fmt::format("message {}", seq);
        first_error = Error(fmt::format("{}: {}", what, std::strerror(-err->error)), -err->error);
      }
    }
  }
  if (first_error) return std::unexpected(std::move(*first_error));
  if (overflow) return fail("nftables batch: answers lost (receive buffer overflow)", ENOBUFS);
  if (!acked) return fail("nftables batch: the kernel did not acknowledge it");
  return {};
}

}  // namespace nc::nft
